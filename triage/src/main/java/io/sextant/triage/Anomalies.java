package io.sextant.triage;

import io.sextant.triage.rank.Anomaly;
import io.sextant.triage.rank.ProbeOutcome;
import io.sextant.triage.session.ProbeEvidence;
import io.sextant.triage.trace.TraceAnalysis;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Symptoms beside the probes' pass/fail ({@link Anomaly}), each with its likelihood ratio: errors
 * hidden inside probe traces that answered right, and processes burning far more CPU than their own
 * usual. docs/probes.md ("What triage reads besides the probes") states the rules.
 */
final class Anomalies {
  /** A process is burning CPU when it uses this many times its own usual, */
  static final double CPU_RATIO = 5;

  /** and at least this share of one core. */
  static final double CPU_CORES = 0.4;

  private Anomalies() {}

  /**
   * Errors at a component in this triage's probe runs: hidden inside passing runs (any root error
   * span, a retry or a fallback answered right), or thrown by the component's own code in failing
   * runs. For each such component, the binomial likelihood ratio of the runs touching it, each with
   * (q = {@value Anomaly#HIDDEN_WHEN_FAULTY}) or without such an error, against how often that
   * probe's runs hold one there when nothing is wrong: for a passing run, the share of its healthy
   * traces with an error there (at least {@value Anomaly#HIDDEN_USUALLY}); for a failing run, at
   * least its flake rate α as the ranking uses it (a flaky failure may be that very error).
   *
   * @param usualErrors probe → component → share of its healthy traces with an error origin there
   */
  static List<Anomaly> hiddenErrors(
      ProbeEvidence probes,
      Map<String, Map<String, Double>> footprints,
      double touch,
      Map<String, Map<String, Double>> usualErrors) {
    List<ProbeEvidence.Traced> passed = probes.passed();
    List<ProbeEvidence.Traced> failed = probes.failed();
    Map<String, String> example = new TreeMap<>();
    for (ProbeEvidence.Traced r : passed) {
      List<String> origins = r.trace().errorOrigins();
      for (int i = 0; i < origins.size(); i++) {
        example.putIfAbsent(origins.get(i), r.trace().errorDetails().get(i));
      }
    }
    for (ProbeEvidence.Traced r : failed) {
      for (int i : ownErrors(r.trace())) {
        example.putIfAbsent(r.trace().errorOrigins().get(i), r.trace().errorDetails().get(i));
      }
    }
    List<Anomaly> out = new ArrayList<>();
    for (var e : example.entrySet()) {
      String c = e.getKey();
      double logLr = 0;
      int runs = 0;
      int hidden = 0;
      int thrown = 0;
      Set<String> through = new LinkedHashSet<>();
      for (ProbeEvidence.Traced r : passed) {
        boolean at = r.trace().errorOrigins().contains(c);
        if (!at && !through(r, c, footprints, touch)) {
          continue;
        }
        double eps = usual(r.probe(), c, usualErrors, 0);
        runs++;
        if (at) {
          hidden++;
          through.add(r.probe());
        }
        logLr += logRatio(at, eps);
      }
      for (ProbeEvidence.Traced r : failed) {
        boolean at =
            ownErrors(r.trace()).stream().anyMatch(i -> r.trace().errorOrigins().get(i).equals(c));
        if (!at && !through(r, c, footprints, touch)) {
          continue;
        }
        ProbeOutcome o = probes.outcomes().get(r.probe());
        double eps = usual(r.probe(), c, usualErrors, o == null ? 0 : o.flakeRate());
        runs++;
        if (at) {
          thrown++;
          through.add(r.probe());
        }
        logLr += logRatio(at, eps);
      }
      double lr = Math.exp(Math.min(logLr, Math.log(Anomaly.MAX_RATIO)));
      if (lr > 1) {
        out.add(new Anomaly(c, lr, Set.of(), why(c, hidden, thrown, runs, through, e.getValue())));
      }
    }
    return out;
  }

  /** The indexes of the trace's error origins that are the origin's own code failing. */
  private static List<Integer> ownErrors(TraceAnalysis t) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < t.errorOrigins().size(); i++) {
      if (t.errorOriginsOwn().get(i)) {
        out.add(i);
      }
    }
    return out;
  }

  private static boolean through(
      ProbeEvidence.Traced r, String c, Map<String, Map<String, Double>> footprints, double touch) {
    return footprints.getOrDefault(r.probe(), Map.of()).getOrDefault(c, 0.0) >= touch
        || r.trace().components().contains(c);
  }

  private static double usual(
      String probe, String c, Map<String, Map<String, Double>> usualErrors, double atLeast) {
    return Math.min(
        0.5,
        Math.max(
            Math.max(Anomaly.HIDDEN_USUALLY, atLeast),
            usualErrors.getOrDefault(probe, Map.of()).getOrDefault(c, 0.0)));
  }

  private static double logRatio(boolean at, double eps) {
    return at
        ? Math.log(Anomaly.HIDDEN_WHEN_FAULTY / eps)
        : Math.log((1 - Anomaly.HIDDEN_WHEN_FAULTY) / (1 - eps));
  }

  private static String why(
      String c, int hidden, int thrown, int runs, Set<String> probes, String example) {
    String through = String.join(", ", probes);
    if (thrown == 0) {
      return String.format(
          Locale.ROOT,
          "%d of %d passing runs through %s (%s) answered right but hold an error at %s that the"
              + " caller never saw (a retry or a fallback hid it): %s.",
          hidden,
          runs,
          c,
          through,
          c,
          example);
    }
    return String.format(
        Locale.ROOT,
        "%d of %d runs through %s (%s) hold an error at %s%s: %s.",
        hidden + thrown,
        runs,
        c,
        through,
        c,
        hidden == 0
            ? ", its own code's, in failing runs"
            : String.format(
                Locale.ROOT,
                " (%d failing with its own code's error, %d hidden by a retry or a fallback)",
                thrown,
                hidden),
        example);
  }

  /**
   * Processes burning CPU: a service whose CPU now (the mean of the last seconds) is {@value
   * #CPU_RATIO}× its own usual (the median before) and at least {@value #CPU_CORES} of a core. The
   * ratio: 20 × how many times its usual, at most 200 (a busy process that no request feels is
   * evidence, not proof). What the service depends on gets the square root.
   *
   * @param now service → cores in use now
   * @param usual service → cores usually in use
   * @param dependencies service → what it calls (its databases, caches, queues)
   */
  static List<Anomaly> cpu(
      Map<String, Double> now,
      Map<String, Double> usual,
      Function<String, Set<String>> dependencies) {
    List<Anomaly> out = new ArrayList<>();
    new TreeMap<>(now)
        .forEach(
            (service, cores) -> {
              Double before = usual.get(service);
              if (before == null || cores < CPU_CORES) {
                return;
              }
              double ratio = cores / Math.max(before, 0.01);
              if (ratio < CPU_RATIO) {
                return;
              }
              out.add(
                  new Anomaly(
                      service,
                      Math.min(200, 20 * ratio),
                      dependencies.apply(service),
                      String.format(
                          Locale.ROOT,
                          "%s's process uses %.2f cores, %.0f× its usual %.2f: something in it is"
                              + " burning CPU.",
                          service,
                          cores,
                          ratio,
                          before)));
            });
    return out;
  }
}
