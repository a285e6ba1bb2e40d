package io.sextant.query;

import io.sextant.store.spi.TimeRange;
import java.util.List;
import java.util.Objects;

/**
 * Compare-to-baseline: among the events of {@code range} matching {@code where}, how does the
 * {@code selection} differ from the rest (the baseline)? The selection is a filter, or a region of
 * a heatmap: a time window and a value range of one numeric column.
 */
public record CompareQuery(TimeRange range, Filter where, Selection selection) {
  public CompareQuery {
    Objects.requireNonNull(range, "range");
    Objects.requireNonNull(selection, "selection");
  }

  /** What is compared against the rest. */
  public sealed interface Selection {}

  /** The events matching {@code filter}. */
  public record FilterSelection(Filter filter) implements Selection {
    public FilterSelection {
      Objects.requireNonNull(filter, "filter");
    }
  }

  /**
   * The events with time in [{@code fromUnixNano}, {@code toUnixNano}) and {@code column} in
   * [{@code low}, {@code high}).
   */
  public record Region(String column, long fromUnixNano, long toUnixNano, double low, double high)
      implements Selection {
    public Region {
      Objects.requireNonNull(column, "column");
      if (toUnixNano <= fromUnixNano || !(high > low)) {
        throw new QueryException("a selected region needs a non-empty time window and value range");
      }
    }

    /** The region as a filter. */
    Filter asFilter() {
      return new Filter.And(
          List.of(
              Filter.Predicate.of("time", Op.GE, fromUnixNano),
              Filter.Predicate.of("time", Op.LT, toUnixNano),
              Filter.Predicate.of(column, Op.GE, low),
              Filter.Predicate.of(column, Op.LT, high)));
    }
  }

  /** The selection as a filter. */
  public Filter selectionFilter() {
    return switch (selection) {
      case FilterSelection f -> f.filter();
      case Region r -> r.asFilter();
    };
  }
}
