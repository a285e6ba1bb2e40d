package io.sextant.bench.triage;

import io.sextant.bench.triage.Topology.Operation;
import io.sextant.bench.triage.Topology.Probe;
import io.sextant.triage.trace.TraceAnalysis;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * What production triage knows before an incident, learned here from healthy simulated traffic the
 * same way: footprints and critical-path baselines from healthy probe runs, flake rates from the
 * probes' healthy history, addresses from calls answered, latency baselines per root operation and
 * per-component RED metrics from healthy production traffic.
 */
final class Learned {
  static final int PROBE_RUNS = 50;
  static final int RED_BUCKETS = 10;
  static final int BUCKET_REQUESTS = 100;

  final Topology sys;
  final Map<String, String> addressOf = new HashMap<>();
  final Map<String, Map<String, Double>> footprints = new HashMap<>();
  final Map<String, List<Map<String, Double>>> baselinePaths = new HashMap<>();
  final Map<String, Double> flakeRates = new HashMap<>();
  final Map<String, Double> cost = new HashMap<>();
  final Map<String, Double> probeP99 = new HashMap<>();
  final Map<String, Double> rootP99 = new HashMap<>();
  final List<Map<String, Red.Metrics>> redBuckets = new ArrayList<>();
  final Set<String> universe = new TreeSet<>();

  private Learned(Topology sys) {
    this.sys = sys;
  }

  static Learned learn(Topology sys, long seed) {
    Learned l = new Learned(sys);
    SplittableRandom rng = new SplittableRandom(seed);
    Simulator healthy = new Simulator(sys, List.of());
    long t = 1_700_000_000_000_000_000L;
    Map<String, List<Simulator.Run>> probeRuns = new HashMap<>();
    for (Probe p : sys.probes.values()) {
      List<Simulator.Run> runs = new ArrayList<>();
      for (int i = 0; i < PROBE_RUNS; i++) {
        Simulator.Run r = healthy.run(p.entry(), rng, t);
        t += 1_000_000_000L;
        runs.add(r);
        TraceAnalysis.learnAddresses(r.spans(), l.addressOf);
      }
      probeRuns.put(p.name(), runs);
    }
    List<List<Simulator.Run>> production = new ArrayList<>();
    for (int b = 0; b < RED_BUCKETS; b++) {
      List<Simulator.Run> bucket = traffic(sys, healthy, rng, BUCKET_REQUESTS, t);
      t += 60_000_000_000L;
      bucket.forEach(r -> TraceAnalysis.learnAddresses(r.spans(), l.addressOf));
      production.add(bucket);
    }
    for (Probe p : sys.probes.values()) {
      Map<String, Double> touch = new HashMap<>();
      List<Map<String, Double>> paths = new ArrayList<>();
      int failures = 0;
      double[] ms = new double[PROBE_RUNS];
      int i = 0;
      for (Simulator.Run r : probeRuns.get(p.name())) {
        TraceAnalysis a = TraceAnalysis.of(r.spans(), l.addressOf);
        a.components().forEach(c -> touch.merge(c, 1.0, Double::sum));
        paths.add(a.criticalPathMillis());
        if (Pipeline.fails(p, r, rng.nextDouble() < p.flake())) {
          failures++;
        }
        ms[i++] = r.ms();
      }
      touch.replaceAll((c, n) -> n / PROBE_RUNS);
      Arrays.sort(ms);
      l.footprints.put(p.name(), touch);
      l.baselinePaths.put(p.name(), paths);
      l.flakeRates.put(p.name(), (failures + 1.0) / (PROBE_RUNS + 2.0));
      l.cost.put(p.name(), ms[PROBE_RUNS / 2] / 1000);
      l.probeP99.put(p.name(), ms[(int) (0.99 * (PROBE_RUNS - 1))]);
      l.universe.addAll(touch.keySet());
    }
    Map<String, List<Double>> byRoot = new HashMap<>();
    for (List<Simulator.Run> bucket : production) {
      for (Simulator.Run r : bucket) {
        TraceAnalysis a = TraceAnalysis.of(r.spans(), l.addressOf);
        byRoot.computeIfAbsent(a.rootOperation(), k -> new ArrayList<>()).add(r.ms());
        l.universe.addAll(a.components());
      }
      l.redBuckets.add(Red.of(bucket, l.addressOf));
    }
    byRoot.forEach(
        (op, ms) -> {
          double[] s = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
          l.rootP99.put(op, s[(int) Math.floor(0.99 * (s.length - 1))]);
        });
    return l;
  }

  /** {@code n} production requests drawn from the traffic mix, a few milliseconds apart. */
  static List<Simulator.Run> traffic(
      Topology sys, Simulator sim, SplittableRandom rng, int n, long startNanos) {
    List<Operation> ops = List.copyOf(sys.operations.values());
    double total = ops.stream().mapToDouble(Operation::weight).sum();
    List<Simulator.Run> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double u = rng.nextDouble() * total;
      Operation pick = ops.get(ops.size() - 1);
      for (Operation o : ops) {
        u -= o.weight();
        if (u < 0) {
          pick = o;
          break;
        }
      }
      out.add(sim.run(pick.entry(), rng, startNanos + i * 20_000_000L));
    }
    return out;
  }

  /**
   * Each component's group under the suite: the components with the same non-empty suite signature
   * (a component no suite probe touches is alone, as the Ranker reports it).
   */
  Map<String, Set<String>> groups(double touch) {
    Map<String, Set<String>> bySig = new HashMap<>();
    for (String c : universe) {
      StringBuilder sig = new StringBuilder();
      for (String p : sys.suite()) {
        if (footprints.get(p).getOrDefault(c, 0.0) >= touch) {
          sig.append(p).append(',');
        }
      }
      bySig.computeIfAbsent(sig.toString(), k -> new TreeSet<>()).add(c);
    }
    Map<String, Set<String>> out = new HashMap<>();
    bySig.forEach(
        (sig, members) ->
            members.forEach(c -> out.put(c, sig.isEmpty() ? Set.of(c) : Set.copyOf(members))));
    return out;
  }
}
