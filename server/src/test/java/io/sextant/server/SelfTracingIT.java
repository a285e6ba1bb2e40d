package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With self-tracing on, Sextant's own API requests come back as traces of service "sextant". */
class SelfTracingIT {
  @TempDir Path dir;

  @Test
  void apiRequestsAreTracedIntoTheServerItself() throws Exception {
    ServerConfig config = TestServer.ports(ServerConfig.defaults(dir));
    SextantServer server = SextantServer.builder(config).selfTrace(true).build().start();
    try {
      String api = "http://127.0.0.1:" + config.apiPort();
      TestServer.Reply status = get(api + "/api/v1/status");
      assertThat(status.status()).isEqualTo(200);
      JsonNode found = null;
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (found == null && System.nanoTime() < deadline) {
        Thread.sleep(500);
        JsonNode traces =
            get(api + "/api/v1/traces?service=sextant&operation=GET%20/api/v1/status&last=5m")
                .json()
                .get("traces");
        if (traces != null && traces.size() > 0) {
          found = traces.get(0);
        }
      }
      assertThat(found).as("a trace of GET /api/v1/status by service sextant").isNotNull();
      assertThat(found.get("root_service").asText()).isEqualTo("sextant");
      JsonNode trace = get(api + "/api/v1/traces/" + found.get("trace_id").asText()).json();
      assertThat(trace.toString()).contains("\"http.route\"").contains("/api/v1/status");
    } finally {
      server.close();
    }
  }

  private static TestServer.Reply get(String url) throws Exception {
    var r =
        TestServer.HTTP.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                .timeout(java.time.Duration.ofSeconds(30))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    return new TestServer.Reply(r.statusCode(), r.body(), null);
  }
}
