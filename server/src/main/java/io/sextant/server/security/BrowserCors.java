package io.sextant.server.security;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.cors.CorsService;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * CORS for browser telemetry on OTLP/HTTP {@code /v1/traces} and {@code /v1/logs}, for the origins
 * of {@code --cors-origins} only (as the OpenTelemetry Collector's {@code cors.allowed_origins}):
 * exact origins, {@code *} for any, or a {@code *} wildcard inside one ({@code
 * https://*.example.com}). Preflights are answered here, before the token check, as browsers send
 * them without credentials.
 */
public final class BrowserCors {
  private BrowserCors() {}

  public static Function<? super HttpService, CorsService> decorator(List<String> origins) {
    List<Pattern> patterns =
        origins.stream()
            .map(
                o ->
                    Pattern.compile(
                        o.equals("*")
                            ? ".*"
                            : Pattern.quote(o.toLowerCase(Locale.ROOT))
                                .replace("*", "\\E[^/]*\\Q")))
            .toList();
    return CorsService.builder(
            (String origin) ->
                patterns.stream()
                    .anyMatch(p -> p.matcher(origin.toLowerCase(Locale.ROOT)).matches()))
        .allowRequestMethods(HttpMethod.POST)
        .allowRequestHeaders("content-type", "content-encoding", "authorization", "x-scope-orgid")
        .exposeHeaders("retry-after")
        .maxAge(7200)
        .newDecorator();
  }
}
