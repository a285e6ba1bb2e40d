package io.sextant.triage.rank;

import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * The probes' posterior (triage-methods §5.2): over "no fault", each single component and, when the
 * singles did not explain the failures, each pair.
 *
 * @param components the candidate components, sorted
 * @param probes the probes that ran, sorted
 * @param weights {@code weights[p][c]}: probe p's footprint weight on component c
 * @param marginal per component, the posterior mass of every hypothesis containing it
 */
public record Posterior(
    List<String> components,
    List<String> probes,
    double[][] weights,
    double none,
    Map<String, Double> single,
    Map<List<String>, Double> pairs,
    Map<String, Double> marginal) {

  /** The probes that touch component {@code c} (by index) at weight {@code touch} or more. */
  public BitSet signature(int c, double touch) {
    BitSet b = new BitSet(probes.size());
    for (int p = 0; p < probes.size(); p++) {
      if (weights[p][c] >= touch) {
        b.set(p);
      }
    }
    return b;
  }
}
