package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web UI on the API port of a real server: the app at {@code /} and at every client route,
 * hashed assets cached for good and compressed, and the API's routes and 404s untouched by it.
 */
class UiServingIT {
  @TempDir static Path dir;
  static TestServer server;

  @BeforeAll
  static void start() {
    server = new TestServer(dir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static HttpResponse<String> send(String method, String path, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.api(path)))
            .timeout(Duration.ofSeconds(20))
            .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return TestServer.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void root_servesTheApp() throws Exception {
    HttpResponse<String> r = send("GET", "/");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/html");
    assertThat(r.body()).contains("<div id=\"root\"></div>").contains("/assets/");
    assertThat(r.headers().firstValue("cache-control").orElse("")).contains("no-cache");
  }

  @Test
  void clientRoutes_fallBackToIndexHtml_soLinksCanBeShared() throws Exception {
    for (String path :
        new String[] {"/explore?q=count()", "/trace/4bf92f3577b34da6a3ce929d0e0e4736", "/map"}) {
      HttpResponse<String> r = send("GET", path);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(r.body()).as(path).contains("<div id=\"root\"></div>");
    }
  }

  @Test
  void assets_areImmutableAndCompressed() throws Exception {
    Matcher m = Pattern.compile("/assets/[^\"]+\\.js").matcher(send("GET", "/").body());
    assertThat(m.find()).isTrue();
    HttpResponse<String> plain = send("GET", m.group());
    assertThat(plain.statusCode()).isEqualTo(200);
    assertThat(plain.headers().firstValue("content-type").orElse("")).contains("javascript");
    assertThat(plain.headers().firstValue("cache-control").orElse("")).contains("immutable");
    HttpResponse<String> gz = send("GET", m.group(), "Accept-Encoding", "gzip");
    assertThat(gz.headers().firstValue("content-encoding")).contains("gzip");
    assertThat(gz.body().length()).isLessThan(plain.body().length() / 2);
  }

  @Test
  void missingFiles_are404_notTheApp() throws Exception {
    assertThat(send("GET", "/assets/nope-123.js").statusCode()).isEqualTo(404);
    assertThat(send("GET", "/favicon.ico").statusCode()).isEqualTo(404);
    assertThat(send("POST", "/explore").statusCode()).isEqualTo(405);
  }

  @Test
  void api_isNotShadowed_andUnknownApiPathsStayJson404() throws Exception {
    HttpResponse<String> services = send("GET", "/api/v1/services");
    assertThat(services.statusCode()).isEqualTo(200);
    assertThat(services.body()).startsWith("{").contains("\"services\"");
    assertThat(send("GET", "/health").statusCode()).isEqualTo(200);
    HttpResponse<String> trace = send("GET", "/api/v1/traces/4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(trace.statusCode()).isEqualTo(404);
    assertThat(trace.body()).doesNotContain("<html").doesNotContain("no such endpoint");
    HttpResponse<String> unknown = send("GET", "/api/v1/nope");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.headers().firstValue("content-type").orElse("")).contains("json");
    assertThat(unknown.body()).contains("\"error\"").contains("/api/v1/nope");
  }
}
