package io.sextant.topology.health;

import io.sextant.topology.DependencyMap;
import io.sextant.topology.Node;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What health checks say about a map's nodes and edges. A service's own check marks its node (a
 * check of a database or cache, named like a dependency, marks that node); each dependency it
 * reports marks the edge from it to the node that dependency names, and that node (failing when any
 * reporter says so). A dependency names a node by its id, its {@code peer.service}, {@code
 * db.namespace}, {@code db.name} or {@code messaging.destination.name}, or — for databases and
 * caches — by the namespace without a URL-style prefix, matched against the name without a {@code
 * -db} suffix ({@code cart-db} names {@code mem:cart (h2 @ …)}).
 */
public final class HealthOverlay {
  private HealthOverlay() {}

  /** Healthy (true) or failing (false) per node id and per edge [from, to]; absent: unknown. */
  public record Marks(Map<String, Boolean> nodes, Map<List<String>, Boolean> edges) {}

  public static Marks of(DependencyMap map, List<HealthResult> results) {
    Map<String, Boolean> nodes = new HashMap<>();
    Map<List<String>, Boolean> edges = new HashMap<>();
    for (HealthResult r : results) {
      String service = r.target().service();
      if (map.node(service).isPresent()) {
        nodes.merge(service, r.healthy(), Boolean::logicalAnd);
      } else {
        for (Node n : map.nodes()) { // a database's own check: payments-db names mem:payments (…)
          if (n.component().matches(service)) {
            nodes.merge(n.id(), r.healthy(), Boolean::logicalAnd);
          }
        }
      }
      for (HealthResult.Dependency d : r.dependencies()) {
        for (Node n : map.nodes()) {
          if (!n.id().equals(service) && n.component().matches(d.name())) {
            nodes.merge(n.id(), d.healthy(), Boolean::logicalAnd);
            edges.merge(List.of(service, n.id()), d.healthy(), Boolean::logicalAnd);
          }
        }
      }
    }
    return new Marks(nodes, edges);
  }
}
