package io.sextant.query;

import io.sextant.store.spi.FieldType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A question checked against a {@link Catalog}: every name resolved to a {@link Field}, every value
 * converted to its field's type, every operator and calculation checked to fit its field. Both
 * engines answer a plan, never a raw question, so they refuse the same things the same way.
 *
 * <p>Public for the engines in {@code query.sql} and {@code query.memory}; not an API for other
 * modules.
 */
public record Plan(
    Question question,
    BoundFilter where,
    List<Field> breakdowns,
    List<BoundCalculation> calculations,
    List<BoundCalculation> heatmaps,
    List<BoundHaving> having,
    List<BoundOrder> orderBy,
    long stepNanos) {

  public sealed interface BoundFilter {}

  /** Values are String for strings, Double for numbers, Boolean, Long nanoseconds for times. */
  public record BoundPredicate(Field field, Op op, List<Object> values) implements BoundFilter {}

  public record BoundAnd(List<BoundFilter> filters) implements BoundFilter {}

  public record BoundOr(List<BoundFilter> filters) implements BoundFilter {}

  /** {@code field} is null for count and rate. */
  public record BoundCalculation(Calculation calculation, Field field) {
    public String label() {
      return calculation.label();
    }

    public Aggregate aggregate() {
      return calculation.aggregate();
    }

    /** Whether this is a percentile of histogram metrics, answered by {@link Histograms}. */
    public boolean histogram() {
      return field != null && field.name().equals(Histograms.COLUMN) && !field.core();
    }
  }

  public boolean hasHistograms() {
    return calculations.stream().anyMatch(BoundCalculation::histogram);
  }

  /** {@code index} is into {@link Plan#calculations()}. */
  public record BoundHaving(int index, Op op, double value) {}

  /** {@code index} is into the result row: breakdowns first, then calculations. */
  public record BoundOrder(int index, boolean descending) {}

  /** Nice bucket widths for automatic granularity, smallest first. */
  private static final long[] STEPS = {
    1_000_000_000L,
    5_000_000_000L,
    10_000_000_000L,
    30_000_000_000L,
    60_000_000_000L,
    300_000_000_000L,
    600_000_000_000L,
    900_000_000_000L,
    1_800_000_000_000L,
    3_600_000_000_000L,
    10_800_000_000_000L,
    21_600_000_000_000L,
    43_200_000_000_000L,
    86_400_000_000_000L,
    604_800_000_000_000L
  };

  /** At most this many buckets in a series or heatmap. */
  static final int MAX_BUCKETS = 1_000;

  public static Plan of(Question q, Catalog catalog) {
    BoundFilter where = q.where() == null ? null : bind(q.where(), catalog);
    List<Field> breakdowns = new ArrayList<>();
    for (String b : q.breakdowns()) {
      breakdowns.add(catalog.resolve(b));
    }
    List<BoundCalculation> calcs = new ArrayList<>();
    List<BoundCalculation> heatmaps = new ArrayList<>();
    for (Calculation c : q.calculations()) {
      BoundCalculation bc = bind(c, catalog);
      (c.aggregate() == Aggregate.HEATMAP ? heatmaps : calcs).add(bc);
    }
    List<BoundHaving> having = new ArrayList<>();
    for (Having h : q.having()) {
      int i = indexOf(calcs, h.calculation());
      if (i < 0) {
        throw new QueryException(
            "having "
                + h.calculation().label()
                + " needs that calculation in the question too; add it to the calculations");
      }
      having.add(new BoundHaving(i, h.op(), h.value()));
    }
    List<BoundOrder> orders = new ArrayList<>();
    for (Order o : q.orderBy()) {
      int i = q.breakdowns().indexOf(o.key());
      if (i < 0) {
        for (int c = 0; c < calcs.size(); c++) {
          if (calcs.get(c).label().equals(o.key())) {
            i = breakdowns.size() + c;
          }
        }
      }
      if (i < 0) {
        throw new QueryException(
            "cannot order by '"
                + o.key()
                + "': it is neither a breakdown nor a calculation of the question");
      }
      orders.add(new BoundOrder(i, o.descending()));
    }
    if (orders.isEmpty() && !calcs.isEmpty()) {
      orders.add(new BoundOrder(breakdowns.size(), true));
    }
    long step = 0;
    if (q.series() || !heatmaps.isEmpty()) {
      step = step(q);
    }
    return new Plan(q, where, breakdowns, calcs, heatmaps, having, orders, step);
  }

  /** The bucket width: the question's, or the smallest nice width giving at most 100 buckets. */
  static long step(Question q) {
    long span = Math.max(1, q.range().toUnixNano() - q.range().fromUnixNano());
    if (q.granularityNanos() > 0) {
      if (span / q.granularityNanos() > MAX_BUCKETS) {
        throw new QueryException(
            "granularity is too fine: it gives more than "
                + MAX_BUCKETS
                + " buckets over the range");
      }
      return q.granularityNanos();
    }
    for (long s : STEPS) {
      if (span / s <= 100) {
        return s;
      }
    }
    return Math.max(STEPS[STEPS.length - 1], span / 100);
  }

  public int buckets() {
    long span = question.range().toUnixNano() - question.range().fromUnixNano();
    return (int) Math.max(1, (span + stepNanos - 1) / stepNanos);
  }

  private static int indexOf(List<BoundCalculation> calcs, Calculation c) {
    for (int i = 0; i < calcs.size(); i++) {
      if (calcs.get(i).calculation().equals(c)) {
        return i;
      }
    }
    return -1;
  }

  private static BoundCalculation bind(Calculation c, Catalog catalog) {
    if (c.column() == null) {
      return new BoundCalculation(c, null);
    }
    if (c.column().equals(Histograms.COLUMN)) {
      if (!c.aggregate().isPercentile()) {
        throw new QueryException(
            Histograms.COLUMN
                + " takes only percentiles, p50 to p999, which merge the buckets of histogram"
                + " points; read metric.count, metric.sum or metric.max for the rest");
      }
      return new BoundCalculation(
          c, new Field(Histograms.COLUMN, FieldType.NUMBER, false, Set.of(), Set.of()));
    }
    Field f = catalog.resolve(c.column());
    Aggregate a = c.aggregate();
    boolean fits =
        !a.needsNumber()
            || f.type() == FieldType.NUMBER
            || (f.type() == FieldType.TIMESTAMP && (a == Aggregate.MIN || a == Aggregate.MAX));
    if (!fits) {
      throw new QueryException(
          a.label()
              + " needs a numeric column, but "
              + f.name()
              + " is a "
              + f.type().label()
              + (a == Aggregate.SUM || a == Aggregate.AVG ? "" : "; count_distinct works on any"));
    }
    return new BoundCalculation(c, f);
  }

  private static BoundFilter bind(Filter filter, Catalog catalog) {
    return switch (filter) {
      case Filter.And and ->
          new BoundAnd(and.filters().stream().map(f -> bind(f, catalog)).toList());
      case Filter.Or or -> new BoundOr(or.filters().stream().map(f -> bind(f, catalog)).toList());
      case Filter.Predicate p -> bind(p, catalog);
    };
  }

  private static BoundPredicate bind(Filter.Predicate p, Catalog catalog) {
    Field f = catalog.resolve(p.column());
    FieldType t = f.type();
    if (p.op().isOrdering() && t != FieldType.NUMBER && t != FieldType.TIMESTAMP) {
      throw new QueryException(
          "'"
              + p.op().symbol()
              + "' compares numbers or times, but "
              + f.name()
              + " is a "
              + t.label());
    }
    if ((p.op() == Op.CONTAINS || p.op() == Op.STARTS_WITH) && t != FieldType.STRING) {
      throw new QueryException(
          "'" + p.op().symbol() + "' works on text, but " + f.name() + " is a " + t.label());
    }
    List<Object> values = new ArrayList<>();
    for (Object v : p.values()) {
      values.add(coerce(f, v));
    }
    return new BoundPredicate(f, p.op(), values);
  }

  /** {@code value} as {@code field}'s type, or a QueryException saying why it is not one. */
  static Object coerce(Field field, Object value) {
    if (value == null) {
      throw new QueryException("a filter on " + field.name() + " has no value");
    }
    return switch (field.type()) {
      case STRING -> value instanceof Double d ? JsonNumbers.text(d) : value.toString();
      case NUMBER -> {
        if (value instanceof Number n) {
          yield n.doubleValue();
        }
        if (value instanceof String s) {
          try {
            yield Double.parseDouble(s.trim());
          } catch (NumberFormatException e) {
            // fall through to the message
          }
        }
        throw new QueryException(field.name() + " is a number, and '" + value + "' is not one");
      }
      case BOOL -> {
        if (value instanceof Boolean b) {
          yield b;
        }
        String s = value.toString().trim().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("false")) {
          yield Boolean.valueOf(s);
        }
        throw new QueryException(
            field.name() + " is true or false, and '" + value + "' is neither");
      }
      case TIMESTAMP -> {
        if (value instanceof Long l) {
          yield l;
        }
        if (value instanceof Double d) {
          yield d.longValue();
        }
        try {
          Instant i = Instant.parse(value.toString().trim());
          yield i.getEpochSecond() * 1_000_000_000L + i.getNano();
        } catch (DateTimeParseException e) {
          throw new QueryException(
              field.name()
                  + " is a time; give nanoseconds since the epoch or an ISO-8601 instant such as"
                  + " 2025-01-01T00:00:00Z, not '"
                  + value
                  + "'");
        }
      }
    };
  }
}
