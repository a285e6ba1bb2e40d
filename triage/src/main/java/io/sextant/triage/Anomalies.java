package io.sextant.triage;

import io.sextant.triage.rank.Anomaly;
import io.sextant.triage.session.ProbeEvidence;
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
   * Errors hidden inside passing probe runs: for each component owning a root error span in a
   * passing run's trace, the binomial likelihood ratio of the runs touching it, each with (q =
   * {@value Anomaly#HIDDEN_WHEN_FAULTY}) or without such an error, against the share of that
   * probe's healthy traces that held one at it (at least {@value Anomaly#HIDDEN_USUALLY}).
   *
   * @param usualErrors probe → component → share of its healthy traces with an error origin there
   */
  static List<Anomaly> hiddenErrors(
      List<ProbeEvidence.Passed> passed,
      Map<String, Map<String, Double>> footprints,
      double touch,
      Map<String, Map<String, Double>> usualErrors) {
    Map<String, String> example = new TreeMap<>();
    for (ProbeEvidence.Passed r : passed) {
      List<String> origins = r.trace().errorOrigins();
      for (int i = 0; i < origins.size(); i++) {
        example.putIfAbsent(origins.get(i), r.trace().errorDetails().get(i));
      }
    }
    List<Anomaly> out = new ArrayList<>();
    for (var e : example.entrySet()) {
      String c = e.getKey();
      double logLr = 0;
      int runs = 0;
      int hidden = 0;
      Set<String> probes = new LinkedHashSet<>();
      for (ProbeEvidence.Passed r : passed) {
        boolean at = r.trace().errorOrigins().contains(c);
        double w = footprints.getOrDefault(r.probe(), Map.of()).getOrDefault(c, 0.0);
        if (!at && w < touch && !r.trace().components().contains(c)) {
          continue;
        }
        double eps =
            Math.min(
                0.5,
                Math.max(
                    Anomaly.HIDDEN_USUALLY,
                    usualErrors.getOrDefault(r.probe(), Map.of()).getOrDefault(c, 0.0)));
        runs++;
        if (at) {
          hidden++;
          probes.add(r.probe());
          logLr += Math.log(Anomaly.HIDDEN_WHEN_FAULTY / eps);
        } else {
          logLr += Math.log((1 - Anomaly.HIDDEN_WHEN_FAULTY) / (1 - eps));
        }
      }
      double lr = Math.exp(Math.min(logLr, Math.log(Anomaly.MAX_RATIO)));
      if (lr > 1) {
        out.add(
            new Anomaly(
                c,
                lr,
                Set.of(),
                String.format(
                    Locale.ROOT,
                    "%d of %d passing runs through %s (%s) answered right but hold an error at %s"
                        + " that the caller never saw (a retry or a fallback hid it): %s.",
                    hidden,
                    runs,
                    c,
                    String.join(", ", probes),
                    c,
                    e.getValue())));
      }
    }
    return out;
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
