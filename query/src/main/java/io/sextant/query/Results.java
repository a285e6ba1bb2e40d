package io.sextant.query;

import io.sextant.query.Plan.BoundCalculation;
import io.sextant.query.Plan.BoundHaving;
import io.sextant.query.Plan.BoundOrder;
import io.sextant.store.spi.FieldType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parts of an answer every engine shapes the same way: its columns, which groups get a series,
 * empty buckets, heatmap cells, which groups a having keeps and in which order rows come, the
 * fields compared to a baseline and the description of columns. Public for the engines in {@code
 * query.sql} and {@code query.memory}; not an API for other modules.
 */
public final class Results {
  /** Series are drawn for at most this many groups: the first rows of the table. */
  static final int MAX_SERIES_GROUPS = 20;

  /** Compare-to-baseline computes on at most this many events per side. */
  public static final int MAX_SAMPLE = 5_000;

  /** Heatmap buckets per doubling of the value. */
  public static final int BUCKETS_PER_DOUBLING = 4;

  private Results() {}

  public static List<Result.ResultColumn> columns(Plan plan) {
    List<Result.ResultColumn> out = new ArrayList<>();
    for (Field f : plan.breakdowns()) {
      out.add(new Result.ResultColumn(f.name(), f.type(), false));
    }
    for (BoundCalculation c : plan.calculations()) {
      FieldType type =
          c.field() != null
                  && c.field().type() == FieldType.TIMESTAMP
                  && (c.aggregate() == Aggregate.MIN || c.aggregate() == Aggregate.MAX)
              ? FieldType.TIMESTAMP
              : FieldType.NUMBER;
      out.add(new Result.ResultColumn(c.label(), type, true));
    }
    return out;
  }

  /** A breakdown value as shown: numbers whole where they can be. */
  public static Object breakdownValue(Field f, Object v) {
    return f.type() == FieldType.NUMBER ? EventFields.display(v) : v;
  }

  public static Set<List<Object>> seriesGroups(Plan plan, List<List<Object>> rows) {
    Set<List<Object>> out = new LinkedHashSet<>();
    int n = plan.breakdowns().size();
    for (List<Object> row : rows) {
      if (out.size() == MAX_SERIES_GROUPS) {
        break;
      }
      out.add(new ArrayList<>(row.subList(0, n)));
    }
    return out;
  }

  /** A bucket with no events: 0 for counts and rates, null (no value) for the rest. */
  public static Number[] emptyBuckets(BoundCalculation c, int buckets) {
    Number[] out = new Number[buckets];
    if (c.aggregate() == Aggregate.COUNT || c.aggregate() == Aggregate.COUNT_DISTINCT) {
      Arrays.fill(out, 0L);
    } else if (c.aggregate() == Aggregate.RATE) {
      Arrays.fill(out, 0.0);
    }
    return out;
  }

  /**
   * The heatmap bucket of {@code v}: floor(log2(v) · 4), or null for 0 and below. Exact powers of
   * two are computed exactly so that every engine puts them in the same bucket.
   */
  public static Integer valueBucket(double v) {
    if (!(v > 0)) {
      return null;
    }
    double log2;
    if (v == Math.rint(v) && v < 9.007199254740992E15 && Long.bitCount((long) v) == 1) {
      log2 = 63 - Long.numberOfLeadingZeros((long) v);
    } else {
      log2 = Math.log(v) / Math.log(2);
    }
    return (int) Math.floor(log2 * BUCKETS_PER_DOUBLING);
  }

  public static Result.Heatmap heatmap(
      BoundCalculation h, long from, long step, Map<List<Integer>, Long> counts) {
    List<Result.Cell> cells = new ArrayList<>();
    counts.forEach(
        (k, n) -> {
          Integer b = k.get(1);
          double low = b == null ? 0 : Math.pow(2, b / (double) BUCKETS_PER_DOUBLING);
          double high = b == null ? 0 : Math.pow(2, (b + 1) / (double) BUCKETS_PER_DOUBLING);
          cells.add(new Result.Cell(k.get(0), low, high, n));
        });
    cells.sort(
        Comparator.comparingInt(Result.Cell::timeIndex).thenComparingDouble(Result.Cell::low));
    return new Result.Heatmap(h.field().name(), from, step, cells);
  }

