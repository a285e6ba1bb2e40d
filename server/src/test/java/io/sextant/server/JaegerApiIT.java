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
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jaeger's query HTTP API (docs/api.md) on a real server: spans sent by the real OpenTelemetry Java
 * SDK over OTLP/gRPC are read back in Jaeger's JSON, its envelope and its error shapes.
 */
class JaegerApiIT {
  @TempDir static Path dir;
  static TestServer server;

  /**
   * Trace A: frontend GET /shop (40 ms) → client call (30 ms) → checkout POST /checkout, failing.
   */
  static Span shopRoot;

  static Span shopCall;
  static Span checkout;

  /** Trace B: a quick GET /shop of user u-2. Trace C: an internal GET /health. */
  static Span quickShop;

  static Span health;
  static long t0;

  @BeforeAll
  static void ingest() {
    server = new TestServer(dir);
    OtlpGrpcSpanExporter exporter =
        OtlpGrpcSpanExporter.builder().setEndpoint(server.grpcEndpoint()).build();
    SdkTracerProvider frontend = provider(exporter, "frontend", "web-1");
    Resource shopResource = resource("checkout", "shop-3");
    SdkTracerProvider shop = provider(exporter, "checkout", "shop-3");
    Tracer web = frontend.get("io.sextant.jaeger-it", "1.0.0");
    Tracer pay = shop.get("io.sextant.jaeger-it");
    // A minute ago, in whole microseconds plus 789 ns (Jaeger's times are microseconds).
    t0 = (System.currentTimeMillis() - 60_000) * 1_000_000L + 789;

    shopRoot =
        web.spanBuilder("GET /shop")
            .setSpanKind(SpanKind.SERVER)
            .setStartTimestamp(t0, TimeUnit.NANOSECONDS)
            .setAttribute("http.route", "/shop")
            .setAttribute("user_id", "u-1")
            .startSpan();
    shopCall =
        web.spanBuilder("call checkout")
            .setParent(Context.current().with(shopRoot))
            .setSpanKind(SpanKind.CLIENT)
            .setStartTimestamp(t0 + 5_000_000, TimeUnit.NANOSECONDS)
            .setAttribute("http.response.status_code", 500L)
            .setAttribute("retry.ratio", 0.25)
            .setAttribute("cache.hit", false)
            .startSpan();
    checkout =
        pay.spanBuilder("POST /checkout")
            .setParent(Context.current().with(shopCall))
            .setSpanKind(SpanKind.SERVER)
            .setStartTimestamp(t0 + 6_000_000, TimeUnit.NANOSECONDS)
            .addLink(shopRoot.getSpanContext())
            .startSpan();
    checkout.addEvent(
        "retry",
        Attributes.of(AttributeKey.longKey("attempt"), 2L),
        t0 + 7_000_000,
        TimeUnit.NANOSECONDS);
    SdkLoggerProvider logs =
        SdkLoggerProvider.builder()
            .setResource(shopResource)
            .addLogRecordProcessor(
                SimpleLogRecordProcessor.create(
                    OtlpGrpcLogRecordExporter.builder().setEndpoint(server.grpcEndpoint()).build()))
            .build();
    logs.get("io.sextant.jaeger-it")
        .logRecordBuilder()
        .setContext(Context.current().with(checkout))
        .setTimestamp(t0 + 8_000_000, TimeUnit.NANOSECONDS)
        .setSeverity(Severity.WARN)
        .setSeverityText("WARN")
        .setBody("card issuer slow")
        .setAttribute(AttributeKey.stringKey("issuer"), "acme")
        .emit();
    checkout.setStatus(StatusCode.ERROR, "card declined");
    checkout.end(t0 + 30_000_000, TimeUnit.NANOSECONDS);
    shopCall.end(t0 + 35_000_000, TimeUnit.NANOSECONDS);
    shopRoot.setStatus(StatusCode.OK);
    shopRoot.end(t0 + 40_000_000, TimeUnit.NANOSECONDS);

    quickShop =
        web.spanBuilder("GET /shop")
            .setSpanKind(SpanKind.SERVER)
            .setStartTimestamp(t0 + 1_000_000_000L, TimeUnit.NANOSECONDS)
            .setAttribute("user_id", "u-2")
            .startSpan();
    quickShop.end(t0 + 1_005_000_000L, TimeUnit.NANOSECONDS);
    health =
        web.spanBuilder("GET /health")
            .setStartTimestamp(t0 + 2_000_000_000L, TimeUnit.NANOSECONDS)
            .startSpan();
    health.end(t0 + 2_001_000_000L, TimeUnit.NANOSECONDS);

    // Acknowledged means durable: every span is readable once the flushes return.
    assertThat(frontend.forceFlush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
    assertThat(shop.forceFlush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
    assertThat(logs.forceFlush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
    logs.shutdown().join(10, TimeUnit.SECONDS);
    frontend.shutdown().join(10, TimeUnit.SECONDS);
    shop.shutdown().join(10, TimeUnit.SECONDS);
  }

  private static Resource resource(String service, String host) {
    return Resource.getDefault()
        .merge(
            Resource.create(
                Attributes.of(
                    AttributeKey.stringKey("service.name"), service,
                    AttributeKey.stringKey("host.name"), host)));
  }

  private static SdkTracerProvider provider(
      OtlpGrpcSpanExporter exporter, String service, String host) {
    return SdkTracerProvider.builder()
        .setResource(resource(service, host))
        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
        .build();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static TestServer.Reply get(String path, String... params) throws Exception {
    StringBuilder q = new StringBuilder(path);
    for (int i = 0; i < params.length; i += 2) {
      q.append(i == 0 ? '?' : '&')
          .append(params[i])
          .append('=')
          .append(URLEncoder.encode(params[i + 1], StandardCharsets.UTF_8));
    }
    return server.get(q.toString());
  }

  private static JsonNode ok(String path, String... params) throws Exception {
    TestServer.Reply r = get(path, params);
    assertThat(r.status()).as("%s: %s", path, r.body()).isEqualTo(200);
    JsonNode body = r.json();
    // Jaeger's envelope: data, total, limit, offset, errors.
    assertThat(body.get("total").asInt()).isEqualTo(body.get("data").size());
    assertThat(body.get("limit").asInt()).isZero();
    assertThat(body.get("offset").asInt()).isZero();
    assertThat(body.get("errors").isNull()).isTrue();
    return body.get("data");
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** The ids of the traces a search for service frontend with {@code params} finds. */
  private static List<String> frontendTraces(String... params) throws Exception {
    String[] all = new String[params.length + 2];
    all[0] = "service";
    all[1] = "frontend";
    System.arraycopy(params, 0, all, 2, params.length);
    return traceIds(ok("/api/traces", all));
  }

  private static List<String> traceIds(JsonNode data) {
    List<String> out = new ArrayList<>();
    data.forEach(t -> out.add(t.get("traceID").asText()));
    return out;
  }

  private static String id(Span s) {
    return s.getSpanContext().getTraceId();
  }

  private static void refused(TestServer.Reply r, int code, String msgPart) throws Exception {
    assertThat(r.status()).as(r.body()).isEqualTo(code);
    JsonNode body = r.json();
    assertThat(body.get("data").isNull()).isTrue();
    assertThat(body.get("errors")).hasSize(1);
    assertThat(body.get("errors").get(0).get("code").asInt()).isEqualTo(code);
    assertThat(body.get("errors").get(0).get("msg").asText()).contains(msgPart);
  }

  @Test
  void services_andOperations() throws Exception {
    assertThat(strings(ok("/api/services"))).containsExactly("checkout", "frontend");
    assertThat(strings(ok("/api/services/frontend/operations")))
        .containsExactly("GET /health", "GET /shop", "call checkout");
    assertThat(strings(ok("/api/services/checkout/operations"))).containsExactly("POST /checkout");
    assertThat(strings(ok("/api/services/nobody/operations"))).isEmpty();

    JsonNode ops = ok("/api/operations", "service", "frontend");
    Map<String, String> kinds = new HashMap<>();
    ops.forEach(o -> kinds.put(o.get("name").asText(), o.get("spanKind").asText()));
    assertThat(kinds)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("GET /health", "internal", "GET /shop", "server", "call checkout", "client"));
    JsonNode servers = ok("/api/operations", "service", "frontend", "spanKind", "server");
    assertThat(servers).hasSize(1);
    assertThat(servers.get(0).get("name").asText()).isEqualTo("GET /shop");
    refused(get("/api/operations"), 400, "parameter 'service' is required");
    refused(get("/api/operations", "service", "frontend", "spanKind", "sideways"), 400, "spanKind");
  }

  @Test
  void oneTrace_inJaegersModel() throws Exception {
    JsonNode data = ok("/api/traces/" + id(shopRoot));
    assertThat(data).hasSize(1);
    JsonNode trace = data.get(0);
    assertThat(trace.get("traceID").asText()).isEqualTo(id(shopRoot));
    assertThat(trace.get("spans")).hasSize(3);
    assertThat(trace.has("warnings")).isTrue();
    Map<String, JsonNode> spans = new HashMap<>();
    trace.get("spans").forEach(s -> spans.put(s.get("operationName").asText(), s));
    JsonNode root = spans.get("GET /shop");
    JsonNode call = spans.get("call checkout");
    JsonNode pay = spans.get("POST /checkout");

    // Ids, times and durations in microseconds.
    assertThat(root.get("traceID").asText()).isEqualTo(id(shopRoot));
    assertThat(root.get("spanID").asText()).isEqualTo(shopRoot.getSpanContext().getSpanId());
    assertThat(root.get("startTime").isIntegralNumber()).isTrue();
    assertThat(root.get("startTime").asLong()).isEqualTo(t0 / 1_000);
    assertThat(root.get("duration").asLong()).isEqualTo(40_000);
    assertThat(call.get("startTime").asLong()).isEqualTo((t0 + 5_000_000) / 1_000);
    assertThat(call.get("duration").asLong()).isEqualTo(30_000);
    assertThat(pay.get("duration").asLong()).isEqualTo(24_000);

    // Parents as CHILD_OF references, links as FOLLOWS_FROM.
    assertThat(root.get("references")).isEmpty();
    assertThat(call.get("references")).hasSize(1);
    JsonNode ref = call.get("references").get(0);
    assertThat(ref.get("refType").asText()).isEqualTo("CHILD_OF");
    assertThat(ref.get("traceID").asText()).isEqualTo(id(shopRoot));
    assertThat(ref.get("spanID").asText()).isEqualTo(shopRoot.getSpanContext().getSpanId());
    assertThat(pay.get("references")).hasSize(2);
    assertThat(pay.get("references").get(0).get("refType").asText()).isEqualTo("CHILD_OF");
    assertThat(pay.get("references").get(0).get("spanID").asText())
        .isEqualTo(shopCall.getSpanContext().getSpanId());
    assertThat(pay.get("references").get(1).get("refType").asText()).isEqualTo("FOLLOWS_FROM");
    assertThat(pay.get("references").get(1).get("spanID").asText())
        .isEqualTo(shopRoot.getSpanContext().getSpanId());

    // Tags with Jaeger's types; kind and status as Jaeger writes them.
    assertThat(tag(call, "http.response.status_code")).isEqualTo("int64:500");
    assertThat(tag(call, "retry.ratio")).isEqualTo("float64:0.25");
    assertThat(tag(call, "cache.hit")).isEqualTo("bool:false");
    assertThat(tag(call, "span.kind")).isEqualTo("string:client");
    assertThat(tag(call, "error")).isNull();
    assertThat(tag(call, "otel.status_code")).isNull();
    assertThat(tag(root, "user_id")).isEqualTo("string:u-1");
    assertThat(tag(root, "span.kind")).isEqualTo("string:server");
    assertThat(tag(root, "otel.status_code")).isEqualTo("string:OK");
    assertThat(tag(root, "otel.scope.name")).isEqualTo("string:io.sextant.jaeger-it");
    assertThat(tag(root, "otel.scope.version")).isEqualTo("string:1.0.0");
    assertThat(tag(pay, "otel.status_code")).isEqualTo("string:ERROR");
    assertThat(tag(pay, "error")).isEqualTo("bool:true");
    assertThat(tag(pay, "otel.status_description")).isEqualTo("string:card declined");

    // Span events and the span's log records as logs; the log record is no span of its own.
    assertThat(pay.get("logs")).hasSize(2);
    JsonNode log = pay.get("logs").get(0);
    assertThat(log.get("timestamp").asLong()).isEqualTo((t0 + 7_000_000) / 1_000);
    assertThat(fields(log.get("fields"))).containsEntry("event", "string:retry");
    assertThat(fields(log.get("fields"))).containsEntry("attempt", "int64:2");
    JsonNode record = pay.get("logs").get(1);
    assertThat(record.get("timestamp").asLong()).isEqualTo((t0 + 8_000_000) / 1_000);
    assertThat(fields(record.get("fields")))
        .containsEntry("level", "string:WARN")
        .containsEntry("message", "string:card issuer slow")
        .containsEntry("issuer", "string:acme");
    assertThat(root.get("logs")).isEmpty();

    // Processes: one per service, the spans point at them.
    JsonNode processes = trace.get("processes");
    assertThat(processes.size()).isEqualTo(2);
    JsonNode rootProcess = processes.get(root.get("processID").asText());
    JsonNode payProcess = processes.get(pay.get("processID").asText());
    assertThat(call.get("processID").asText()).isEqualTo(root.get("processID").asText());
    assertThat(rootProcess.get("serviceName").asText()).isEqualTo("frontend");
    assertThat(payProcess.get("serviceName").asText()).isEqualTo("checkout");
    assertThat(fields(rootProcess.get("tags"))).containsEntry("host.name", "string:web-1");
    assertThat(fields(payProcess.get("tags"))).containsEntry("host.name", "string:shop-3");
    assertThat(fields(payProcess.get("tags")))
        .containsEntry("telemetry.sdk.language", "string:java");
    assertThat(fields(payProcess.get("tags"))).doesNotContainKey("service.name");
  }

  /** {@code type:value} of the tag {@code key} of {@code span}, or null. */
  private static String tag(JsonNode span, String key) {
    return fields(span.get("tags")).get(key);
  }

  private static Map<String, String> fields(JsonNode kvs) {
    Map<String, String> out = new HashMap<>();
    kvs.forEach(
        kv ->
            out.put(
                kv.get("key").asText(), kv.get("type").asText() + ":" + kv.get("value").asText()));
    return out;
  }

  @Test
  void oneTrace_missingOrMalformed() throws Exception {
    TestServer.Reply missing = get("/api/traces/4bf92f3577b34da6a3ce929d0e0e4736");
    refused(missing, 404, "trace not found");
    assertThat(missing.json().get("errors").get(0).get("msg").asText())
        .isEqualTo("trace not found");
    refused(get("/api/traces/not-a-trace-id"), 400, "hex");
    refused(get("/api/traces/" + "a".repeat(33)), 400, "hex");
    refused(get("/api/traces/" + "0".repeat(32)), 400, "zeros");
    // Jaeger's ids may drop leading zeros; a 64-bit id is padded.
    refused(get("/api/traces/abc"), 404, "trace not found");
  }

  @Test
  void search_byServiceOperationTagsAndDuration() throws Exception {
    // Latest first: health, the quick shop, then trace A.
    assertThat(traceIds(ok("/api/traces", "service", "frontend")))
        .containsExactly(id(health), id(quickShop), id(shopRoot));
    assertThat(frontendTraces("limit", "1")).containsExactly(id(health));
    assertThat(frontendTraces("operation", "GET /shop"))
        .containsExactly(id(quickShop), id(shopRoot));
    // The spans of a trace found are all there, not only the matching one.
    JsonNode a = ok("/api/traces", "service", "frontend", "minDuration", "20ms");
    assertThat(traceIds(a)).containsExactly(id(shopRoot));
    assertThat(a.get(0).get("spans")).hasSize(3);
    assertThat(a.get(0).get("processes").size()).isEqualTo(2);
    assertThat(frontendTraces("minDuration", "35ms")).containsExactly(id(shopRoot));
    assertThat(frontendTraces("minDuration", "40.001ms")).isEmpty();
    assertThat(frontendTraces("operation", "GET /shop", "maxDuration", "5ms"))
        .containsExactly(id(quickShop));

    // Tags: a JSON object (Grafana, the Jaeger UI), logfmt, and Jaeger's older tag=k:v.
    assertThat(frontendTraces("tags", "{\"user_id\":\"u-2\"}")).containsExactly(id(quickShop));
    assertThat(frontendTraces("tags", "http.response.status_code=500 cache.hit=false"))
        .containsExactly(id(shopRoot));
    assertThat(frontendTraces("tag", "user_id:u-1")).containsExactly(id(shopRoot));
    // A tag matches one span: user u-2 made no call that took 20 ms.
    assertThat(frontendTraces("tags", "{\"user_id\":\"u-2\"}", "minDuration", "20ms")).isEmpty();
    // Derived tags: error, span.kind, otel.status_code; resource attributes too.
    assertThat(traceIds(ok("/api/traces", "service", "checkout", "tags", "{\"error\":\"true\"}")))
        .containsExactly(id(shopRoot));
    assertThat(frontendTraces("tags", "error=true")).isEmpty();
    assertThat(traceIds(ok("/api/traces", "service", "checkout", "tags", "otel.status_code=ERROR")))
        .containsExactly(id(shopRoot));
    assertThat(frontendTraces("tags", "span.kind=client")).containsExactly(id(shopRoot));
    assertThat(traceIds(ok("/api/traces", "service", "checkout", "tags", "host.name=shop-3")))
        .containsExactly(id(shopRoot));
    // A key no span has finds nothing rather than failing.
    assertThat(frontendTraces("tags", "no.such.key=1")).isEmpty();

    // Time: start and end in microseconds; the window excludes trace A's spans.
    long afterA = (t0 + 500_000_000L) / 1_000;
    assertThat(
            frontendTraces(
                "start", Long.toString(afterA), "end", Long.toString(afterA + 60_000_000L)))
        .containsExactly(id(health), id(quickShop));
    assertThat(
            frontendTraces(
                "start",
                Long.toString(t0 / 1_000 - 3_600_000_000L),
                "end",
                Long.toString(t0 / 1_000 - 1_000_000L)))
        .isEmpty();
    assertThat(frontendTraces("lookback", "1h")).hasSize(3);

    // Several traces by id, as the Jaeger UI's compare view asks.
    assertThat(
            traceIds(
                ok(
                    "/api/traces",
                    "traceID",
                    id(shopRoot),
                    "traceID",
                    "4bf92f3577b34da6a3ce929d0e0e4736")))
        .containsExactly(id(shopRoot));
  }

  @Test
  void search_refusesBadInputWithOneSentence() throws Exception {
    refused(get("/api/traces"), 400, "parameter 'service' is required");
    refused(get("/api/traces", "service", "frontend", "limit", "5000"), 400, "maximum of 1000");
    refused(get("/api/traces", "service", "frontend", "limit", "x"), 400, "not a whole number");
    refused(get("/api/traces", "service", "frontend", "minDuration", "fast"), 400, "minDuration");
    refused(
        get("/api/traces", "service", "frontend", "minDuration", "2s", "maxDuration", "1s"),
        400,
        "'maxDuration' should be greater than 'minDuration'");
    refused(get("/api/traces", "service", "frontend", "lookback", "90d"), 400, "31 days");
    refused(
        get("/api/traces", "service", "frontend", "start", "0", "end", "1700000000000000"),
        400,
        "31 days");
    refused(get("/api/traces", "service", "frontend", "end", "99999999999999999"), 400, "2262");
    refused(get("/api/traces", "service", "frontend", "start", "-5"), 400, "negative");
    refused(get("/api/traces", "service", "frontend", "end", "soon"), 400, "'end'");
    refused(get("/api/traces", "service", "frontend", "tags", "{\"a\":"), 400, "JSON");
    refused(get("/api/traces", "service", "frontend", "tags", "justakey"), 400, "key=value");
    refused(get("/api/traces", "service", "frontend", "tags", "a=\"open"), 400, "closing quote");
    refused(get("/api/traces", "service", "frontend", "tags", "{\"a\":{\"b\":1}}"), 400, "value");
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      many.append("k").append(i).append("=v ");
    }
    refused(get("/api/traces", "service", "frontend", "tags", many.toString()), 400, "at most 50");
    refused(get("/api/traces", "traceID", "zz"), 400, "hex");
    // A tag value the column cannot hold is refused with the engine's sentence.
    refused(
        get("/api/traces", "service", "frontend", "tags", "http.response.status_code=abc"),
        400,
        "not one");
  }

  @Test
  void dependencies_fromClientSpansToTheirServers() throws Exception {
    JsonNode deps = ok("/api/dependencies", "endTs", Long.toString(System.currentTimeMillis()));
    assertThat(deps).hasSize(1);
    assertThat(deps.get(0).get("parent").asText()).isEqualTo("frontend");
    assertThat(deps.get(0).get("child").asText()).isEqualTo("checkout");
    assertThat(deps.get(0).get("callCount").asLong()).isEqualTo(1);
    refused(get("/api/dependencies", "lookback", "0"), 400, "lookback");
  }
}
