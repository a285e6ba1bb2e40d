package io.sextant.topology.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.store.spi.TimeRange;
import io.sextant.topology.ComponentId;
import io.sextant.topology.DependencyMap;
import io.sextant.topology.Edge;
import io.sextant.topology.Node;
import io.sextant.topology.Red;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthOverlayTest {
  static final ComponentId DB_ID = ComponentId.datastore("mem:cart", "h2", "127.0.0.1:5433");
  static final String DB = DB_ID.display();

  @Test
  void unhealthyDependency_marksItsNodeAndTheEdgeToIt() {
    DependencyMap map =
        new DependencyMap(
            new TimeRange(0, 1),
            List.of(
                new Node(ComponentId.service("cart"), true, Map.of(), Red.NONE),
                new Node(
                    DB_ID, false, Map.of("db.namespace", "mem:cart", "db.system", "h2"), Red.NONE),
                new Node(
                    ComponentId.datastore("cache", "memcached", "127.0.0.1:1"),
                    false,
                    Map.of("peer.service", "cache"),
                    Red.NONE)),
            List.of(new Edge("cart", DB, Red.NONE)),
            0);
    HealthResult cart =
        new HealthResult(
            new HealthTarget("cart", URI.create("http://127.0.0.1:1/health")),
            0,
            1,
            false,
            null,
            List.of(
                new HealthResult.Dependency("cart-db", false, null),
                new HealthResult.Dependency("cache", true, null)));

    HealthOverlay.Marks marks = HealthOverlay.of(map, List.of(cart));

    assertThat(marks.nodes())
        .containsEntry("cart", false)
        .containsEntry(DB, false)
        .containsEntry("cache (memcached @ 127.0.0.1:1)", true);
    assertThat(marks.edges()).containsEntry(List.of("cart", DB), false);

    // The database's own check (as a database exporter answers it) marks its node too.
    HealthResult own =
        new HealthResult(
            new HealthTarget("cart-db", URI.create("http://127.0.0.1:1/health/cart-db")),
            0,
            1,
            false,
            null,
            List.of());
    assertThat(HealthOverlay.of(map, List.of(own)).nodes()).containsOnly(Map.entry(DB, false));
  }
}
