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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the shop with a Sextant in-process and checks that it is what the grid needs: every
 * actuator health UP, every probe passing, spans from the services (through the OpenTelemetry agent
 * only) and PostgreSQL client spans, and the databases on Sextant's map. No triage-accuracy
 * assertions here (bench/springsys/README.md has the grid's figures).
 */
class SpringSystemIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir static Path dir;
  private static InProcessSextant sextant;
  private static SpringSystem system;

  @BeforeAll
  static void start() throws Exception {
    sextant = InProcessSextant.start(dir.resolve("sextant"));
    system = SpringSystem.start(dir.resolve("system"), sextant.otlpHttpEndpoint());
    System.out.printf(
        "springsys ready in %d ms, RSS %d MiB%n", system.readyMillis(), system.rssKib() / 1024);
    sextant.watch(system);
  }

  @AfterAll
  static void stop() {
    List<Long> pids = new ArrayList<>();
    if (system != null) {
      pids.addAll(system.servicePids().values());
      system.databasePids().values().forEach(pids::addAll);
      pids.add(system.kafkaPid());
      system.close();
    }
    if (sextant != null) {
      sextant.close();
    }
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as("process %d is gone after close()", pid)
          .isFalse();
    }
  }

  @Test
  void shopIsHealthyProbesPassAndSextantSeesServicesAndDatabases() throws Exception {
    for (String svc : system.healthUrls().keySet()) {
      assertThat(system.healthy(svc)).as("%s health UP", svc).isTrue();
    }
    assertThat(system.servicePids()).hasSize(SpringSystem.SERVICES.size());
    system.databasePids().forEach((db, pids) -> assertThat(pids).as(db).isNotEmpty());

    // Every probe passes (run twice: the first orders also fill shipping and notifications).
    JsonNode runs = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    List<String> failing = List.of("not run");
    while (!failing.isEmpty() && System.nanoTime() < deadline) {
      runs = post("/api/v1/probes/run", "{}");
      failing = new ArrayList<>();
      for (JsonNode r : runs.path("runs")) {
        if (!r.path("passed").asBoolean()) {
          failing.add(r.path("probe").asText() + ": " + r.path("reason").asText());
        }
      }
      if (!failing.isEmpty()) {
        Thread.sleep(2000);
      }
    }
    assertThat(failing).as("failing probes").isEmpty();
    assertThat(runs.path("runs").size()).isGreaterThanOrEqualTo(18);

    // Spans from the services and PostgreSQL client spans arrive (the agent exports each second).
    Set<String> services = new TreeSet<>();
    List<String> databases = new ArrayList<>();
    deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      services.clear();
      databases.clear();
      JsonNode map = get("/api/v1/map?last=15m");
      for (JsonNode n : map.path("nodes")) {
        if ("service".equals(n.path("kind").asText()) && n.path("instrumented").asBoolean()) {
          services.add(n.path("id").asText());
        }
        if ("database".equals(n.path("kind").asText())
            && "postgresql".equals(n.path("attributes").path("db.system").asText())) {
          databases.add(n.path("id").asText());
        }
      }
      if (services.size() >= 8 && databases.size() >= SpringSystem.DATABASES.size()) {
        break;
      }
      Thread.sleep(2000);
    }
    assertThat(services)
        .as("services with spans")
        .contains(
            "gateway",
            "customers",
            "catalog",
            "reviews",
            "inventory",
            "orders",
            "payments",
            "shipping",
            "notifications");
    for (int port : system.databasePorts().values()) {
      assertThat(databases)
          .as("a postgresql database on the map at its proxy's port %d", port)
          .anyMatch(id -> id.endsWith(":" + port + ")"));
    }
    JsonNode dbSpans =
        post(
            "/api/v1/query",
            "{\"q\": \"where db.system = postgresql | count() by service.name | last 15m\"}");
    assertThat(dbSpans.toString()).contains("customers", "catalog", "reviews", "orders");
  }

  private static JsonNode get(String path) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(sextant.apiUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static JsonNode post(String path, String body) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(sextant.apiUrl() + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("POST %s: %s", path, r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }
}
