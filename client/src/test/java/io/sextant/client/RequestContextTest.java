package io.sextant.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.sextant.client.sdk.BaggageLogRecordProcessor;
import io.sextant.client.sdk.BaggageSpanProcessor;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestContextTest {
  private static final TextMapGetter<Map<String, String>> MAP_GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };

  @Test
  void requestContext_crossesAW3cBaggageHeader_andComesBackIntact() {
    RequestContext sent = new RequestContext("u-42", "a-7", RequestType.TRACE, "storefront-eu");
    Map<String, String> headers = new HashMap<>();
    W3CBaggagePropagator.getInstance().inject(sent.storeIn(Context.root()), headers, Map::put);

    assertThat(headers.get("baggage"))
        .contains("user_id=u-42", "account_id=a-7", "request_type=TRACE", "tenant=storefront-eu");
    Context received =
        W3CBaggagePropagator.getInstance().extract(Context.root(), headers, MAP_GETTER);
    assertThat(RequestContext.from(received)).isEqualTo(sent);
    assertThat(TracerBullet.active(received)).isTrue();
  }

  @Test
  void missingBaggage_isAStandardRequestWithoutUser() {
    RequestContext c = RequestContext.from(Context.root());
    assertThat(c.requestType()).isEqualTo(RequestType.STANDARD);
    assertThat(c.userId()).isNull();
    assertThat(TracerBullet.active(Context.root())).isFalse();
  }

  @Test
  void baggageProcessors_copyTheContextOntoEverySpanAndLogRecord() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    InMemoryLogRecordExporter logs = InMemoryLogRecordExporter.create();
    try (SdkTracerProvider tp =
            SdkTracerProvider.builder()
                .addSpanProcessor(new BaggageSpanProcessor())
                .addSpanProcessor(SimpleSpanProcessor.create(spans))
                .build();
        SdkLoggerProvider lp =
            SdkLoggerProvider.builder()
                .addLogRecordProcessor(new BaggageLogRecordProcessor())
                .addLogRecordProcessor(SimpleLogRecordProcessor.create(logs))
                .build()) {
      io.opentelemetry.api.OpenTelemetry otel =
          io.opentelemetry.sdk.OpenTelemetrySdk.builder()
              .setTracerProvider(tp)
              .setLoggerProvider(lp)
              .build();
      Tracer tracer = otel.getTracer("test");
      StructuredLog log = StructuredLog.of(otel, "test");
      try (Scope ignored = RequestContext.of("u-1", "a-1").makeCurrent()) {
        Span parent = tracer.spanBuilder("parent").startSpan();
        try (Scope s = parent.makeCurrent()) {
          tracer.spanBuilder("child").startSpan().end();
          log.info("order placed", "order_id", "o-9", "total_cents", 1299);
        } finally {
          parent.end();
        }
      }
      assertThat(spans.getFinishedSpanItems()).hasSize(2);
      for (SpanData s : spans.getFinishedSpanItems()) {
        assertThat(s.getAttributes().get(AttributeKey.stringKey("user_id"))).isEqualTo("u-1");
        assertThat(s.getAttributes().get(AttributeKey.stringKey("account_id"))).isEqualTo("a-1");
        assertThat(s.getAttributes().get(AttributeKey.stringKey("request_type")))
            .isEqualTo("STANDARD");
      }
      LogRecordData record = logs.getFinishedLogRecordItems().get(0);
      assertThat(record.getAttributes().get(AttributeKey.stringKey("user_id"))).isEqualTo("u-1");
      assertThat(record.getAttributes().get(AttributeKey.longKey("total_cents"))).isEqualTo(1299L);
      assertThat(record.getSpanContext().getTraceId())
          .isEqualTo(spans.getFinishedSpanItems().get(0).getTraceId());
    }
  }
}
