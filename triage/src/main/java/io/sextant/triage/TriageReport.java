package io.sextant.triage;

import io.sextant.triage.rank.Ranking;
import java.util.List;

/**
 * The answer of one triage: what the probes did, the ranking with its explanation, and how long it
 * all took.
 *
 * @param millis from the request to the answer, probes and adaptive probes included
 * @param extraProbes the probes run after the first round to split an ambiguous answer, in order
 */
public record TriageReport(
    long startedUnixNano,
    long millis,
    List<ProbeSummary> probes,
    Ranking ranking,
    List<String> extraProbes,
    List<String> notes) {

  /**
   * One probe's runs in this triage.
   *
   * @param flakeRate α, its failure rate when nothing is wrong, as the ranking used it (what "fails
   *     no more than it usually does" is judged against)
   */
  public record ProbeSummary(
      String name,
      int runs,
      int failures,
      boolean passed,
      List<String> reasons,
      List<String> traceIds,
      List<Double> latencyMillis,
      boolean extra,
      double flakeRate) {}
}
