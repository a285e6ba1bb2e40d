package io.sextant.server;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.logging.RequestLog;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.sextant.model.Tenant;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Sextant observing itself: a SERVER span for every request to the API port (questions, trace
 * reads, status), exported over OTLP/HTTP to this server's own ingest port, as service {@code
 * sextant}. Ingest requests are not traced, so that exporting spans never makes more spans.
 */
final class SelfTracing implements AutoCloseable {
  static final String SERVICE = "sextant";

  private final SdkTracerProvider provider;
  private final Tracer tracer;

  SelfTracing(ServerConfig config, String bearer) {
    var exporter =
        OtlpHttpSpanExporter.builder()
            .setEndpoint(
                "http://"
                    + loopbackFor(config.bindAddress())
                    + ":"
                    + config.otlpHttpPort()
                    + "/v1/traces")
            .setTimeout(Duration.ofSeconds(10));
    if (bearer != null) {
      exporter.addHeader("Authorization", "Bearer " + bearer);
    } else {
      // Its own spans are the operations tenant's (its key says so when keys are on).
      exporter.addHeader(Tenant.HEADER, config.security().operationsTenant());
    }
    String version = SelfTracing.class.getPackage().getImplementationVersion();
    provider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(
                                AttributeKey.stringKey("service.name"),
                                SERVICE,
                                AttributeKey.stringKey("service.version"),
                                version == null ? "dev" : version))))
            .addSpanProcessor(
                BatchSpanProcessor.builder(exporter.build())
                    .setScheduleDelay(Duration.ofSeconds(1))
                    .build())
            .build();
    tracer = provider.get("io.sextant.server");
  }

  private static String loopbackFor(String bind) {
    return bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind;
  }

  /** The decorator of the API port: one SERVER span per request, ended when the response is. */
  DecoratingHttpServiceFunction decorator() {
    return (delegate, ctx, req) -> {
      String route = ctx.config().route().patternString();
      Span span =
          tracer
              .spanBuilder(req.method().name() + " " + route)
              .setSpanKind(SpanKind.SERVER)
              .setAttribute("http.request.method", req.method().name())
              .setAttribute("http.route", route)
              .setAttribute("url.path", ctx.path())
              .startSpan();
      ctx.log()
          .whenComplete()
          .thenAccept(
              (RequestLog log) -> {
                int status = log.responseHeaders().status().code();
                span.setAttribute("http.response.status_code", (long) status);
                if (status >= 500 || log.responseCause() != null) {
                  span.setStatus(StatusCode.ERROR);
                }
                span.end();
              });
      try (var scope = span.makeCurrent()) {
        HttpResponse res = delegate.serve(ctx, req);
        return res;
      }
    };
  }

  @Override
  public void close() {
    provider.shutdown().join(5, TimeUnit.SECONDS);
  }
}
