package io.sextant.triage;

import io.sextant.triage.probe.ProbeRun;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * When a run that kept its contract still counts as failing for its latency (docs/probes.md): it
 * took over four times its probe's usual latency, and 250 ms more, after both are scaled by how
 * much slower the whole round ran. The round's slowdown is the 25th percentile, over the probes run
 * together, of each run's latency over its probe's usual one: a neighbour that takes the CPU slows
 * every probe, a fault only those through it, and the fastest quarter of a round are its controls.
 * With fewer than four probes of known latency in the round, the slowdown is 1.
 */
final class LatencyRule {
  static final double TIMES = 4;
  static final double MORE_MS = 250;
  static final int MIN_CONTROLS = 4;

  private LatencyRule() {}

  /** The round's slowdown, at least 1. {@code usual} gives a probe's usual latency, or NaN. */
  static double load(List<ProbeRun> round, ToDoubleFunction<String> usual) {
    double[] ratios =
        round.stream()
            .filter(ProbeRun::passed)
            .mapToDouble(
                r -> {
                  double u = usual.applyAsDouble(r.probe());
                  return Double.isNaN(u) || u <= 0 ? Double.NaN : r.durationMillis() / u;
                })
            .filter(x -> !Double.isNaN(x))
            .sorted()
            .toArray();
    if (ratios.length < MIN_CONTROLS) {
      return 1;
    }
    return Math.max(1, ratios[(int) Math.floor(0.25 * (ratios.length - 1))]);
  }

  /**
   * Each run's round: the runs made together, the k-th run of every probe (by start time), and that
   * round's slowdown ({@link #load}). A burst of probes at once on a loaded machine queues; the
   * next wave may not.
   */
  static Map<ProbeRun, Double> loads(List<ProbeRun> runs, ToDoubleFunction<String> usual) {
    Map<String, List<ProbeRun>> byProbe = new HashMap<>();
    for (ProbeRun r : runs) {
      byProbe.computeIfAbsent(r.probe(), k -> new ArrayList<>()).add(r);
    }
    Map<Integer, List<ProbeRun>> waves = new HashMap<>();
    for (List<ProbeRun> rs : byProbe.values()) {
      rs.sort(Comparator.comparingLong(ProbeRun::startUnixNano));
      for (int k = 0; k < rs.size(); k++) {
        waves.computeIfAbsent(k, x -> new ArrayList<>()).add(rs.get(k));
      }
    }
    Map<ProbeRun, Double> out = new IdentityHashMap<>();
    for (List<ProbeRun> wave : waves.values()) {
      double load = load(wave, usual);
      wave.forEach(r -> out.put(r, load));
    }
    return out;
  }

  /**
   * Why the run counts as failing for its latency, or null when it does not (also before its probe
   * has five passing runs to judge by).
   */
  static String slow(FootprintBook book, String probe, double millis, double load) {
    double usual = book.usualLatency(probe);
    if (Double.isNaN(usual) || millis / load <= TIMES * usual || millis / load <= usual + MORE_MS) {
      return null;
    }
    return load > 1.05
        ? String.format(
            Locale.ROOT,
            "took %.0f ms, %.1f× its usual %.0f ms while the round ran %.1f× slower",
            millis,
            millis / usual,
            usual,
            load)
        : String.format(
            Locale.ROOT, "took %.0f ms, %.1f× its usual %.0f ms", millis, millis / usual, usual);
  }
}
