package io.sextant.topology;

import io.sextant.store.spi.TimeRange;
import java.util.List;
import java.util.Optional;

/**
 * The map of one window, nodes sorted by id and edges by caller then callee.
 *
 * @param buildMillis how long computing it took
 */
public record DependencyMap(TimeRange range, List<Node> nodes, List<Edge> edges, long buildMillis) {
  public DependencyMap {
    nodes = List.copyOf(nodes);
    edges = List.copyOf(edges);
  }

  public Optional<Node> node(String id) {
    return nodes.stream().filter(n -> n.id().equals(id)).findFirst();
  }

  public Optional<Edge> edge(String from, String to) {
    return edges.stream().filter(e -> e.from().equals(from) && e.to().equals(to)).findFirst();
  }
}
