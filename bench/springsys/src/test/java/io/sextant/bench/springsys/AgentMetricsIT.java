package io.sextant.bench.springsys;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenTelemetry Java agent's default metrics (issue 16): springsys's customers service (Spring
 * Boot, HikariCP with its defaults on a PostgreSQL server) instrumented by the agent 2.33.1 alone,
 * exporting OTLP/HTTP protobuf every 2 s to an in-process Sextant. Its JVM, HTTP server and
 * connection-pool metrics are stored and answer metric questions (docs/query.md, "Metrics"): the
 * JVM's memory in use, the 99th percentile of the route's request duration from the agent's
 * histogram, and the pool's connections by state and its size.
 */
@Timeout(600)
class AgentMetricsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir Path dir;

  @Test
  void theAgentsDefaultJvmHttpAndPoolMetrics_areStoredAndAnswerMetricQuestions() throws Exception {
    try (InProcessSextant sextant = InProcessSextant.start(dir.resolve("sextant"));
        SpringSystem system =
            SpringSystem.start(
                dir.resolve("system"), sextant.otlpHttpEndpoint(), List.of("customers"))) {
      String base = system.serviceUrl("customers");
      for (int i = 1; i <= 40; i++) {
        assertThat(status(base + "/customers/" + i)).isEqualTo(200);
        assertThat(status(base + "/countries")).isEqualTo(200);
      }

      // The agent exports every 2 s; wait for the names this test needs.
      Set<String> names = new TreeSet<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (System.nanoTime() < deadline) {
        names.clear();
        // Refused (400) until a first metric has made metric.name a known column.
        JsonNode stored =
            ask(
                sextant,
                "where kind = metric and service.name = customers"
                    + " | count() by metric.name | last 15m");
        for (JsonNode row : stored == null ? JSON.createArrayNode() : stored.path("rows")) {
          names.add(row.get(0).asText());
        }
        if (names.contains("jvm.memory.used")
            && names.contains("http.server.request.duration")
            && pool(names) != null) {
          break;
        }
        Thread.sleep(1000);
      }
      System.out.println("agent metrics stored: " + names);
      assertThat(names)
          .contains(
              "jvm.memory.used",
              "jvm.thread.count",
              "jvm.class.loaded",
              "jvm.cpu.recent_utilization",
              "http.server.request.duration");
      Pool pool = pool(names);
      assertThat(pool).as("connection-pool metrics among " + names).isNotNull();

      JsonNode memory =
          query(
              sextant,
              "where kind = metric and metric.name = jvm.memory.used"
                  + " | max(value) by service.name | last 15m");
      assertThat(memory.at("/rows/0/0").asText()).isEqualTo("customers");
      assertThat(memory.at("/rows/0/1").asDouble()).isPositive();

      // The agent's histogram in seconds: a percentile from merged buckets, per route. The
      // histogram may first have arrived from an export before the requests above (the health
      // checks' route alone): wait for the export after them.
      JsonNode http;
      List<String> routes = new ArrayList<>();
      do {
        http =
            query(
                sextant,
                "where kind = metric and metric.name = http.server.request.duration"
                    + " | p99(metric.histogram) by http.route | last 15m");
        routes.clear();
        http.path("rows").forEach(r -> routes.add(r.get(0).asText()));
        if (routes.containsAll(List.of("/customers/{id}", "/countries"))) {
          break;
        }
        Thread.sleep(1000);
      } while (System.nanoTime() < deadline);
      System.out.println("p99 of http.server.request.duration by route: " + http.path("rows"));
      for (JsonNode r : http.path("rows")) {
        assertThat(r.get(1).asDouble()).as(r.toString()).isPositive().isLessThan(30);
      }
      assertThat(routes).contains("/customers/{id}", "/countries");

      // The pool: connections by state (the question of docs/query.md), and its size.
      JsonNode usage =
          query(
              sextant,
              "where kind = metric and metric.name = "
                  + pool.count
                  + " | max(value) by "
                  + pool.poolName
                  + ", "
                  + pool.state
                  + " | last 15m");
      System.out.println(pool.count + " by pool and state: " + usage.path("rows"));
      Set<String> states = new TreeSet<>();
      for (JsonNode r : usage.path("rows")) {
        assertThat(r.get(0).asText()).as("a pool name").isNotBlank();
        states.add(r.get(1).asText());
        assertThat(r.get(2).asDouble()).isBetween(0.0, 10.0);
      }
      assertThat(states).contains("idle", "used");
      JsonNode max =
          query(
              sextant,
              "where kind = metric and metric.name = " + pool.max + " | max(value) | last 15m");
      assertThat(max.at("/rows/0/0").asDouble()).as("HikariCP's default size").isEqualTo(10.0);
      assertThat(names).contains(pool.pending);
    }
  }

  /** The connection-pool metric names and attributes of one semantic-conventions generation. */
  record Pool(String count, String max, String pending, String poolName, String state) {}

  /** The stable conventions', or the older ones' (the agent's default before opting in). */
  static Pool pool(Set<String> names) {
    if (names.contains("db.client.connection.count")) {
      return new Pool(
          "db.client.connection.count",
          "db.client.connection.max",
          "db.client.connection.pending_requests",
          "db.client.connection.pool.name",
          "db.client.connection.state");
    }
    if (names.contains("db.client.connections.usage")) {
      return new Pool(
          "db.client.connections.usage",
          "db.client.connections.max",
          "db.client.connections.pending_requests",
          "pool.name",
          "state");
    }
    return null;
  }

  private static int status(String url) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static JsonNode query(InProcessSextant sextant, String q) throws Exception {
    JsonNode answer = ask(sextant, q);
    assertThat(answer).as("%s was refused", q).isNotNull();
    return answer;
  }

  /** The answer to {@code q}, or null when the server refuses it (400). */
  private static JsonNode ask(InProcessSextant sextant, String q) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(sextant.apiUrl() + "/api/v1/query"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        JSON.createObjectNode().put("q", q).toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 400) {
      System.out.println("refused: " + q + ": " + r.body());
      return null;
    }
    assertThat(r.statusCode()).as("%s: %s", q, r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }
}
