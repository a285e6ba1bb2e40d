package io.sextant.query;

import java.util.List;

/**
 * The answer to a {@link CompareQuery}: the attributes ranked by how much their value shares differ
 * between selection and baseline (shared/research/triage-methods.md §5.6).
 *
 * @param selectionCount events in the selection
 * @param baselineCount events in the baseline
 * @param sampledSelection events of the selection the statistics were computed on
 * @param sampledBaseline events of the baseline the statistics were computed on
 * @param attributes most different first; ID-like attributes (demoted) after the others
 */
public record Comparison(
    long selectionCount,
    long baselineCount,
    long sampledSelection,
    long sampledBaseline,
    List<AttributeDiff> attributes) {

  /**
   * One attribute: {@code score} = max |diff| over its values, {@code tvd} = ½ Σ |diff|; {@code
   * values} most over-represented in the selection first, at most {@link BubbleUp#MAX_VALUES}.
   */
  public record AttributeDiff(
      String key, double score, double tvd, boolean demoted, List<ValueDiff> values) {}

  /**
   * One value of an attribute ("(absent)" when the event lacks it; a bin such as "[10, 20)" for a
   * numeric attribute with many values): counts and shares on each side, {@code diff} = selection
   * share − baseline share, risk ratio, and the Benjamini–Hochberg q-value of the difference.
   * {@code significant} when q ≤ 0.01 and the selection holds at least max(5, 1 %) events with it.
   */
  public record ValueDiff(
      String value,
      long selectionCount,
      double selectionShare,
      long baselineCount,
      double baselineShare,
      double diff,
      double riskRatio,
      double q,
      boolean significant) {}
}
