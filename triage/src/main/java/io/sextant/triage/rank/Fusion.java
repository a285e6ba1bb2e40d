package io.sextant.triage.rank;

import io.sextant.triage.trace.TraceAnalysis;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The trace evidence and its fusion with the probes' posterior (triage-methods §5.3–5.5): the share
 * of deepest error spans, the critical-path latency shift and Ochiai over production traces,
 * log-linear beside the probes' posterior, gated by it.
 */
final class Fusion {
  /**
   * The share of the deepest errors, its own, from which the probes cannot rule a component out.
   */
  static final double OWN_FAILURES = 0.2;

  /** The weight of failing production traces' error origins beside failing probe traces'. */
  static final double PRODUCTION_WEIGHT = 1.0 / 3;

  /**
   * The temperature of the probabilities triage states: the fused log-scores are multiplied by it
   * before they are normalized for the answer (the order does not change). The trace sources are
   * correlated observations of one failure, not independent ones, and at 1 the stated confidence
   * was far above the share of answers that were right (bench/triage/README.md, calibration).
   */
  static final double STATED_TEMPERATURE = 0.5;

  private final Settings settings;

  Fusion(Settings settings) {
    this.settings = settings;
  }

  /**
   * What fusing the evidence gave.
   *
   * @param fused component → share of the fault mass, for ranking and grouping
   * @param stated the same, tempered ({@link #STATED_TEMPERATURE}): what the answer states
   */
  record Fused(
      Map<String, Double> fused,
      Map<String, Double> stated,
      Map<String, Double> errShare,
      Map<String, String> errExample,
      Map<String, String> errTrace,
      Map<String, Integer> errTraces,
      Map<String, Double> latShare,
      Map<String, double[]> shifts,
      Map<String, Double> ochiai,
      Pools pools,
      int failingTraces) {}

  Fused fuse(Posterior post, TriageInput in) {
    List<String> universe = post.components();
    int n = universe.size();
    Map<String, Double> errShare = new HashMap<>();
    Map<String, String> errExample = new HashMap<>();
    Map<String, String> errTrace = new HashMap<>();
    Map<String, Integer> errTraces = new HashMap<>();
    Map<String, double[]> shifts = new HashMap<>();
    Map<String, Double> latShare = latencyShares(in, shifts);
    Map<String, Double> ownShare = new HashMap<>();
    Map<String, Double> slow = new HashMap<>(latShare);
    in.slowDependencies().forEach(d -> slow.merge(d, 1.0, Double::sum));
    Pools pools =
        new Pools(slow, in.slowDependencies(), in.answering(), in.waiting(), new TreeMap<>());
    // Traces that answered right but hold errors a retry or a fallback hid say where errors start
    // as much as failing ones do.
    List<TraceAnalysis> withErrors = new ArrayList<>(in.failingTraces());
    withErrors.addAll(in.maskedTraces());
    int failingTraces =
        errorShares(withErrors, pools, errShare, ownShare, errExample, errTrace, errTraces);
    Map<String, Double> prodShare = new HashMap<>();
    Map<String, Double> prodOwn = new HashMap<>();
    int failingProduction =
        errorShares(
            in.productionFailures(), pools, prodShare, prodOwn, errExample, errTrace, errTraces);
    if (failingProduction > 0) {
      // The failing probes are why triage runs; production's failures in the window may be an
      // earlier incident's tail: a third of the say when both have errors, all of it when alone.
      double w = failingTraces > 0 ? PRODUCTION_WEIGHT : 1;
      errShare.replaceAll((c, v) -> v * (1 - w));
      ownShare.replaceAll((c, v) -> v * (1 - w));
      prodShare.forEach((c, v) -> errShare.merge(c, v * w, Double::sum));
      prodOwn.forEach((c, v) -> ownShare.merge(c, v * w, Double::sum));
      failingTraces += failingProduction;
    }
    Map<String, Double> ochiai = ochiai(in.production());
    boolean useErr = failingTraces > 0 && settings.lambdaError() > 0;
    boolean useLat = !latShare.isEmpty() && settings.lambdaLatency() > 0;
    boolean useOch =
        in.production().stream().anyMatch(Execution::failed) && settings.lambdaTraces() > 0;

    double faultMass = Math.max(1e-300, 1 - post.none());
    double eps = settings.epsilon();
    // The probes are the controlled experiment: a component they rule out (its posterior under
    // 1/gate of the best's, e.g. a passing probe touched it twice) is not brought back by trace
    // evidence, which ranks the components the probes could not rule out.
    double bestPost = 0;
    for (String id : universe) {
      bestPost = Math.max(bestPost, post.marginal().getOrDefault(id, 0.0));
    }
    double[] logS = new double[n];
    for (int c = 0; c < n; c++) {
      String id = universe.get(c);
      double marginal = post.marginal().getOrDefault(id, 0.0);
      // A component's own failures (its code threw: a fifth of the blame or more) let it through:
      // a bad deploy breaks some of its endpoints, not all, so the probes that pass through it do
      // not rule it out. A pool that ran out does not (a leak and a slow database look alike).
      boolean inGate =
          marginal * settings.gate() >= bestPost || ownShare.getOrDefault(id, 0.0) >= OWN_FAILURES;
      double l = Math.log(marginal / faultMass + 1e-12);
      if (useErr) {
        l += settings.lambdaError() * Math.log(eps + (inGate ? errShare.getOrDefault(id, 0.0) : 0));
      }
      if (useLat) {
        l +=
            settings.lambdaLatency()
                * Math.log(eps + (inGate ? latShare.getOrDefault(id, 0.0) : 0));
      }
      if (useOch) {
        l += settings.lambdaTraces() * Math.log(eps + (inGate ? ochiai.getOrDefault(id, 0.0) : 0));
      }
      logS[c] = l;
    }
    return new Fused(
        softmax(universe, logS, 1),
        softmax(universe, logS, STATED_TEMPERATURE),
        errShare,
        errExample,
        errTrace,
        errTraces,
        latShare,
        shifts,
        ochiai,
        pools,
        failingTraces);
  }

