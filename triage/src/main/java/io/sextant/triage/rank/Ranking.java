package io.sextant.triage.rank;

import java.util.List;

/**
 * The answer: whether something is wrong, the ranked suspects (components with identical probe
 * signatures form one group), and the evidence behind them in words and in numbers.
 *
 * @param fault false when the probe failures are best explained as flakes (no fault found)
 * @param noFaultProbability the posterior of "nothing is wrong" given the probes alone
 * @param headline one sentence for a tired on-call engineer
 * @param explanation the evidence, one sentence each, strongest first
 */
public record Ranking(
    boolean fault,
    double noFaultProbability,
    String headline,
    List<Suspect> suspects,
    List<String> explanation,
    Matrix matrix,
    List<ErrorOrigin> errorOrigins,
    List<LatencyShift> latencyShifts,
    double analysisMillis) {

  /** The best group's members, or an empty list when no fault was found. */
  public List<String> top() {
    return !fault || suspects.isEmpty() ? List.of() : suspects.get(0).members();
  }

  /**
   * One suspect group.
   *
   * @param members components the probes cannot tell apart, most likely first
   * @param probability the fused probability of the group (summed over its members)
   * @param splitBy a probe that touches some members and not others, or null
   */
  public record Suspect(
      int rank,
      List<String> members,
      double probability,
      Scores scores,
      List<String> why,
      String splitBy) {}

  /**
   * The evidence per source for a group's first member, each in [0, 1]; {@code prior} is the
   * multiplier.
   */
  public record Scores(
      double probes, double errorOrigin, double latency, double traces, double prior) {}

  /**
   * The probe × component table: {@code touches[p][c]} is the share of probe p's healthy traces
   * that touched component c; {@code failed[p]} whether probe p failed now.
   */
  public record Matrix(
      List<String> probes, List<String> components, double[][] touches, boolean[] failed) {}

  /** A component owning deepest error spans: its share of the failing traces, and an example. */
  public record ErrorOrigin(
      String component, double share, int traces, String example, String traceId) {}

  /** A component whose own time on the critical path grew, in ms over its baseline median. */
  public record LatencyShift(String component, double deltaMillis, double z) {}
}
