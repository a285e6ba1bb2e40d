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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query API over a real server fed by the real OpenTelemetry SDK: 40 checkout requests from 8
 * users, each a server span in {@code frontend} and a child in {@code payments}; user u-3's
 * payments fail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryApiIT {
  @TempDir static Path dir;
  TestServer server;

  @BeforeAll
  void start() throws Exception {
    server = new TestServer(dir);
    SdkTracerProvider frontend = provider("frontend");
    SdkTracerProvider payments = provider("payments");
    Tracer f = frontend.get("test");
    Tracer p = payments.get("test");
    for (int i = 0; i < 40; i++) {
      String user = "u-" + (i % 8);
      Span root =
          f.spanBuilder("POST /checkout")
              .setSpanKind(SpanKind.SERVER)
              .setAttribute("http.route", "/checkout")
              .setAttribute("user_id", user)
              .setAttribute("cart.items", (long) (i % 5))
              .startSpan();
      try (Scope s = root.makeCurrent()) {
        Span child =
            p.spanBuilder("charge")
                .setSpanKind(SpanKind.SERVER)
                .setAttribute("user_id", user)
                .setAttribute("payment.provider", user.equals("u-3") ? "acme-pay" : "stripe")
                .startSpan();
        if (user.equals("u-3")) {
          child.setStatus(StatusCode.ERROR, "card declined");
        }
        child.end();
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
            Resource.create(
                Attributes.of(
                    AttributeKey.stringKey("service.name"),
                    service,
                    AttributeKey.stringKey("cloud.region"),
                    "eu-west-1")))
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

  private TestServer.Reply post(String path, String json) throws Exception {
    return TestServer.post(
        server.api(path), "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void answersATextQuestion() throws Exception {
    TestServer.Reply r =
        post(
            "/api/v1/query",
            "{\"q\": \"where user_id = u-3 | count() by service.name | last 1h\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode json = r.json();
    assertThat(json.at("/columns/0/name").asText()).isEqualTo("service.name");
    assertThat(json.at("/rows").toString()).isEqualTo("[[\"frontend\",5],[\"payments\",5]]");
    assertThat(json.at("/stats/engine").asText()).isEqualTo("duckdb");
  }

  @Test
  void answersAStructuredQuestionWithASeries() throws Exception {
    TestServer.Reply r =
        post(
            "/api/v1/query",
            """
            {"last": "1h",
             "where": {"and": [{"column": "service.name", "op": "=", "value": "payments"},
                               {"column": "error", "op": "=", "value": true}]},
             "breakdowns": ["payment.provider", "cloud.region"],
             "calculations": ["count()", {"op": "p99", "column": "duration"}],
             "granularity": "1m"}
            """);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode json = r.json();
    assertThat(json.at("/rows/0/0").asText()).isEqualTo("acme-pay");
    assertThat(json.at("/rows/0/1").asText()).isEqualTo("eu-west-1");
    assertThat(json.at("/rows/0/2").asLong()).isEqualTo(5);
    assertThat(json.at("/rows").size()).isEqualTo(1);
    assertThat(json.at("/series/step").asLong()).isEqualTo(60_000_000_000L);
    assertThat(json.at("/series/groups/0/values/count()").size()).isEqualTo(60);
  }

  @Test
  void comparesErrorsWithTheBaseline() throws Exception {
    TestServer.Reply r =
        post(
            "/api/v1/compare",
            """
            {"last": "1h", "where": {"column": "service.name", "op": "=", "value": "payments"},
             "selection": {"column": "error", "op": "=", "value": true}}
            """);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode json = r.json();
    assertThat(json.get("selection_count").asLong()).isEqualTo(5);
    assertThat(json.get("baseline_count").asLong()).isEqualTo(35);
    JsonNode first = json.at("/attributes/0");
    // status/error/status_message/user_id/payment.provider all separate perfectly; all score 1
    assertThat(first.get("score").asDouble()).isEqualTo(1.0);
    boolean providerOnTop = false;
    for (JsonNode a : json.get("attributes")) {
      if (a.get("key").asText().equals("payment.provider")) {
        assertThat(a.at("/values/0/value").asText()).isIn("acme-pay", "stripe");
        assertThat(a.get("score").asDouble()).isEqualTo(1.0);
        providerOnTop = true;
      }
    }
    assertThat(providerOnTop).isTrue();
  }

  @Test
  void listsColumnsWithTypesAndExamples() throws Exception {
    TestServer.Reply r = server.get("/api/v1/columns?last=1h");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode user = null;
    JsonNode items = null;
    for (JsonNode c : r.json().get("columns")) {
      if (c.get("name").asText().equals("user_id")) {
        user = c;
      }
      if (c.get("name").asText().equals("cart.items")) {
        items = c;
      }
    }
    assertThat(user).isNotNull();
    assertThat(user.get("type").asText()).isEqualTo("string");
    assertThat(user.get("distinct").asLong()).isEqualTo(8);
    assertThat(items.get("type").asText()).isEqualTo("number");
  }

  @Test
  void searchesTraces() throws Exception {
    TestServer.Reply r = server.get("/api/v1/traces?service=payments&error=true&last=1h&limit=3");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode traces = r.json().get("traces");
    assertThat(traces.size()).isEqualTo(3);
    assertThat(traces.at("/0/root_service").asText()).isEqualTo("frontend");
    assertThat(traces.at("/0/span_count").asLong()).isEqualTo(2);
    assertThat(traces.at("/0/error_count").asLong()).isEqualTo(1);
    TestServer.Reply text =
        server.get(
            "/api/v1/traces?q="
                + java.net.URLEncoder.encode(
                    "where user_id = u-3 | last 1h", StandardCharsets.UTF_8));
    assertThat(text.json().get("traces").size()).isEqualTo(5);
  }

  @Test
  void largeAnswersGoGzippedToClientsThatAcceptIt() throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    var request =
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(server.api("/api/v1/columns?last=1h")))
            .header("accept-encoding", "gzip")
            .build();
    var r = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-encoding")).hasValue("gzip");
    byte[] plain =
        new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(r.body()))
            .readAllBytes();
    assertThat(plain.length).isGreaterThan(r.body().length);
    assertThat(TestServer.JSON.readTree(plain).get("columns").size()).isGreaterThan(5);
    // Without asking, plain JSON.
    assertThat(server.get("/api/v1/columns?last=1h").json().get("columns").size()).isGreaterThan(5);
  }

  @Test
  void theCliPrintsATableFromTheRealServer() {
    // Not auto-flushing, like System.out under picocli: the command must flush before it returns.
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.StringWriter err = new java.io.StringWriter();
    picocli.CommandLine cli = new picocli.CommandLine(new Main());
    cli.setOut(new java.io.PrintWriter(out));
    cli.setErr(new java.io.PrintWriter(err));
    int code =
        cli.execute(
            "query",
            "--server",
            server.api(""),
            "where error = true | count(), p99(duration) by service.name | last 1h");
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("service.name").contains("payments").contains("5");
    assertThat(out.toString()).doesNotContain("frontend");

    java.io.StringWriter badOut = new java.io.StringWriter();
    java.io.StringWriter badErr = new java.io.StringWriter();
    cli.setOut(new java.io.PrintWriter(badOut));
    cli.setErr(new java.io.PrintWriter(badErr));
    assertThat(cli.execute("query", "--server", server.api(""), "where usr_id = u-3")).isEqualTo(2);
    assertThat(badErr.toString() + badOut.toString()).contains("unknown column 'usr_id'");
  }

  @Test
  void refusesBadQuestionsWithOneSentence() throws Exception {
    TestServer.Reply unknown = post("/api/v1/query", "{\"q\": \"where usr_id = u-3\"}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().get("error").asText())
        .contains("unknown column 'usr_id'")
        .contains("user_id");

    TestServer.Reply malformed = post("/api/v1/query", "{\"q\": \"where user_id = \"}");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.json().get("position").asInt()).isGreaterThanOrEqualTo(0);

    TestServer.Reply notJson = post("/api/v1/query", "count()");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.json().get("error").asText()).contains("not valid JSON");

    TestServer.Reply typeMismatch = post("/api/v1/query", "{\"calculations\": [\"p99(user_id)\"]}");
    assertThat(typeMismatch.status()).isEqualTo(400);
    assertThat(typeMismatch.json().get("error").asText()).contains("numeric");

    TestServer.Reply tooLarge = post("/api/v1/query", "{\"q\": \"" + "x".repeat(70_000) + "\"}");
    assertThat(tooLarge.status()).isEqualTo(413);

    TestServer.Reply get = server.get("/api/v1/query");
    assertThat(get.status()).isEqualTo(405);
  }
}