  private static Map<String, Double> softmax(List<String> ids, double[] logS, double temperature) {
    double max = Double.NEGATIVE_INFINITY;
    for (double l : logS) {
      max = Math.max(max, l);
    }
    double sum = 0;
    double[] p = new double[logS.length];
    for (int c = 0; c < logS.length; c++) {
      p[c] = Math.exp(temperature * (logS[c] - max));
      sum += p[c];
    }
    Map<String, Double> out = new HashMap<>();
    for (int c = 0; c < logS.length; c++) {
      out.put(ids.get(c), p[c] / sum);
    }
    return out;
  }

  /**
   * What decides whose fault a connection pool that ran out is, and a service that did not answer
   * in time: the databases, caches and queues seen slow (how much), those whose calls are far
   * slower than usual, those that answer their own health check now, the services whose own check
   * answers but finds a part down or hanging (→ what it covers), and, filled in while reading the
   * traces, the services whose pool leaked (→ the database it serves).
   */
  record Pools(
      Map<String, Double> slow,
      Set<String> slowCalls,
      Set<String> answering,
      Map<String, Set<String>> waiting,
      Map<String, String> leaked) {}

  /**
   * ErrShare (§5.3) into {@code share}, and into {@code own} the part of it from the components'
   * own failures; returns the number of traces with errors. A pool that ran out while a database it
   * serves answered slowly is that database's fault; while every database it serves answers its
   * health check and none is slow, the connections are held in the service: its own failure (a
   * leak). Otherwise it is the service's error, but not its own failure.
   */
  static int errorShares(
      List<TraceAnalysis> traces,
      Pools pools,
      Map<String, Double> share,
      Map<String, Double> own,
      Map<String, String> example,
      Map<String, String> exampleTrace,
      Map<String, Integer> count) {
    int withErrors = 0;
    Map<String, Set<String>> onHost = new HashMap<>();
    for (TraceAnalysis t : traces) {
      if (t.errorOrigins().isEmpty()) {
        continue;
      }
      withErrors++;
      double each = 1.0 / t.errorOrigins().size();
      Set<String> seen = new TreeSet<>();
      for (int i = 0; i < t.errorOrigins().size(); i++) {
        String c = t.errorOrigins().get(i);
        boolean isOwn = t.errorOriginsOwn().get(i);
        Set<String> served = t.errorOriginPools().get(i);
        String slowest = null;
        for (String d : served) {
          if (pools.slow().getOrDefault(d, 0.0)
              > (slowest == null ? 0 : pools.slow().get(slowest))) {
            slowest = d;
          }
        }
        String detail = t.errorDetails().get(i);
        List<String> waitedOn = waitedOn(c, t.errorOriginsBehind().get(i), pools);
        List<String> blamed = List.of(c);
        if (slowest != null) {
          blamed = List.of(slowest);
          isOwn = false;
        } else if (!served.isEmpty() && pools.answering().containsAll(served)) {
          isOwn = true;
          pools.leaked().putIfAbsent(c, String.join(", ", new TreeSet<>(served)));
        } else if (!waitedOn.isEmpty()) {
          blamed = waitedOn;
        }
        String h = t.errorOriginHosts().get(i);
        // It could not be reached, as a call that failed shows (a call that timed out has no
        // host: it connected); an error only inferred from a span that made no call (a breaker
        // open answers so too) says nothing of its host.
        if (h != null && !isOwn && served.isEmpty() && !t.errorOriginsInferred().get(i)) {
          onHost.computeIfAbsent(h, k -> new TreeSet<>()).add(c);
        }
        for (String b : blamed) {
          share.merge(b, each / blamed.size(), Double::sum);
          if (isOwn) {
            own.merge(b, each / blamed.size(), Double::sum);
          }
          example.putIfAbsent(
              b, b.equals(c) ? detail : b + ": " + detail + waitReason(c, b, pools));
          exampleTrace.putIfAbsent(b, t.traceId());
          if (seen.add(b)) {
            count.merge(b, 1, Integer::sum);
          }
        }
      }
    }
    final int total = withErrors;
    share.replaceAll((k, v) -> v / total);
    own.replaceAll((k, v) -> v / total);
    // A host is the deepest error's owner when several of the components on it could not be
    // reached (every service on a host that went down refuses its callers); one component failing
    // alone, or failing by its own code, is that component's fault, not its host's.
    onHost.forEach(
        (host, members) -> {
          if (members.size() >= 2) {
            double s = 0;
            for (String m : members) {
              s += share.getOrDefault(m, 0.0);
            }
            share.put(host, s);
            // Each component on it explains only its own part of the host's failures.
            final double all = s;
            for (String m : members) {
              share.computeIfPresent(m, (k, v) -> v * v / all);
            }
            count.put(
                host, members.stream().mapToInt(m -> count.getOrDefault(m, 0)).max().orElse(0));
            example.putIfAbsent(host, host + ": " + String.join(", ", members) + " on it fail");
          }
        });
    return withErrors;
  }

