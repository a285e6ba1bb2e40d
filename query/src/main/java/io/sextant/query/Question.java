package io.sextant.query;

import io.sextant.store.spi.TimeRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A question over the events in a time range: which events ({@code where}), grouped how ({@code
 * breakdowns}), computing what ({@code calculations}), which groups to keep ({@code having}), in
 * which order and how many ({@code orderBy}, {@code limit}), and whether to answer as a time series
 * too, with which bucket width ({@code granularityNanos}, 0 for automatic).
 *
 * <p>No calculation means {@code count()}. No order means the first calculation, largest first.
 */
public record Question(
    TimeRange range,
    Filter where,
    List<String> breakdowns,
    List<Calculation> calculations,
    List<Having> having,
    List<Order> orderBy,
    int limit,
    long granularityNanos,
    boolean series) {

  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 10_000;

  public Question {
    Objects.requireNonNull(range, "range");
    breakdowns = List.copyOf(breakdowns);
    calculations =
        calculations.isEmpty() ? List.of(Calculation.count()) : List.copyOf(calculations);
    having = List.copyOf(having);
    orderBy = List.copyOf(orderBy);
    if (limit <= 0) {
      limit = DEFAULT_LIMIT;
    }
    if (limit > MAX_LIMIT) {
      throw new QueryException("limit " + limit + " is over the maximum of " + MAX_LIMIT);
    }
    if (granularityNanos < 0) {
      throw new QueryException("granularity must be positive");
    }
    if (breakdowns.stream().distinct().count() != breakdowns.size()) {
      throw new QueryException("a column is listed twice in the breakdowns");
    }
  }

  public static Builder over(TimeRange range) {
    return new Builder(range);
  }

  public Builder toBuilder() {
    Builder b = new Builder(range);
    b.where = where;
    b.breakdowns.addAll(breakdowns);
    b.calculations.addAll(calculations);
    b.having.addAll(having);
    b.orderBy.addAll(orderBy);
    b.limit = limit;
    b.granularityNanos = granularityNanos;
    b.series = series;
    return b;
  }

  /** The calculations that give one value per group (all but heatmaps). */
  public List<Calculation> scalarCalculations() {
    return calculations.stream().filter(c -> c.aggregate() != Aggregate.HEATMAP).toList();
  }

  public List<Calculation> heatmaps() {
    return calculations.stream().filter(c -> c.aggregate() == Aggregate.HEATMAP).toList();
  }

  public static final class Builder {
    private TimeRange range;
    private Filter where;
    private final List<String> breakdowns = new ArrayList<>();
    private final List<Calculation> calculations = new ArrayList<>();
    private final List<Having> having = new ArrayList<>();
    private final List<Order> orderBy = new ArrayList<>();
    private int limit;
    private long granularityNanos;
    private boolean series;

    private Builder(TimeRange range) {
      this.range = range;
    }

    public Builder range(TimeRange v) {
      range = v;
      return this;
    }

    public Builder where(Filter v) {
      where = v;
      return this;
    }

    public Builder by(String... columns) {
      breakdowns.addAll(List.of(columns));
      return this;
    }

    public Builder calculate(Calculation... v) {
      calculations.addAll(List.of(v));
      return this;
    }

    public Builder calculate(Aggregate aggregate, String column) {
      calculations.add(new Calculation(aggregate, column));
      return this;
    }

    public Builder having(Having v) {
      having.add(v);
      return this;
    }

    public Builder orderBy(Order v) {
      orderBy.add(v);
      return this;
    }

    public Builder limit(int v) {
      limit = v;
      return this;
    }

    public Builder granularityNanos(long v) {
      granularityNanos = v;
      return this;
    }

    public Builder series(boolean v) {
      series = v;
      return this;
    }

    public Question build() {
      return new Question(
          range, where, breakdowns, calculations, having, orderBy, limit, granularityNanos, series);
    }
  }
}
