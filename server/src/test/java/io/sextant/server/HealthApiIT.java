package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.sextant.topology.health.HealthConfig;
import io.sextant.topology.health.HealthTarget;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server polling a real health endpoint (the seed format, on loopback): the latest answer is
 * served by {@code GET /api/v1/health} and every poll is stored, so its history can be queried.
 */
class HealthApiIT {
  @TempDir Path dir;

  @Test
  void health_isPolledServedAndQueryable() throws Exception {
    HttpServer cart = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    cart.createContext(
        "/health",
        ex -> {
          byte[] b =
              ("{\"service\":\"cart\",\"healthy\":false,\"workload\":{\"healthy\":true},"
                      + "\"dependencies\":[{\"name\":\"cart-db\",\"healthy\":false}]}")
                  .getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(503, b.length);
          ex.getResponseBody().write(b);
          ex.close();
        });
    cart.start();
    HealthTarget target =
        new HealthTarget(
            "cart", URI.create("http://127.0.0.1:" + cart.getAddress().getPort() + "/health"));
    ServerConfig config =
        TestServer.ports(ServerConfig.defaults(dir))
            .withHealth(
                new HealthConfig(List.of(target), Duration.ofSeconds(1), Duration.ofMillis(500)));
    try (TestServer server = new TestServer(config, UnaryOperator.identity())) {
      JsonNode latest = null;
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (System.nanoTime() < deadline) {
        latest = server.get("/api/v1/health").json();
        if (latest.path("targets").size() > 0) {
          break;
        }
        Thread.sleep(200);
      }
      assertThat(latest.at("/targets/0/service").asText()).isEqualTo("cart");
      assertThat(latest.at("/targets/0/healthy").asBoolean()).isFalse();
      assertThat(latest.at("/targets/0/dependencies/0/name").asText()).isEqualTo("cart-db");
      assertThat(latest.at("/targets/0/dependencies/0/healthy").asBoolean()).isFalse();

      String question =
          "{\"q\": \"where health.check = cart-db and error = true | count() by service.name"
              + " | last 1h\"}";
      JsonNode rows = null;
      while (System.nanoTime() < deadline) {
        TestServer.Reply r =
            TestServer.post(
                server.api("/api/v1/query"),
                "application/json",
                question.getBytes(StandardCharsets.UTF_8));
        if (r.status() == 200 && r.json().path("rows").size() > 0) {
          rows = r.json().path("rows");
          if (rows.at("/0/1").asLong() >= 2) {
            break;
          }
        }
        Thread.sleep(300);
      }
      assertThat(rows).as("health history in the store").isNotNull();
      assertThat(rows.at("/0/0").asText()).isEqualTo("cart");
      assertThat(rows.at("/0/1").asLong()).isGreaterThanOrEqualTo(2);
    } finally {
      cart.stop(0);
    }
  }
}
