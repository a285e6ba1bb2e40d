package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Server;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.sextant.topology.health.HealthConfig;
import io.sextant.topology.health.HealthTarget;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every answer docs/api.md shows, asked of a real server: the documented examples and the real
 * answers have the same shape (the same fields, of the same JSON types). A field added to an answer
 * without its documentation, or documented and gone, fails here.
 */
class ApiShapeIT {
  @TempDir Path dir;

  /**
   * Fields whose keys are data (component names, attribute keys…), not names of the answer's
   * ({@code x.*}: so are those of their values); and ({@code ?x}) the fields docs/api.md says are
   * present only when they apply.
   */
  static final Set<String> MAPS =
      Set.of(
          "attributes",
          "resource",
          "footprint",
          "entry_operations",
          "entry_operations.*",
          "learned_traces",
          "reached_only_outside_suite",
          "values",
          "processes",
          "?parent_span_id",
          "?status_message",
          "?events",
          "?previous");

  static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

  /** A documented route, the request that gets a real answer, and which example shows it. */
  record Route(String heading, int example, String method, String path, String body) {}

  @Test
  void everyDocumentedAnswerHasTheDocumentedShape() throws Exception {
    Map<String, List<JsonNode>> examples = DocExamples.read(docs().resolve("api.md"));
    Server target =
        Server.builder()
            .http(new InetSocketAddress("127.0.0.1", 0))
            .service("/shop", (ctx, req) -> HttpResponse.of(HttpStatus.OK))
            .service(
                "/health",
                (ctx, req) ->
                    HttpResponse.of(
                        HttpStatus.SERVICE_UNAVAILABLE,
                        MediaType.JSON,
                        "{\"service\":\"cart\",\"healthy\":false,\"workload\":{\"healthy\":true},"
                            + "\"dependencies\":[{\"name\":\"cart-db\",\"healthy\":false,"
                            + "\"detail\":\"refused\"}]}"))
            .build();
    target.start().join();
    Path probes = dir.resolve("probes.yaml");
    Files.writeString(
        probes,
        """
        defaults: {every: 1h, timeout: 2s}
        probes:
          - {name: shop, request: {url: "http://127.0.0.1:%d/shop"}}
        """
            .formatted(target.activeLocalPort()));
    Path slos = dir.resolve("slos.yaml");
    Files.writeString(
        slos,
        """
        slos:
          - name: checkout
            description: Customers can pay for their cart
            valid: service.name = checkout and span.kind = server
            good: status != error and duration < 800ms
            objective: 99.5
        """);
    ServerConfig config =
        TestServer.ports(ServerConfig.defaults(dir.resolve("data")))
            .withProbes(probes)
            .withSlos(slos, 1)
            .withHealth(
                new HealthConfig(
                    List.of(
                        new HealthTarget(
                            "cart",
                            URI.create(
                                "http://127.0.0.1:" + target.activeLocalPort() + "/health"))),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(1)));
    try (TestServer s = new TestServer(config, java.util.function.UnaryOperator.identity())) {
      send(s);
      TriageApiIT.post(s, "/api/v1/probes/run", "{}");
      polled(s);
      List<Route> routes =
          List.of(
              new Route(
                  "`GET /api/v1/traces/{traceId}`", 0, "GET", "/api/v1/traces/" + TRACE, null),
              new Route("`GET /api/v1/services?from=&to=`", 0, "GET", "/api/v1/services", null),
              new Route("`GET /api/v1/status`", 0, "GET", "/api/v1/status", null),
              new Route(
                  "`POST /api/v1/query`",
                  2,
                  "POST",
                  "/api/v1/query",
                  "{\"q\":\"where kind = span | count(), p99(duration), heatmap(duration) by"
                      + " service.name | last 1h | every 1m\"}"),
              new Route(
                  "`POST /api/v1/compare`",
                  1,
                  "POST",
                  "/api/v1/compare",
                  "{\"last\":\"1h\",\"where\":\"kind = span\",\"selection\":{\"where\":\"error ="
                      + " true\"}}"),
              new Route("`GET /api/v1/columns?last=1h`", 0, "GET", "/api/v1/columns?last=1h", null),
              new Route("`GET /api/v1/traces`", 0, "GET", "/api/v1/traces?last=1h", null),
              new Route("`GET /api/v1/map?last=15m`", 0, "GET", "/api/v1/map?last=15m", null),
              new Route("`GET /api/v1/changes?last=1h`", 0, "GET", "/api/v1/changes?last=1h", null),
              new Route("`GET /api/v1/health`", 0, "GET", "/api/v1/health", null),
              new Route("`GET /api/v1/probes`", 0, "GET", "/api/v1/probes", null),
              new Route("`GET /api/v1/probes/entries`", 0, "GET", "/api/v1/probes/entries", null),
              new Route("`POST /api/v1/probes/reload`", 0, "POST", "/api/v1/probes/reload", "{}"),
              new Route("`GET /api/v1/probes/audit`", 0, "GET", "/api/v1/probes/audit", null),
              new Route("`POST /api/v1/triage`", 0, "POST", "/api/v1/triage", "{\"repeats\":1}"),
              new Route("`GET /api/v1/slos`", 0, "GET", "/api/v1/slos", null),
              new Route(
                  "`GET /api/v1/slos/{name}?last=6h`", 0, "GET", "/api/v1/slos/checkout", null),
              new Route(
                  "`PUT /api/v1/slos/{name}` and `DELETE /api/v1/slos/{name}` (admin scope)",
                  1,
                  "PUT",
                  "/api/v1/slos/api",
                  "{\"valid\":\"kind = span\",\"good\":\"error = false\",\"objective\":99}"),
              new Route(
                  "`PUT /api/v1/slos/{name}` and `DELETE /api/v1/slos/{name}` (admin scope)",
                  2,
                  "DELETE",
                  "/api/v1/slos/api",
                  null),
              new Route("The trace model", 0, "GET", "/api/traces/" + TRACE, null));
      List<String> differences = new ArrayList<>();
      for (Route r : routes) {
        List<JsonNode> shown = examples.get(r.heading());
        assertThat(shown).as("docs/api.md has examples under " + r.heading()).isNotNull();
        TestServer.Reply reply =
            switch (r.method()) {
              case "GET" -> s.get(r.path());
              case "POST" -> TriageApiIT.post(s, r.path(), r.body());
              default -> s.send(r.method(), r.path(), r.body());
            };
        assertThat(reply.status()).as(r.path() + ": " + reply.body()).isEqualTo(200);
        JsonNode real = reply.json();
        if (r.heading().equals("The trace model")) {
          real = real.path("data").get(0); // the envelope's one trace
        }
        for (String d : DocExamples.differences(shown.get(r.example()), real, MAPS)) {
          differences.add(r.method() + " " + r.path() + " " + d);
        }
      }
      // JSON lines, on the OTLP/HTTP port: two lines kept, the third rejected.
      TestServer.Reply lines =
          TestServer.post(
              s.otlpHttp("/v1/logs/jsonl"),
              "application/x-ndjson",
              ("{\"msg\":\"a\",\"service\":\"cart\"}\n{\"msg\":\"b\",\"service\":\"cart\"}\n"
                      + "not json\n")
                  .getBytes(StandardCharsets.UTF_8));
      assertThat(lines.status()).as(lines.body()).isEqualTo(200);
      for (String d :
          DocExamples.differences(examples.get("JSON lines").get(0), lines.json(), MAPS)) {
        differences.add("POST /v1/logs/jsonl " + d);
      }
      assertThat(differences).as("answers that differ from docs/api.md").isEmpty();
    } finally {
      target.stop().join();
    }
  }