  /**
   * What a service its caller waited on in vain ({@link TraceAnalysis#errorOriginsBehind}) was
   * itself waiting on: those of its databases, caches and queues whose calls are far slower than
   * usual, else those its own health check, answering, reports down or hanging; none when neither
   * (a service stopped, or busy by itself, keeps the blame).
   */
  private static List<String> waitedOn(String service, Set<String> behind, Pools pools) {
    List<String> out = new ArrayList<>();
    for (String d : new TreeSet<>(behind)) {
      if (pools.slowCalls().contains(d)) {
        out.add(d);
      }
    }
    if (out.isEmpty()) {
      for (String d : pools.waiting().getOrDefault(service, Set.of())) {
        if (behind.contains(d)) {
          out.add(d);
        }
      }
    }
    return out;
  }

  private static String waitReason(String service, String dependency, Pools pools) {
    return pools.slowCalls().contains(dependency)
        ? " (" + service + " calls it, and its calls are far slower than usual)"
        : " (" + service + " answers its health check, which reports it down or hanging)";
  }

  /** LatShare (§5.4), averaged over the keys (probes) whose critical path shifted. */
  static Map<String, Double> latencyShares(TriageInput in, Map<String, double[]> shifts) {
    Map<String, Double> out = new HashMap<>();
    int keys = 0;
    for (Map.Entry<String, List<Map<String, Double>>> e : in.currentPaths().entrySet()) {
      List<Map<String, Double>> base = in.baselinePaths().getOrDefault(e.getKey(), List.of());
      List<Map<String, Double>> now = e.getValue();
      if (base.size() < 3 || now.isEmpty()) {
        continue;
      }
      Set<String> comps = new TreeSet<>();
      base.forEach(m -> comps.addAll(m.keySet()));
      now.forEach(m -> comps.addAll(m.keySet()));
      Map<String, Double> delta = new HashMap<>();
      double total = 0;
      for (String c : comps) {
        double[] b = base.stream().mapToDouble(m -> m.getOrDefault(c, 0.0)).sorted().toArray();
        double[] a = now.stream().mapToDouble(m -> m.getOrDefault(c, 0.0)).sorted().toArray();
        double d = Ranker.quantile(a, 0.5) - Ranker.quantile(b, 0.5);
        double z = d / (Ranker.quantile(b, 0.75) - Ranker.quantile(b, 0.25) + 1.0);
        if (z >= 3 && d > 0) {
          delta.put(c, d);
          total += d;
          double[] prev = shifts.get(c);
          if (prev == null || prev[0] < d) {
            shifts.put(c, new double[] {d, z});
          }
        }
      }
      if (total > 0) {
        keys++;
        for (Map.Entry<String, Double> d : delta.entrySet()) {
          out.merge(d.getKey(), d.getValue() / total, Double::sum);
        }
      }
    }
    final int k = keys;
    out.replaceAll((c, v) -> v / k);
    return out;
  }

  /** Ochiai over production executions, each weighted by 1 / (executions with its touch set). */
  static Map<String, Double> ochiai(List<Execution> executions) {
    Map<Set<String>, Integer> kinds = new HashMap<>();
    for (Execution e : executions) {
      kinds.merge(e.components(), 1, Integer::sum);
    }
    double failed = 0;
    Map<String, Double> ef = new HashMap<>();
    Map<String, Double> ep = new HashMap<>();
    for (Execution e : executions) {
      double w = 1.0 / kinds.get(e.components());
      if (e.failed()) {
        failed += w;
      }
      for (String c : e.components()) {
        (e.failed() ? ef : ep).merge(c, w, Double::sum);
      }
    }
    Map<String, Double> out = new HashMap<>();
    if (failed == 0) {
      return out;
    }
    for (Map.Entry<String, Double> e : ef.entrySet()) {
      double f = e.getValue();
      out.put(e.getKey(), f / Math.sqrt(failed * (f + ep.getOrDefault(e.getKey(), 0.0))));
    }
    return out;
  }
}
