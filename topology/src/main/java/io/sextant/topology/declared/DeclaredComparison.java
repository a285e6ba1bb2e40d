package io.sextant.topology.declared;

import io.sextant.topology.DependencyMap;
import io.sextant.topology.Edge;
import io.sextant.topology.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The declared model beside the observed map: each observed edge from a service that has a
 * declaration is {@code declared} or {@code undeclared}, and {@code slo_breached} when over a
 * declared bound; each declared callee with no observed edge in the window is listed as missing.
 * Edges from services without a declaration get no status.
 */
public record DeclaredComparison(Map<List<String>, String> edges, List<Missing> missing) {

  /** A declared call not seen in the window. */
  public record Missing(String from, String callee) {}

  public static DeclaredComparison of(DependencyMap map, DeclaredModel model) {
    Map<List<String>, String> status = new HashMap<>();
    List<Missing> missing = new ArrayList<>();
    for (Map.Entry<String, List<DeclaredModel.Declared>> s : model.services().entrySet()) {
      String from = s.getKey();
      for (Edge e : map.edges()) {
        if (e.from().equals(from)) {
          status.put(List.of(e.from(), e.to()), "undeclared");
        }
      }
      for (DeclaredModel.Declared d : s.getValue()) {
        boolean seen = false;
        for (Edge e : map.edges()) {
          Node to = map.node(e.to()).orElse(null);
          if (!e.from().equals(from) || to == null || !to.component().matches(d.callee())) {
            continue;
          }
          seen = true;
          boolean breached =
              (d.p99Ms() != null && e.red().p99Nanos() / 1e6 > d.p99Ms())
                  || (d.errorPct() != null && e.red().errorPercent() > d.errorPct());
          status.put(List.of(e.from(), e.to()), breached ? "slo_breached" : "declared");
        }
        if (!seen) {
          missing.add(new Missing(from, d.callee()));
        }
      }
    }
    return new DeclaredComparison(status, missing);
  }
}
