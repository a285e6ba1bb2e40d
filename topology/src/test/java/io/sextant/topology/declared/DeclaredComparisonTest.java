package io.sextant.topology.declared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.store.spi.TimeRange;
import io.sextant.topology.ComponentId;
import io.sextant.topology.DependencyMap;
import io.sextant.topology.Edge;
import io.sextant.topology.Node;
import io.sextant.topology.Red;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeclaredComparisonTest {
  static final ComponentId DB_ID = ComponentId.datastore("mem:checkout", "h2", "127.0.0.1:5433");
  static final String DB = DB_ID.display();

  static Red red(double p99Ms, long calls, long errors) {
    return new Red(calls, calls / 60.0, errors, p99Ms * 5e5, p99Ms * 1e6);
  }

  @Test
  void observedAndDeclaredEdges_areComparedBothWays_withSlos() throws Exception {
    DependencyMap map =
        new DependencyMap(
            new TimeRange(0, 60_000_000_000L),
            List.of(
                new Node(ComponentId.service("checkout"), true, Map.of(), Red.NONE),
                new Node(ComponentId.service("payments"), true, Map.of(), Red.NONE),
                new Node(ComponentId.service("legacy"), false, Map.of(), Red.NONE),
                new Node(DB_ID, false, Map.of("db.namespace", "mem:checkout"), Red.NONE)),
            List.of(
                new Edge("checkout", "payments", red(80, 100, 0)),
                new Edge("checkout", DB, red(12, 300, 9)),
                new Edge("checkout", "legacy", red(5, 3, 0)),
                new Edge("payments", "legacy", red(5, 3, 0))),
            0);
    DeclaredModel model =
        DeclaredModel.parse(
            """
            checkout:
              - payments: {p99_ms: 100}
              - checkout-db: {p99_ms: 50, error_pct: 1}
              - inventory
            """);

    DeclaredComparison c = DeclaredComparison.of(map, model);

    assertThat(c.edges())
        .containsEntry(List.of("checkout", "payments"), "declared")
        .containsEntry(List.of("checkout", DB), "slo_breached")
        .containsEntry(List.of("checkout", "legacy"), "undeclared")
        .doesNotContainKey(List.of("payments", "legacy"));
    assertThat(c.missing())
        .containsExactly(new DeclaredComparison.Missing("checkout", "inventory"));
  }

  @Test
  void parse_refusesAShapeItDoesNotExpect() throws Exception {
    assertThatThrownBy(() -> DeclaredModel.parse("checkout: payments"))
        .hasMessageContaining("checkout must have a list of callees");
    assertThat(DeclaredModel.parse("").services()).isEmpty();
  }
}
