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

  /** IG(p) = h(P̄) − Σ_H Post(H)·h(P_p(H)), over "no fault", singles and pairs. */
  static double gain(Posterior post, Map<String, Double> footprint, double alpha, double beta) {
    double mean = 0;
    double conditional = 0;
    double pNone = alpha;
    mean += post.none() * pNone;
    conditional += post.none() * h(pNone);
    for (Map.Entry<String, Double> e : post.single().entrySet()) {
      double p = 1 - (1 - alpha) * (1 - beta * footprint.getOrDefault(e.getKey(), 0.0));
      mean += e.getValue() * p;
      conditional += e.getValue() * h(p);
    }
    for (Map.Entry<List<String>, Double> e : post.pairs().entrySet()) {
      double survive = 1;
      for (String c : e.getKey()) {
        survive *= 1 - beta * footprint.getOrDefault(c, 0.0);
      }
      double p = 1 - (1 - alpha) * survive;
      mean += e.getValue() * p;
      conditional += e.getValue() * h(p);
    }
    return h(mean) - conditional;
  }

  static double h(double q) {
    if (q <= 0 || q >= 1) {
      return 0;
    }
    return -q * log2(q) - (1 - q) * log2(1 - q);
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
