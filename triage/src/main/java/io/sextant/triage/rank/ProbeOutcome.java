package io.sextant.triage.rank;

import java.util.ArrayList;
import java.util.List;

/**
 * What the runs of one probe showed now.
 *
 * @param runs how many times it ran in this triage
 * @param failures how many of them broke the contract
 * @param flakeRate α: its failure rate when nothing was wrong ((failures + 1) / (runs + 2) over its
 *     healthy history), clamped to [0.01, 0.3]
 * @param reasons why the failing runs failed, in order
 * @param traceIds the traces of the runs, in order
 */
public record ProbeOutcome(
    String probe,
    int runs,
    int failures,
    double flakeRate,
    List<String> reasons,
    List<String> traceIds) {
  public ProbeOutcome {
    if (runs < 0 || failures < 0 || failures > runs) {
      throw new IllegalArgumentException(
          "probe " + probe + ": " + failures + " failures out of " + runs + " runs");
    }
    flakeRate = Math.max(0.01, Math.min(0.3, flakeRate));
    reasons = List.copyOf(reasons);
    traceIds = List.copyOf(traceIds);
  }

  public static ProbeOutcome of(String probe, int runs, int failures) {
    return new ProbeOutcome(probe, runs, failures, 0.02, List.of(), List.of());
  }

  public boolean failed() {
    return failures * 2 > runs;
  }

  /** Adds further runs of the same probe. */
  public ProbeOutcome plus(ProbeOutcome more) {
    List<String> r = new ArrayList<>(reasons);
    r.addAll(more.reasons);
    List<String> t = new ArrayList<>(traceIds);
    t.addAll(more.traceIds);
    return new ProbeOutcome(probe, runs + more.runs, failures + more.failures, flakeRate, r, t);
  }
}
