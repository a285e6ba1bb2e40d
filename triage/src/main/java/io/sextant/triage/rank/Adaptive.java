package io.sextant.triage.rank;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Chooses the next probe to run when the answer is ambiguous (triage-methods §5.2c): the one whose
 * outcome is expected to tell the most about which hypothesis holds, per unit of cost.
 */
public final class Adaptive {
  /** Below this many bits, another probe is not worth its run. */
  public static final double MIN_GAIN = 0.05;

  /** From this probability of the top answer on, no further probe is run. */
  public static final double CONFIDENT = 0.9;

  private Adaptive() {}

  /** How sure the probes are of the current top answer (or of "no fault"). */
  public static double confidence(Posterior post, Ranking r) {
    if (!r.fault()) {
      return post.none();
    }
    double s = 0;
    for (String c : r.top()) {
      s += post.marginal().getOrDefault(c, 0.0);
    }
    return Math.max(s, post.none());
  }

  /**
   * The candidate probe with the highest expected information gain per cost, or null when none
   * gains {@link #MIN_GAIN} bits.
   *
   * @param flakeRates probe → α (absent: 0.02)
   * @param cost probe → cost in seconds (absent: 1)
   */
  public static String next(
      Posterior post,
      Map<String, Map<String, Double>> footprints,
      Map<String, Double> flakeRates,
      Map<String, Double> cost,
      Set<String> candidates,
      Settings settings) {
    String best = null;
    double bestScore = 0;
    for (String p : new TreeSet<>(candidates)) {
      double gain =
          gain(
              post,
              footprints.getOrDefault(p, Map.of()),
              flakeRates.getOrDefault(p, 0.02),
              settings.beta());
      double score = gain / Math.max(0.05, cost.getOrDefault(p, 1.0));
      if (gain >= MIN_GAIN && score > bestScore) {
        bestScore = score;
        best = p;
      }
    }
    return best;
  }

  /**
   * IG(p) = H(P̄) − Σ_H Post(H)·H(P_p(H)), over "no fault", singles and pairs, where a run has
   * three outcomes: it fails; it passes with an error a retry or fallback hid ({@link
   * Anomaly#HIDDEN_WHEN_FAULTY} a run through a faulty component, {@link Anomaly#HIDDEN_USUALLY}
   * otherwise: triage reads passing runs' traces); or it passes clean. Without the middle outcome a
   * probe that passes would tell nothing about a fault no request fails on, and the extra runs
   * would go where failures are likeliest, not where a hidden error could be seen.
   */
  static double gain(Posterior post, Map<String, Double> footprint, double alpha, double beta) {
    double[] mean = new double[3];
    double conditional = 0;
    conditional += post.none() * add(mean, post.none(), alpha, Anomaly.HIDDEN_USUALLY);
    for (Map.Entry<String, Double> e : post.single().entrySet()) {
      double f = footprint.getOrDefault(e.getKey(), 0.0);
      double fail = 1 - (1 - alpha) * (1 - beta * f);
      double hidden = Math.max(Anomaly.HIDDEN_USUALLY, Anomaly.HIDDEN_WHEN_FAULTY * f);
      conditional += e.getValue() * add(mean, e.getValue(), fail, hidden);
    }
    for (Map.Entry<List<String>, Double> e : post.pairs().entrySet()) {
      double survive = 1;
      double clean = 1;
      for (String c : e.getKey()) {
        double f = footprint.getOrDefault(c, 0.0);
        survive *= 1 - beta * f;
        clean *= 1 - Anomaly.HIDDEN_WHEN_FAULTY * f;
      }
      double fail = 1 - (1 - alpha) * survive;
      double hidden = Math.max(Anomaly.HIDDEN_USUALLY, 1 - clean);
      conditional += e.getValue() * add(mean, e.getValue(), fail, hidden);
    }
    return h3(mean[0], mean[1], mean[2]) - conditional;
  }

  /**
   * Adds a hypothesis's outcome distribution (fail; pass with a hidden error; clean pass), weighted
   * by its probability, to {@code mean}, and returns the distribution's entropy.
   */
  private static double add(double[] mean, double weight, double fail, double hiddenWhenPassing) {
    double hidden = (1 - fail) * hiddenWhenPassing;
    double clean = 1 - fail - hidden;
    mean[0] += weight * fail;
    mean[1] += weight * hidden;
    mean[2] += weight * clean;
    return h3(fail, hidden, clean);
  }

  static double h3(double a, double b, double c) {
    return term(a) + term(b) + term(c);
  }

  private static double term(double q) {
    return q <= 0 || q >= 1 ? 0 : -q * log2(q);
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