  /** Waits for the first poll of the health target. */
  private static void polled(TestServer s) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (s.get("/api/v1/health").json().path("targets").isEmpty()) {
      assertThat(System.nanoTime()).as("the health target was polled").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  /** A failing checkout: a server span with an event and a database call under it. */
  private static void send(TestServer s) throws Exception {
    Span root =
        Otlp.span(TRACE, "00f067aa0ba902b7", "POST /checkout")
            .setStatus(
                Status.newBuilder()
                    .setCode(Status.StatusCode.STATUS_CODE_ERROR)
                    .setMessage("payment declined"))
            .addAttributes(Otlp.attr("http.route", "/checkout"))
            .addAttributes(Otlp.attr("user_id", "u-4711"))
            .addAttributes(
                KeyValue.newBuilder()
                    .setKey("http.response.status_code")
                    .setValue(AnyValue.newBuilder().setIntValue(502)))
            .addEvents(
                Span.Event.newBuilder()
                    .setName("retry")
                    .setTimeUnixNano(System.currentTimeMillis() * 1_000_000L)
                    .addAttributes(
                        KeyValue.newBuilder()
                            .setKey("attempt")
                            .setValue(AnyValue.newBuilder().setIntValue(2))))
            .build();
    Span db =
        Otlp.span(TRACE, "53995c3f42cd8ad8", "SELECT payments")
            .setParentSpanId(
                com.google.protobuf.ByteString.copyFrom(
                    HexFormat.of().parseHex("00f067aa0ba902b7")))
            .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
            .addAttributes(Otlp.attr("db.system", "postgresql"))
            .addAttributes(Otlp.attr("db.namespace", "payments"))
            .addAttributes(Otlp.attr("server.address", "127.0.0.1"))
            .addAttributes(Otlp.attr("server.port", "5433"))
            .build();
    TestServer.Reply r =
        TestServer.post(
            s.otlpHttp("/v1/traces"),
            "application/x-protobuf",
            Otlp.request("checkout", List.of(root, db)).toByteArray());
    assertThat(r.status()).as(new String(r.bytes(), StandardCharsets.UTF_8)).isEqualTo(200);
    s.loaded();
  }

  /** docs/ of the repository, from the module's directory or the root. */
  static Path docs() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("docs/api.md"))) {
        return p.resolve("docs");
      }
    }
    throw new IllegalStateException("no docs/api.md above " + here);
  }
}
