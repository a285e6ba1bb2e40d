package io.sextant.query;

import io.sextant.model.Event;
import io.sextant.query.Plan.BoundCalculation;
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

/** The parts of an answer every engine shapes the same way. */
final class Results {
  /** Series are drawn for at most this many groups: the first rows of the table. */
  static final int MAX_SERIES_GROUPS = 20;

  /** Compare-to-baseline computes on at most this many events per side. */
  static final int MAX_SAMPLE = 5_000;

  /** The modulus of the stable sampling hash: an event is sampled by {@code time mod P}. */
  static final long SAMPLE_MODULUS = 1_000_003;

  /** Heatmap buckets per doubling of the value. */
  static final int BUCKETS_PER_DOUBLING = 4;

  private Results() {}

  static List<Result.ResultColumn> columns(Plan plan) {
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
  static Object breakdownValue(Field f, Object v) {
    return f.type() == FieldType.NUMBER ? EventFields.display(v) : v;
  }

  static Set<List<Object>> seriesGroups(Plan plan, List<List<Object>> rows) {
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
  static Number[] emptyBuckets(BoundCalculation c, int buckets) {
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
  static Integer valueBucket(double v) {
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

  static Result.Heatmap heatmap(
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
  static List<Field> comparedFields(Catalog catalog, Filter selection) {
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
  static double fraction(long n, int target) {
    return n <= target ? 1 : Math.min(1, 1.2 * target / n);
  }

  /** The sampling threshold for a side of {@code n} events: sampled when time mod P is below it. */
  static long sampleThreshold(long n) {
    if (n <= MAX_SAMPLE) {
      return SAMPLE_MODULUS;
    }
    return (long) Math.ceil((double) MAX_SAMPLE / n * SAMPLE_MODULUS);
  }

  static List<Event> sample(List<Event> events, long n) {
    long k = sampleThreshold(n);
    if (k >= SAMPLE_MODULUS) {
      return events;
    }
    return events.stream()
        .filter(e -> Math.floorMod(e.timeUnixNano(), SAMPLE_MODULUS) < k)
        .toList();
  }

  /** Events sampled to describe the columns. */
  static final int DESCRIBE_SAMPLE = 10_000;

  static long describeThreshold(long n) {
    if (n <= DESCRIBE_SAMPLE) {
      return SAMPLE_MODULUS;
    }
    return (long) Math.ceil((double) DESCRIBE_SAMPLE / n * SAMPLE_MODULUS);
  }

  static ColumnInfo.Columns describe(List<Field> fields, List<Object[]> rows, long events) {
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

  static Object[] row(List<Field> fields, Event e) {
    Object[] out = new Object[fields.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = EventFields.value(e, fields.get(i));
    }
    return out;
  }
}
