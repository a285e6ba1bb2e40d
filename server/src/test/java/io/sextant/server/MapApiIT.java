package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The map API and {@code sextant map} over a real server fed by the OpenTelemetry SDK: 30 requests
 * to {@code frontend}, each calling {@code payments} (HTTP, a server span on the other side), which
 * writes to its H2 database (every third write fails), and {@code fraud-check}, which sends no
 * spans.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MapApiIT {
  static final String DB = "payments (h2 @ 127.0.0.1:5433)";
  @TempDir static Path dir;
  TestServer server;

  @BeforeAll
  void start() throws Exception {
    Path declared = dir.resolve("declared.yaml");
    java.nio.file.Files.writeString(
        declared, "frontend:\n  - payments: {p99_ms: 60000}\n  - inventory\n");
    server =
        new TestServer(
            TestServer.ports(ServerConfig.defaults(dir)).withDeclared(declared),
            java.util.function.UnaryOperator.identity());
    SdkTracerProvider frontend = provider("frontend");
    SdkTracerProvider payments = provider("payments");
    Tracer f = frontend.get("test");
    Tracer p = payments.get("test");
    for (int i = 0; i < 30; i++) {
      Span root = f.spanBuilder("POST /checkout").setSpanKind(SpanKind.SERVER).startSpan();
      try (Scope r = root.makeCurrent()) {
        Span call =
            f.spanBuilder("POST /charge")
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("peer.service", "payments")
                .setAttribute("server.address", "127.0.0.1")
                .setAttribute("server.port", 8081L)
                .startSpan();
        try (Scope c = call.makeCurrent()) {
          Span served = p.spanBuilder("POST /charge").setSpanKind(SpanKind.SERVER).startSpan();
          try (Scope s = served.makeCurrent()) {
            Span insert =
                p.spanBuilder("INSERT charges")
                    .setSpanKind(SpanKind.CLIENT)
                    .setAttribute("db.system", "h2")
                    .setAttribute("db.namespace", "payments")
                    .setAttribute("server.address", "127.0.0.1")
                    .setAttribute("server.port", 5433L)
                    .startSpan();
            if (i % 3 == 0) {
              insert.setStatus(StatusCode.ERROR, "connection refused");
            }
            insert.end();
          }
          served.end();
        }
        call.end();
        Span fraud =
            f.spanBuilder("GET /score")
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("peer.service", "fraud-check")
                .startSpan();
        fraud.end();
      }
      root.end();
    }
    frontend.forceFlush().join(10, TimeUnit.SECONDS);
    payments.forceFlush().join(10, TimeUnit.SECONDS);
    frontend.close();
    payments.close();
  }

  private SdkTracerProvider provider(String service) {
    return SdkTracerProvider.builder()
        .setResource(
            Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), service)))
        .addSpanProcessor(
            BatchSpanProcessor.builder(
                    OtlpGrpcSpanExporter.builder().setEndpoint(server.grpcEndpoint()).build())
                .build())
        .build();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void map_listsServicesTheDatabaseAndTheUninstrumentedCallee() throws Exception {
    TestServer.Reply r = server.get("/api/v1/map?last=1h");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode json = r.json();
    List<String> nodes = new ArrayList<>();
    json.path("nodes")
        .forEach(n -> nodes.add(n.path("id").asText() + "|" + n.path("kind").asText()));
    assertThat(nodes)
        .containsExactlyInAnyOrder(
            "frontend|service", "payments|service", DB + "|database", "fraud-check|service");
    List<String> edges = new ArrayList<>();
    json.path("edges")
        .forEach(e -> edges.add(e.path("from").asText() + " -> " + e.path("to").asText()));
    assertThat(edges)
        .containsExactlyInAnyOrder(
            "frontend -> payments", "frontend -> fraud-check", "payments -> " + DB);
    JsonNode db = find(json.path("edges"), "to", DB);
    assertThat(db.path("calls").asLong()).isEqualTo(30);
    assertThat(db.path("errors").asLong()).isEqualTo(10);
    assertThat(db.path("error_pct").asDouble())
        .isCloseTo(33.333, org.assertj.core.data.Offset.offset(0.001));
    assertThat(find(json.path("nodes"), "id", "payments").path("calls").asLong()).isEqualTo(30);
  }

  @Test
  void map_showsDeclaredUndeclaredAndMissingEdges() throws Exception {
    JsonNode json = server.get("/api/v1/map?last=1h").json();
    JsonNode edges = json.path("edges");
    List<String> status = new ArrayList<>();
    edges.forEach(
        e ->
            status.add(
                e.path("from").asText()
                    + " -> "
                    + e.path("to").asText()
                    + " "
                    + e.path("declared").asText("-")));
    assertThat(status)
        .containsExactlyInAnyOrder(
            "frontend -> payments declared",
            "frontend -> fraud-check undeclared",
            "payments -> " + DB + " -");
    assertThat(json.path("missing").toString())
        .isEqualTo("[{\"from\":\"frontend\",\"callee\":\"inventory\"}]");
  }

  @Test
  void map_refusesAWindowThatEndsBeforeItStarts() throws Exception {
    TestServer.Reply r = server.get("/api/v1/map?from=2000&to=1000");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().path("error").asText()).isNotBlank();
  }

  @Test
  void red_answersSeriesPerOperation() throws Exception {
    TestServer.Reply r = server.get("/api/v1/red?service=payments&last=1h");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode json = r.json();
    assertThat(json.at("/requests/rows/0/0").asText()).isEqualTo("POST /charge");
    assertThat(json.at("/requests/series/groups/0/values").has("rate()")).isTrue();
    assertThat(server.get("/api/v1/red?last=1h").status()).isEqualTo(400);
  }

  @Test
  void changes_listTheServicesFirstSeenInTheWindow() throws Exception {
    TestServer.Reply r = server.get("/api/v1/changes?last=1h");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<String> changes = new ArrayList<>();
    r.json()
        .path("changes")
        .forEach(c -> changes.add(c.path("attribute").asText() + "=" + c.path("value").asText()));
    assertThat(changes).containsExactlyInAnyOrder("service.name=frontend", "service.name=payments");
  }

  @Test
  void cli_printsTablesAndGraphviz() {
    StringWriter out = new StringWriter();
    int code = cli(out, "map", "--server", server.api(""), "--last", "1h");
    assertThat(code).isZero();
    assertThat(out.toString())
        .contains("NODES", "EDGES", DB, "fraud-check", "database", "(no spans)");

    StringWriter dot = new StringWriter();
    assertThat(cli(dot, "map", "--server", server.api(""), "--last", "1h", "--dot")).isZero();
    assertThat(dot.toString())
        .startsWith("digraph sextant {")
        .contains("\"payments\" -> \"" + DB + "\"", "shape=cylinder", "color=red");
  }

  private static int cli(StringWriter out, String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(new StringWriter()));
    return cli.execute(args);
  }

  private static JsonNode find(JsonNode array, String field, String value) {
    for (JsonNode n : array) {
      if (n.path(field).asText().equals(value)) {
        return n;
      }
    }
    throw new AssertionError("no " + field + " = " + value + " in " + array);
  }
}
