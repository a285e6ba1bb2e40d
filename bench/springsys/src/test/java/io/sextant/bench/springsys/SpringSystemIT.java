package io.sextant.bench.springsys;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.bench.springsys.FaultInjector.Kind;
import io.sextant.triage.Triage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the shop with a Sextant in-process and checks that it is what the grid needs: every
 * actuator health UP, every probe passing, spans from the services (through the OpenTelemetry agent
 * only) and PostgreSQL client spans, and the databases on Sextant's map. Then triage on it (issue
 * 12: a system Sextant did not build): a frozen database and a killed service are each named first,
 * and a neighbour process taking a core is no fault. The grid (bench/triage/run.sh --spring) has
 * the figures; this checks one case of each.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
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
  @Order(1)
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

  private static Map<String, String> ids;

  /** Injects, triages as the grid does (2 s later, over the API), clears and heals. */
  private static JsonNode triaged(Kind kind, String target) throws Exception {
    Triage triage = sextant.server().triage();
    if (ids == null) {
      assertThat(triage.awaitReady(3, Duration.ofMinutes(4)))
          .as("every suite probe has learned its footprint")
          .isTrue();
      ids = SpringGrid.componentIds(sextant.apiUrl(), system);
    }
    boolean neighbour = kind == Kind.NEIGHBOUR_CPU;
    ObjectNode row =
        SpringGrid.runCase(
            new SpringGrid.Case(neighbour ? null : kind, target, neighbour),
            system,
            sextant,
            triage,
            ids,
            false);
    System.out.printf(
        "springsys %s %s → %s %s (%.3f) in %d ms%n",
        kind,
        target,
        row.path("verdict").asText(),
        row.path("first").asText(),
        row.path("confidence").asDouble(),
        row.path("ttl_ms").asLong());
    return row;
  }

  @Test
  @Order(2)
  void aFrozenDatabaseIsNamedFirst_notTheServiceInFrontOfIt() throws Exception {
    JsonNode row = triaged(Kind.DB_FREEZE, "customers-db");
    assertThat(row.path("verdict").asText())
        .as(row.path("answer").path("headline").asText())
        .isEqualTo("fault");
    assertThat(row.path("lead").asText()).isEqualTo(ids.get("customers-db"));
  }

  @Test
  @Order(3)
  void aKilledServiceIsNamedFirst() throws Exception {
    JsonNode row = triaged(Kind.SERVICE_KILL, "inventory");
    assertThat(row.path("verdict").asText())
        .as(row.path("answer").path("headline").asText())
        .isEqualTo("fault");
    assertThat(row.path("lead").asText()).isEqualTo("inventory");
  }

  @Test
  @Order(4)
  void aNeighbourTakingACoreIsNoFault() throws Exception {
    JsonNode row = triaged(Kind.NEIGHBOUR_CPU, null);
    assertThat(row.path("verdict").asText())
        .as(row.path("answer").path("headline").asText())
        .isEqualTo("no-fault");
  }
}
