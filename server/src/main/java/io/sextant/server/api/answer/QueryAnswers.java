package io.sextant.server.api.answer;

import io.sextant.query.ColumnInfo;
import io.sextant.query.Comparison;
import io.sextant.query.TraceSummary;
import java.util.List;

/**
 * The answers of the query routes (docs/api.md, "Query") besides a question's, which is the query
 * {@code Result} itself ({@link ResultJson}).
 */
public final class QueryAnswers {
  private QueryAnswers() {}

  /** {@code POST /api/v1/compare}: how the selection differs from the baseline, by attribute. */
  public record Compare(
      long selectionCount,
      long baselineCount,
      long sampledSelection,
      long sampledBaseline,
      List<AttributeDiff> attributes) {

    public static Compare of(Comparison c) {
      return new Compare(
          c.selectionCount(),
          c.baselineCount(),
          c.sampledSelection(),
          c.sampledBaseline(),
          c.attributes().stream().map(AttributeDiff::of).toList());
    }
  }

  /** One attribute: most over-represented values in the selection first. */
  public record AttributeDiff(
      String key, double score, double tvd, boolean demoted, List<ValueDiff> values) {

    static AttributeDiff of(Comparison.AttributeDiff a) {
      return new AttributeDiff(
          a.key(),
          a.score(),
          a.tvd(),
          a.demoted(),
          a.values().stream()
              .map(
                  v ->
                      new ValueDiff(
                          v.value(),
                          v.selectionCount(),
                          v.selectionShare(),
                          v.baselineCount(),
                          v.baselineShare(),
                          v.diff(),
                          v.riskRatio(),
                          v.q(),
                          v.significant()))
              .toList());
    }
  }

  /** One value of an attribute on each side. */
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

  /** {@code GET /api/v1/columns}: every queryable field, over a sample of the range's events. */
  public record Columns(long events, long sampled, List<Column> columns) {

    public static Columns of(ColumnInfo.Columns c) {
      return new Columns(
          c.events(),
          c.sampled(),
          c.columns().stream()
              .map(
                  i ->
                      new Column(
                          i.name(),
                          i.type().label(),
                          i.core(),
                          i.present(),
                          i.distinct(),
                          i.examples()))
              .toList());
    }
  }

  /** A field: its type, how many sampled events have it, its distinct values and examples. */
  public record Column(
      String name, String type, boolean core, long present, long distinct, List<String> examples) {}

  /** {@code GET /api/v1/traces}: the traces found, most recent first. */
  public record Traces(List<FoundTrace> traces) {

    public static Traces of(List<TraceSummary> found) {
      return new Traces(
          found.stream()
              .map(
                  t ->
                      new FoundTrace(
                          t.traceId(),
                          t.rootService(),
                          t.rootName(),
                          t.startUnixNano(),
                          t.durationNanos(),
                          t.spanCount(),
                          t.errorCount()))
              .toList());
    }
  }

  /** A trace found: its root, when it started, how long it took, its spans and errors. */
  public record FoundTrace(
      String traceId,
      String rootService,
      String rootName,
      long start,
      long duration,
      long spanCount,
      long errorCount) {}
}
