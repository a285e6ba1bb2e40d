package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.sextant.pipeline.BatchingWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over gRPC, overload is RESOURCE_EXHAUSTED with RetryInfo; the real OpenTelemetry exporter retries
 * and, in the end, every span is stored exactly once.
 */
class GrpcOverloadRetryIT {
  @TempDir Path dir;

  @Test
  void otelGrpcExporter_retriesResourceExhausted_andEverySpanArrives() throws Exception {
    List<SpanData> ended = new CopyOnWriteArrayList<>();
    SdkTracerProvider tracing =
        SdkTracerProvider.builder()
            .setResource(Resource.getDefault().toBuilder().put("service.name", "burst").build())
            .addSpanProcessor(
                new SpanProcessor() {
                  @Override
                  public void onStart(Context parent, ReadWriteSpan span) {}

                  @Override
                  public boolean isStartRequired() {
                    return false;
                  }

                  @Override
                  public void onEnd(ReadableSpan span) {
                    ended.add(span.toSpanData());
                  }

                  @Override
                  public boolean isEndRequired() {
                    return true;
                  }
                })
            .build();
    // At most 5 in flight: the exporter's OkHttp dispatcher runs 5 calls and rejects more.
    int exports = 4;
    int spansPerExport = 100;
    for (int i = 0; i < exports * spansPerExport; i++) {
      Span s = tracing.get("it").spanBuilder("op").startSpan();
      s.end();
    }
    ServerConfig config =
        TestServer.ports(ServerConfig.defaults(dir))
            .withPipeline(new BatchingWriter.Config(150, 122_880));
    try (TestServer server = new TestServer(config, TestServer.slowedBy(300))) {
      OtlpGrpcSpanExporter exporter =
          OtlpGrpcSpanExporter.builder()
              .setEndpoint(server.grpcEndpoint())
              .setTimeout(60, TimeUnit.SECONDS)
              .build();
      List<CompletableResultCode> results = new ArrayList<>();
      for (int e = 0; e < exports; e++) {
        results.add(exporter.export(ended.subList(e * spansPerExport, (e + 1) * spansPerExport)));
      }
      for (CompletableResultCode r : results) {
        assertThat(r.join(60, TimeUnit.SECONDS).isSuccess()).isTrue();
      }
      exporter.shutdown();

      var status = server.get("/api/v1/status").json();
      assertThat(status.get("ingest").get("requests_overloaded").asInt())
          .as("some exports were refused and retried")
          .isPositive();
      for (SpanData s : ended) {
        var trace = server.get("/api/v1/traces/" + s.getTraceId());
        assertThat(trace.status()).isEqualTo(200);
        assertThat(trace.json().get("events")).hasSize(1);
      }
    } finally {
      tracing.shutdown();
    }
  }
}
