package io.sextant.server.ui;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ServerCacheControl;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.VirtualHostBuilder;
import com.linecorp.armeria.server.encoding.EncodingService;
import com.linecorp.armeria.server.file.FileService;
import com.linecorp.armeria.server.file.HttpFile;

/**
 * The web UI (module {@code ui}: static files under {@code sextant-ui/} on the classpath) at {@code
 * /} of the API port. A path that names no file and has no extension is a client-side route and
 * gets {@code index.html}, so links into the app can be shared and reloaded; {@code /api/*} and
 * {@code /health} never fall back to the app, an unknown API path stays a JSON 404 (docs/adr/0010).
 */
public final class UiService implements HttpService {
  static final String ROOT = "sextant-ui";

  private final boolean present;
  private final HttpService assets;
  private final HttpService files;

  UiService(ClassLoader loader) {
    this.present = loader.getResource(ROOT + "/index.html") != null;
    // Vite puts a content hash in every asset's name, so those never change; index.html does.
    this.assets =
        FileService.builder(loader, ROOT)
            .cacheControl(ServerCacheControl.IMMUTABLE)
            .serveCompressedFiles(false)
            .build();
    HttpService index =
        HttpFile.builder(loader, ROOT + "/index.html")
            .cacheControl(ServerCacheControl.REVALIDATED)
            .build()
            .asService();
    this.files =
        FileService.builder(loader, ROOT)
            .cacheControl(ServerCacheControl.REVALIDATED)
            .build()
            .orElse((ctx, req) -> isClientRoute(ctx.path()) ? index.serve(ctx, req) : notFound());
  }

  /** Serves the UI under {@code /} of {@code api}, compressed; the API's own routes still win. */
  public static void bind(VirtualHostBuilder api) {
    api.serviceUnder(
        "/",
        new UiService(UiService.class.getClassLoader()).decorate(EncodingService.newDecorator()));
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) throws Exception {
    String path = ctx.path();
    if (path.startsWith("/api/") || path.equals("/api") || path.startsWith("/health")) {
      return HttpResponse.of(
          HttpStatus.NOT_FOUND,
          MediaType.JSON_UTF_8,
          "{\"error\":\"no such endpoint: %s %s; docs/api.md lists them\"}",
          req.method(),
          path.replace("\"", "'"));
    }
    if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
      return HttpResponse.of(HttpStatus.METHOD_NOT_ALLOWED);
    }
    if (!present) {
      return HttpResponse.of(
          HttpStatus.NOT_FOUND,
          MediaType.PLAIN_TEXT_UTF_8,
          "The web UI is not part of this build (module ui); the API is under /api/v1/.");
    }
    return (path.startsWith("/assets/") ? assets : files).serve(ctx, req);
  }

  /** {@code /trace/4bf9…} is the app's; {@code /favicon.ico} or {@code /x.js} is a missing file. */
  static boolean isClientRoute(String path) {
    String last = path.substring(path.lastIndexOf('/') + 1);
    return !path.startsWith("/assets/") && !last.contains(".");
  }

  private static HttpResponse notFound() {
    return HttpResponse.of(HttpStatus.NOT_FOUND, MediaType.PLAIN_TEXT_UTF_8, "not found");
  }
}