  /** The fields compare-to-baseline looks at: every field but the per-event identifiers. */
  public static List<Field> comparedFields(Catalog catalog, Filter selection) {
    Set<String> used = new HashSet<>();
    columnsOf(selection, used);
    return catalog.fields().stream()
        .filter(f -> !BubbleUp.SKIPPED.contains(f.name()) && !used.contains(f.name()))
        .toList();
  }

  private static void columnsOf(Filter f, Set<String> into) {
    switch (f) {
      case Filter.And and -> and.filters().forEach(x -> columnsOf(x, into));
      case Filter.Or or -> or.filters().forEach(x -> columnsOf(x, into));
      case Filter.Predicate p -> into.add(p.column());
    }
  }

  /** The share of {@code n} events to sample to keep about {@code target} (1 keeps all). */
  public static double fraction(long n, int target) {
    return n <= target ? 1 : Math.min(1, 1.2 * target / n);
  }

  /** Events sampled to describe the columns. */
  public static final int DESCRIBE_SAMPLE = 10_000;

  public static ColumnInfo.Columns describe(List<Field> fields, List<Object[]> rows, long events) {
    List<ColumnInfo> out = new ArrayList<>();
    for (int f = 0; f < fields.size(); f++) {
      Map<String, Long> counts = new HashMap<>();
      long present = 0;
      for (Object[] r : rows) {
        if (r[f] != null) {
          present++;
          counts.merge(String.valueOf(breakdownValue(fields.get(f), r[f])), 1L, Long::sum);
        }
      }
      List<String> examples =
          counts.entrySet().stream()
              .sorted(
                  Map.Entry.<String, Long>comparingByValue()
                      .reversed()
                      .thenComparing(Map.Entry.comparingByKey()))
              .limit(5)
              .map(Map.Entry::getKey)
              .toList();
      Field field = fields.get(f);
      out.add(
          new ColumnInfo(
              field.name(), field.type(), field.core(), present, counts.size(), examples));
    }
    return new ColumnInfo.Columns(events, rows.size(), out);
  }

  /** Whether {@code row} passes every having of the plan; a group without the value does not. */
  public static boolean keep(Plan plan, List<Object> row) {
    for (BoundHaving h : plan.having()) {
      Object v = row.get(plan.breakdowns().size() + h.index());
      if (v == null) {
        return false;
      }
      double d = ((Number) v).doubleValue();
      boolean ok =
          switch (h.op()) {
            case EQ -> d == h.value();
            case NE -> d != h.value();
            case LT -> d < h.value();
            case LE -> d <= h.value();
            case GT -> d > h.value();
            case GE -> d >= h.value();
            default -> throw new AssertionError(h.op());
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** The question's order, then every breakdown ascending; absent values last either way. */
  public static Comparator<List<Object>> rowOrder(Plan plan) {
    Comparator<List<Object>> order = (a, b) -> 0;
    for (BoundOrder o : plan.orderBy()) {
      order = order.thenComparing(byColumn(o.index(), o.descending()));
    }
    for (int i = 0; i < plan.breakdowns().size(); i++) {
      order = order.thenComparing(byColumn(i, false));
    }
    return order;
  }

  /** Rows by the value at {@code index}; absent values last either way. */
  public static Comparator<List<Object>> byColumn(int index, boolean descending) {
    return (a, b) -> {
      Object x = a.get(index);
      Object y = b.get(index);
      if (x == null || y == null) {
        return x == null ? (y == null ? 0 : 1) : -1;
      }
      int c = compareValues(x, y);
      return descending ? -c : c;
    };
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compareValues(Object x, Object y) {
    if (x instanceof Number a && y instanceof Number b) {
      return Double.compare(a.doubleValue(), b.doubleValue());
    }
    return ((Comparable) x).compareTo(y);
  }
}
