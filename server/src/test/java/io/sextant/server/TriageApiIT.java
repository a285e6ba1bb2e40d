package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.Server;
import io.sextant.triage.probe.ProbeSuite;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probe and triage API of a real server, probing a real HTTP service on loopback. */
class TriageApiIT {
  @TempDir Path dir;

  static TestServer.Reply post(TestServer s, String path, String body) throws Exception {
    return TestServer.post(s.api(path), "application/json", body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void probesAndTriageOverHttp() throws Exception {
    AtomicBoolean broken = new AtomicBoolean();
    Server target =
        Server.builder()
            .http(new InetSocketAddress("127.0.0.1", 0))
            .service(
                "/shop",
                (ctx, req) ->
                    HttpResponse.of(broken.get() ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK))
            .build();
    target.start().join();
    try (TestServer s = new TestServer(dir)) {
      TestServer.Reply none = s.get("/api/v1/probes");
      assertThat(none.status()).isEqualTo(404);
      assertThat(none.body()).contains("no probes are configured");

      String yaml =
          """
          defaults: {every: 1h, timeout: 2s}
          probes:
            - {name: shop, request: {url: "${base}/shop"}}
            - {name: spare, request: {url: "${base}/shop"}, suite: false, every: never}
          """;
      s.server.startTriage(
          ProbeSuite.parse(
              new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)),
              "probes.yaml",
              Map.of("base", "http://127.0.0.1:" + target.activeLocalPort())));

      TestServer.Reply run = post(s, "/api/v1/probes/run", "{\"probes\":[\"shop\"],\"repeats\":2}");
      assertThat(run.status()).isEqualTo(200);
      JsonNode runs = TestServer.JSON.readTree(run.body()).path("runs");
      assertThat(runs).hasSize(2);
      assertThat(runs.get(0).path("passed").asBoolean()).isTrue();
      assertThat(runs.get(0).path("trace_id").asText()).hasSize(32);

      JsonNode probes = TestServer.JSON.readTree(s.get("/api/v1/probes").body()).path("probes");
      assertThat(probes).hasSize(2);
      assertThat(probes.get(0).path("name").asText()).isEqualTo("shop");
      assertThat(probes.get(0).path("latest").path("passed").asBoolean()).isTrue();
      assertThat(probes.get(1).path("every_seconds").isNull()).isTrue();

      assertThat(post(s, "/api/v1/triage", "{\"repeats\":9}").body())
          .contains("repeats must be a whole number from 1 to 5");
      assertThat(post(s, "/api/v1/triage", "{\"adaptive\":\"yes\"}").status()).isEqualTo(400);
      assertThat(post(s, "/api/v1/triage", "[1]").body()).contains("must be a JSON object");
      assertThat(post(s, "/api/v1/probes/run", "{\"probes\":[\"nope\"]}").body())
          .contains("no probe named nope");
      assertThat(s.get("/api/v1/triage").status()).isEqualTo(405);

      broken.set(true);
      TestServer.Reply triage = post(s, "/api/v1/triage", "{\"repeats\":2}");
      assertThat(triage.status()).isEqualTo(200);
      JsonNode answer = TestServer.JSON.readTree(triage.body());
      JsonNode shop = answer.path("probes").get(0);
      assertThat(shop.path("failures").asInt()).isEqualTo(2);
      assertThat(shop.path("reasons").get(0).asText()).isEqualTo("status 503, expected 200");
      // The target sends no spans, so the probe has no footprint: nothing can be blamed, and the
      // answer says why instead of naming something at random.
      assertThat(answer.path("notes").get(0).asText())
          .contains("No healthy trace learned yet for shop");
      assertThat(answer.path("suspects")).isEmpty();

      TestServer.Reply entries = s.get("/api/v1/probes/entries");
      assertThat(entries.status()).isEqualTo(200);
      // Probe traffic is not production's: no entry operation yet.
      assertThat(TestServer.JSON.readTree(entries.body()).path("entry_operations").isObject())
          .isTrue();

      JsonNode audit = TestServer.JSON.readTree(s.get("/api/v1/probes/audit").body());
      assertThat(audit.path("probes")).hasSize(1); // the suite; "spare" only splits ties
      assertThat(audit.path("learned_traces").path("shop").asInt(-1)).isZero();

      // The results are events, queryable like any other.
      TestServer.Reply q =
          post(
              s,
              "/api/v1/query",
              "{\"q\":\"where name = probe and probe.passed = false | count() | last 1h\"}");
      assertThat(q.status()).as(q.body()).isEqualTo(200);
      assertThat(TestServer.JSON.readTree(q.body()).path("rows").get(0).get(0).asLong())
          .isGreaterThanOrEqualTo(2);
    } finally {
      target.stop().join();
    }
  }
}
