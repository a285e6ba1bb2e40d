package io.sextant.query;

import io.sextant.store.spi.FieldType;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One stored histogram data point (explicit-bucket or exponential) as the percentile of a histogram
 * metric needs it: which group of the question it falls in, which series it belongs to, and its
 * buckets. Built from the point's attributes and its resource's, merged into one map, the same way
 * by every engine (docs/adr/0017-signals-metrics-slos.md).
 *
 * <p>Public for the engines in {@code query.sql} and {@code query.memory}; not an API for other
 * modules.
 *
 * @param group the question's breakdown values for this point
 * @param series the identity of the series: metric name, resource and point attributes except the
 *     {@code metric.*} fields, and the start time (a restart starts a new series)
 * @param time the point's time
 * @param startTime {@code metric.start_time}, or 0
 * @param cumulative whether the counts are totals since {@code startTime} (else a delta)
 * @param buckets the counts as ranges
 */
public record HistogramPoint(
    List<Object> group,
    String series,
    long time,
    long startTime,
    boolean cumulative,
    HistogramBuckets buckets) {

  /**
   * The point described by {@code fields} (record and resource attributes, plus promoted columns),
   * or null when it is not a well-formed histogram point.
   */
  public static HistogramPoint of(List<Object> group, long time, Map<String, Object> fields) {
    Object type = fields.get("metric.type");
    HistogramBuckets buckets;
    try {
      if ("histogram".equals(type)) {
        buckets =
            HistogramBuckets.explicit(
                JsonNumbers.doubles(fields.get("metric.bucket_bounds")),
                JsonNumbers.longs(fields.get("metric.bucket_counts")),
                number(fields.get("metric.min")),
                number(fields.get("metric.max")));
      } else if ("exponential_histogram".equals(type)) {
        buckets =
            HistogramBuckets.exponential(
                (int) whole(fields.get("metric.scale")),
                whole(fields.get("metric.zero_count")),
                orZero(number(fields.get("metric.zero_threshold"))),
                (int) whole(fields.get("metric.positive_offset")),
                JsonNumbers.longs(fields.get("metric.positive_bucket_counts")),
                (int) whole(fields.get("metric.negative_offset")),
                JsonNumbers.longs(fields.get("metric.negative_bucket_counts")),
                number(fields.get("metric.min")),
                number(fields.get("metric.max")));
      } else {
        return null;
      }
    } catch (IllegalArgumentException malformed) {
      return null;
    }
    long start = whole(fields.get("metric.start_time"));
    Map<String, String> identity = new TreeMap<>();
    fields.forEach(
        (k, v) -> {
          if (v != null && !k.startsWith("metric.") && !k.equals("value")) {
            identity.put(k, EventFields.as(FieldType.STRING, v).toString());
          }
        });
    identity.put("metric.name", String.valueOf(fields.get("metric.name")));
    identity.put("metric.start_time", Long.toString(start));
    return new HistogramPoint(
        group,
        identity.toString(),
        time,
        start,
        "cumulative".equals(fields.get("metric.temporality")),
        buckets);
  }

  private static Double number(Object v) {
    return v instanceof Number n ? n.doubleValue() : null;
  }

  private static double orZero(Double v) {
    return v == null ? 0 : v;
  }

  private static long whole(Object v) {
    return v instanceof Number n ? n.longValue() : 0;
  }
}
