package io.sextant.bench.springsys;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.bench.springsys.FaultInjector.Kind;
import io.sextant.triage.Triage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Triage on a system Sextant did not build (issue 12): the springsys shop, instrumented only by the
 * OpenTelemetry agent, with actuator health. A frozen database and a killed service are each named
 * first; a neighbour process taking a core is no fault. The grid (bench/triage/run.sh --spring) has
 * the figures; this checks one case of each in CI.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpringTriageIT {
  @TempDir static Path dir;
  private static InProcessSextant sextant;
  private static SpringSystem system;
  private static Triage triage;
  private static Map<String, String> ids;

  @BeforeAll
  static void start() throws Exception {
    sextant = InProcessSextant.start(dir.resolve("sextant"));
    system = SpringSystem.start(dir.resolve("system"), sextant.otlpHttpEndpoint());
    sextant.watch(system);
    triage = sextant.server().triage();
    assertThat(triage.awaitReady(3, Duration.ofMinutes(4)))
        .as("every suite probe has learned its footprint")
        .isTrue();
    ids = SpringGrid.componentIds(sextant.apiUrl(), system);
  }

  @AfterAll
  static void stop() {
    if (system != null) {
      system.close();
    }
    if (sextant != null) {
      sextant.close();
    }
  }

  /** Injects, triages as the grid does (2 s later, over the API), clears and heals. */
  private static JsonNode triaged(Kind kind, String target) throws Exception {
    ObjectNode row =
        SpringGrid.runCase(
            new SpringGrid.Case(
                kind == Kind.NEIGHBOUR_CPU ? null : kind, target, kind == Kind.NEIGHBOUR_CPU),
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
  @Order(1)
  void aFrozenDatabaseIsNamedFirst_notTheServiceInFrontOfIt() throws Exception {
    JsonNode row = triaged(Kind.DB_FREEZE, "customers-db");
    assertThat(row.path("verdict").asText()).isEqualTo("fault");
    assertThat(row.path("lead").asText()).isEqualTo(ids.get("customers-db"));
  }

  @Test
  @Order(2)
  void aKilledServiceIsNamedFirst() throws Exception {
    JsonNode row = triaged(Kind.SERVICE_KILL, "inventory");
    assertThat(row.path("verdict").asText()).isEqualTo("fault");
    assertThat(row.path("lead").asText()).isEqualTo("inventory");
  }

  @Test
  @Order(3)
  void aNeighbourTakingACoreIsNoFault() throws Exception {
    JsonNode row = triaged(Kind.NEIGHBOUR_CPU, null);
    assertThat(row.path("verdict").asText())
        .as(row.path("answer").path("headline").asText())
        .isEqualTo("no-fault");
  }
}
