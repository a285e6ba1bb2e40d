package io.sextant.query;

import io.sextant.store.spi.TimeRange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Percentiles of histogram metrics ({@code p99(metric.histogram)}): the buckets of every series of
 * a group are merged over a window, then the quantile is interpolated within the bucket where the
 * running count reaches it. Percentiles are never averaged. Both engines hand their histogram
 * points here, so they agree by construction; what they are tested to agree on is which points
 * those are (docs/adr/0017-signals-metrics-slos.md).
 *
 * <p>Public for the engines in {@code query.sql} and {@code query.memory}; not an API for other
 * modules.
 */
public final class Histograms {
  /** The column a percentile of histogram metrics is asked over. */
  static final String COLUMN = "metric.histogram";

  /**
   * How far before a window a cumulative series' previous point is looked for: the counts of the
   * window are the last point's minus that one's.
   */
  static final long LOOKBACK_NANOS = 3_600_000_000_000L;

  private Histograms() {}

  /** The range whose points a question over {@code range} reads: the look-back before it too. */
  public static TimeRange fetchRange(TimeRange range) {
    return new TimeRange(range.fromUnixNano() - LOOKBACK_NANOS, range.toUnixNano());
  }

  /** Sets each row's histogram percentiles, over the question's range. */
  public static void fillRows(
      Plan plan,
      List<List<Object>> rows,
      Map<List<Object>, Map<String, List<HistogramPoint>>> index) {
    int nb = plan.breakdowns().size();
    TimeRange range = plan.question().range();
    for (List<Object> row : rows) {
      Map<String, List<HistogramPoint>> series = index.get(row.subList(0, nb));
      for (int c = 0; c < plan.calculations().size(); c++) {
        Plan.BoundCalculation calc = plan.calculations().get(c);
        if (calc.histogram()) {
          row.set(
              nb + c,
              quantile(
                  series, range.fromUnixNano(), range.toUnixNano(), calc.aggregate().quantile()));
        }
      }
    }
  }

  /** One histogram percentile per time bucket of the question's series. */
  public static Number[] series(Plan plan, Map<String, List<HistogramPoint>> series, double q) {
    long from = plan.question().range().fromUnixNano();
    long to = plan.question().range().toUnixNano();
    long step = plan.stepNanos();
    Number[] out = new Number[plan.buckets()];
    for (int b = 0; b < out.length; b++) {
      long start = from + b * step;
      out[b] = quantile(series, start, Math.min(to, start + step), q);
    }
    return out;
  }

  /**
   * The point's fields for {@link HistogramPoint#of}: the resource's attributes, then {@code
   * columns} (attributes a store keeps in columns of their own), then the point's attributes.
   */
  public static Map<String, Object> fields(
      Map<String, ?> resource, Map<String, ?> columns, Map<String, ?> record) {
    Map<String, Object> out = new HashMap<>(resource);
    columns.forEach(
        (k, v) -> {
          if (v != null) {
            out.put(k, v);
          }
        });
    out.putAll(record);
    return out;
  }

  /** The points by group, then by series, each series in time order. */
  public static Map<List<Object>, Map<String, List<HistogramPoint>>> index(
      List<HistogramPoint> points) {
    List<HistogramPoint> sorted = new ArrayList<>(points);
    sorted.sort(Comparator.comparingLong(HistogramPoint::time));
    Map<List<Object>, Map<String, List<HistogramPoint>>> out = new LinkedHashMap<>();
    for (HistogramPoint p : sorted) {
      out.computeIfAbsent(p.group(), g -> new LinkedHashMap<>())
          .computeIfAbsent(p.series(), s -> new ArrayList<>())
          .add(p);
    }
    return out;
  }

  /**
   * The q-quantile of the measurements the series counted in [from, to), or null when they counted
   * none. Delta points of the window are put together; a cumulative series counts its last point of
   * the window minus its latest point before the window (within {@link #LOOKBACK_NANOS}); without
   * such a point, the whole of its last point when the series started within the look-back, else
   * its last point minus its first of the window.
   */
  static Double quantile(Map<String, List<HistogramPoint>> series, long from, long to, double q) {
    if (series == null) {
      return null;
    }
    List<double[]> ranges = new ArrayList<>();
    for (List<HistogramPoint> points : series.values()) {
      HistogramPoint first = null;
      HistogramPoint last = null;
      HistogramPoint before = null;
      for (HistogramPoint p : points) {
        if (p.time() < from) {
          if (p.time() >= from - LOOKBACK_NANOS) {
            before = p;
          }
        } else if (p.time() < to) {
          if (first == null) {
            first = p;
          }
          last = p;
          if (!p.cumulative() && !p.buckets().ranges(ranges)) {
            return null;
          }
        }
      }
      if (last == null || !last.cumulative()) {
        continue;
      }
      HistogramBuckets counted;
      if (before != null) {
        counted = last.buckets().minus(before.buckets());
      } else if (last.startTime() > 0 && last.startTime() >= from - LOOKBACK_NANOS) {
        counted = last.buckets();
      } else if (first == last) {
        continue;
      } else {
        counted = last.buckets().minus(first.buckets());
      }
      if (counted == null) {
        counted = last.buckets(); // a reset: the counts restarted
      }
      if (!counted.ranges(ranges)) {
        return null;
      }
    }
    return quantile(ranges, q);
  }

  /**
   * The value below which a fraction q of the counts lie, each range's count spread evenly over it
   * (a range with equal ends is a point mass): for ranges that tile the line, as the buckets of
   * histograms with the same bounds do, this is the usual "find the bucket, interpolate within".
   */
  static Double quantile(List<double[]> ranges, double q) {
    double total = 0;
    TreeSet<Double> breaks = new TreeSet<>();
    for (double[] r : ranges) {
      total += r[2];
      breaks.add(r[0]);
      breaks.add(r[1]);
    }
    if (total == 0) {
      return null;
    }
    double target = q * total;
    Double previous = null;
    double below = 0;
    for (double x : breaks) {
      if (previous != null) {
        double left = cdf(ranges, x, false);
        if (target <= left) {
          return left == below
              ? previous
              : previous + (x - previous) * (target - below) / (left - below);
        }
      }
      double at = cdf(ranges, x, true);
      if (target <= at) {
        return x;
      }
      previous = x;
      below = at;
    }
    return breaks.last();
  }

  /** The count at or below x ({@code inclusive}) or strictly below x. */
  private static double cdf(List<double[]> ranges, double x, boolean inclusive) {
    double n = 0;
    for (double[] r : ranges) {
      if (r[1] == r[0]) {
        if (inclusive ? x >= r[0] : x > r[0]) {
          n += r[2];
        }
      } else if (x >= r[1]) {
        n += r[2];
      } else if (x > r[0]) {
        n += r[2] * (x - r[0]) / (r[1] - r[0]);
      }
    }
    return n;
  }
}
