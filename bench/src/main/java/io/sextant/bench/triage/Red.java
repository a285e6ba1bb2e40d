package io.sextant.bench.triage;

import io.sextant.model.Event;
import io.sextant.model.EventKind;
import io.sextant.model.SpanKind;
import io.sextant.model.StatusCode;
import io.sextant.topology.ComponentIds;
import io.sextant.triage.rank.Ranker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Per-component RED metrics over a window of production traces, as a metrics backend would have
 * them: a service's from the spans it served, a database's, cache's or topic's from its callers'
 * client spans. And the BARO-style scorer over them.
 */
final class Red {
  /** Requests, error share and p95 latency of one component in one window. */
  record Metrics(int requests, double errorRate, double p95Ms) {}

  private Red() {}

  static Map<String, Metrics> of(List<Simulator.Run> window, Map<String, String> addressOf) {
    Map<String, List<double[]>> samples = new HashMap<>(); // [ms, error]
    for (Simulator.Run r : window) {
      for (Event e : r.spans()) {
        if (e.kind() != EventKind.SPAN) {
          continue;
        }
        String component = null;
        if (e.spanKind() == SpanKind.SERVER || e.spanKind() == SpanKind.CONSUMER) {
          component = e.serviceName();
        } else if (e.attributes().get(ComponentIds.DB_SYSTEM) != null
            || e.spanKind() == SpanKind.PRODUCER) {
          Map<String, String> a = new HashMap<>();
          e.attributes().asMap().forEach((k, v) -> a.put(k, String.valueOf(v)));
          ComponentIds.Callee c = ComponentIds.callee(a, addressOf);
          component = c == null ? null : c.id();
        }
        if (component != null) {
          samples
              .computeIfAbsent(component, k -> new ArrayList<>())
              .add(new double[] {e.durationNanos() / 1e6, e.status() == StatusCode.ERROR ? 1 : 0});
        }
      }
    }
    Map<String, Metrics> out = new HashMap<>();
    samples.forEach(
        (c, s) -> {
          double[] ms = s.stream().mapToDouble(x -> x[0]).sorted().toArray();
          double errors = s.stream().mapToDouble(x -> x[1]).sum();
          out.put(
              c,
              new Metrics(
                  s.size(), errors / s.size(), ms[(int) Math.floor(0.95 * (ms.length - 1))]));
        });
    return out;
  }

  /**
   * BARO's robust z-score (Pham et al., FSE'24) on RED metrics: per component and metric, (x −
   * median of the healthy buckets) / IQR of the healthy buckets, the highest over the fault
   * window's buckets and the three metrics. Error rate and latency count when they rise; the
   * request rate counts either way (a component that stops answering stops being measured). IQR
   * floors keep a metric that never moved from dividing by zero: 1 % for errors, 1 ms, 1 request.
   */
  static Map<String, Double> baro(
      List<Map<String, Metrics>> healthy, List<Map<String, Metrics>> now) {
    Set<String> comps = new TreeSet<>();
    healthy.forEach(b -> comps.addAll(b.keySet()));
    now.forEach(b -> comps.addAll(b.keySet()));
    Map<String, Double> out = new HashMap<>();
    for (String c : comps) {
      double[] req = healthy.stream().mapToDouble(b -> get(b, c).requests()).sorted().toArray();
      double[] err = healthy.stream().mapToDouble(b -> get(b, c).errorRate()).sorted().toArray();
      double[] lat = healthy.stream().mapToDouble(b -> get(b, c).p95Ms()).sorted().toArray();
      double score = Double.NEGATIVE_INFINITY;
      for (Map<String, Metrics> b : now) {
        Metrics m = get(b, c);
        score = Math.max(score, Math.abs(m.requests() - median(req)) / Math.max(1, iqr(req)));
        score = Math.max(score, (m.errorRate() - median(err)) / Math.max(0.01, iqr(err)));
        if (m.requests() > 0) {
          score = Math.max(score, (m.p95Ms() - median(lat)) / Math.max(1, iqr(lat)));
        }
      }
      out.put(c, score);
    }
    return out;
  }

  private static Metrics get(Map<String, Metrics> bucket, String c) {
    return bucket.getOrDefault(c, new Metrics(0, 0, 0));
  }

  private static double median(double[] sorted) {
    return Ranker.quantile(sorted, 0.5);
  }

  private static double iqr(double[] sorted) {
    return Ranker.quantile(sorted, 0.75) - Ranker.quantile(sorted, 0.25);
  }
}
