package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real OpenTelemetry Java SDK exports to a real server; the trace is read back by the API. */
class OtelSdkIngestIT {
  @TempDir Path dir;
  TestServer server;

  @BeforeEach
  void start() {
    server = new TestServer(dir);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void otlpGrpc_spansAndLogs_areStoredAndReadBackExactly() throws Exception {
    roundTrip(
        OtlpGrpcSpanExporter.builder().setEndpoint(server.grpcEndpoint()).build(),
        OtlpGrpcLogRecordExporter.builder().setEndpoint(server.grpcEndpoint()).build());
  }

  @Test
  void otlpHttpProtobuf_spansAndLogs_areStoredAndReadBackExactly() throws Exception {
    roundTrip(
        OtlpHttpSpanExporter.builder().setEndpoint(server.otlpHttp("/v1/traces")).build(),
        OtlpHttpLogRecordExporter.builder().setEndpoint(server.otlpHttp("/v1/logs")).build());
  }

  private void roundTrip(SpanExporter spanExporter, LogRecordExporter logExporter)
      throws Exception {
    Resource resource =
        Resource.getDefault()
            .merge(
                Resource.create(
                    Attributes.of(
                        AttributeKey.stringKey("service.name"), "checkout",
                        AttributeKey.stringKey("service.version"), "2.4.1",
                        AttributeKey.stringKey("host.name"), "node-7")));
    SdkTracerProvider tracing =
        SdkTracerProvider.builder()
            .setResource(resource)
            .addSpanProcessor(SimpleSpanProcessor.create(spanExporter))
            .build();
    SdkLoggerProvider logging =
        SdkLoggerProvider.builder()
            .setResource(resource)
            .addLogRecordProcessor(SimpleLogRecordProcessor.create(logExporter))
            .build();
    Tracer tracer = tracing.get("io.sextant.it", "1.0.0");
    long t0 = System.currentTimeMillis() * 1_000_000L;

    Span root =
        tracer
            .spanBuilder("POST /checkout")
            .setSpanKind(SpanKind.SERVER)
            .setStartTimestamp(t0, TimeUnit.NANOSECONDS)
            .setAttribute("http.route", "/checkout")
            .setAttribute("http.response.status_code", 502L)
            .setAttribute("user_id", "u-4711")
            .setAttribute("cart.items", 3L)
            .setAttribute("cart.total", 99.5)
            .setAttribute("feature.fast_lane", true)
            .startSpan();
    Span child =
        tracer
            .spanBuilder("SELECT orders")
            .setParent(Context.current().with(root))
            .setSpanKind(SpanKind.CLIENT)
            .setStartTimestamp(t0 + 1_000_000, TimeUnit.NANOSECONDS)
            .setAttribute("db.system", "postgresql")
            .setAttribute("server.address", "orders-db")
            .startSpan();
    child.addEvent(
        "retry",
        Attributes.of(AttributeKey.longKey("attempt"), 2L),
        t0 + 2_000_000,
        TimeUnit.NANOSECONDS);
    child.end(t0 + 5_000_000, TimeUnit.NANOSECONDS);
    logging
        .get("io.sextant.it")
        .logRecordBuilder()
        .setContext(Context.current().with(root))
        .setTimestamp(t0 + 6_000_000, TimeUnit.NANOSECONDS)
        .setSeverity(Severity.ERROR)
        .setSeverityText("ERROR")
        .setBody("payment declined")
        .setAttribute(AttributeKey.stringKey("order_id"), "o-1")
        .emit();
    root.setStatus(StatusCode.ERROR, "payment declined");
    root.end(t0 + 10_000_000, TimeUnit.NANOSECONDS);

    assertThat(ok(tracing.forceFlush())).as("span export acknowledged").isTrue();
    assertThat(ok(logging.forceFlush())).as("log export acknowledged").isTrue();
    // Acknowledged means durable: the trace is readable at once, without waiting.
    JsonNode trace = server.get("/api/v1/traces/" + root.getSpanContext().getTraceId()).json();
    tracing.shutdown();
    logging.shutdown();

    Map<String, JsonNode> byName = new HashMap<>();
    trace
        .get("events")
        .forEach(e -> byName.put(e.get("name").asText() + e.path("body").asText(), e));
    assertThat(trace.get("events")).hasSize(3);
    JsonNode r = byName.get("POST /checkout");
    JsonNode c = byName.get("SELECT orders");
    JsonNode l = byName.get("payment declined");
    assertThat(r.get("span_id").asText()).isEqualTo(root.getSpanContext().getSpanId());
    assertThat(r.has("parent_span_id")).isFalse();
    assertThat(r.get("span.kind").asText()).isEqualTo("server");
    assertThat(r.get("duration_nanos").asLong()).isEqualTo(10_000_000L);
    assertThat(r.get("time_unix_nano").asText()).isEqualTo(Long.toString(t0));
    assertThat(r.get("status").asText()).isEqualTo("error");
    assertThat(r.get("status_message").asText()).isEqualTo("payment declined");
    assertThat(r.get("error").asBoolean()).isTrue();
    assertThat(r.get("service.name").asText()).isEqualTo("checkout");
    JsonNode attrs = r.get("attributes");
    assertThat(attrs.get("http.route").asText()).isEqualTo("/checkout");
    assertThat(attrs.get("http.response.status_code").isIntegralNumber()).isTrue();
    assertThat(attrs.get("http.response.status_code").asLong()).isEqualTo(502);
    assertThat(attrs.get("user_id").asText()).isEqualTo("u-4711");
    assertThat(attrs.get("cart.items").asLong()).isEqualTo(3);
    assertThat(attrs.get("cart.total").isFloatingPointNumber()).isTrue();
    assertThat(attrs.get("cart.total").asDouble()).isEqualTo(99.5);
    assertThat(attrs.get("feature.fast_lane").asBoolean()).isTrue();
    assertThat(r.get("resource").get("service.version").asText()).isEqualTo("2.4.1");
    assertThat(r.get("resource").get("host.name").asText()).isEqualTo("node-7");
    assertThat(r.get("resource").get("telemetry.sdk.language").asText()).isEqualTo("java");
    assertThat(r.get("scope").get("name").asText()).isEqualTo("io.sextant.it");
    assertThat(r.get("scope").get("version").asText()).isEqualTo("1.0.0");

    assertThat(c.get("parent_span_id").asText()).isEqualTo(root.getSpanContext().getSpanId());
    assertThat(c.get("span.kind").asText()).isEqualTo("client");
    assertThat(c.get("duration_nanos").asLong()).isEqualTo(4_000_000L);
    assertThat(c.get("attributes").get("db.system").asText()).isEqualTo("postgresql");
    assertThat(c.get("events").get(0).get("name").asText()).isEqualTo("retry");
    assertThat(c.get("events").get(0).get("attributes").get("attempt").asLong()).isEqualTo(2);
    assertThat(c.get("events").get(0).get("time_unix_nano").asText())
        .isEqualTo(Long.toString(t0 + 2_000_000));

    assertThat(l.get("kind").asText()).isEqualTo("log");
    assertThat(l.get("span_id").asText()).isEqualTo(root.getSpanContext().getSpanId());
    assertThat(l.get("severity_number").asInt()).isEqualTo(17);
    assertThat(l.get("severity_text").asText()).isEqualTo("ERROR");
    assertThat(l.get("attributes").get("order_id").asText()).isEqualTo("o-1");
    assertThat(l.get("error").asBoolean()).isTrue();

    JsonNode services = server.get("/api/v1/services").json().get("services");
    assertThat(services.get(0).get("name").asText()).isEqualTo("checkout");
    assertThat(services.get(0).get("events").asLong()).isEqualTo(3);
  }

  private static boolean ok(CompletableResultCode code) {
    return code.join(30, TimeUnit.SECONDS).isSuccess();
  }
}
