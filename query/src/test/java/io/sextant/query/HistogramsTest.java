package io.sextant.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistogramsTest {
  static final double[] BOUNDS = {1, 2, 4};

  static HistogramPoint delta(String series, long time, long... counts) {
    return new HistogramPoint(
        List.of(), series, time, 0, false, HistogramBuckets.explicit(BOUNDS, counts, null, 8.0));
  }

  static HistogramPoint cumulative(String series, long start, long time, long... counts) {
    return new HistogramPoint(
        List.of(),
        series,
        time,
        start,
        true,
        HistogramBuckets.explicit(BOUNDS, counts, null, null));
  }

  static Map<String, List<HistogramPoint>> series(HistogramPoint... points) {
    return Histograms.index(List.of(points)).get(List.of());
  }

  @Test
  void percentile_interpolatesWithinTheBucketWhereTheCountIsReached() {
    var s = series(delta("a", 10, 0, 10, 10, 0));
    assertThat(Histograms.quantile(s, 0, 100, 0.5)).isEqualTo(2.0);
    assertThat(Histograms.quantile(s, 0, 100, 0.75)).isEqualTo(3.0);
    // The lowest bucket of a positive bound starts at 0.
    assertThat(Histograms.quantile(series(delta("a", 10, 4, 0, 0, 0)), 0, 100, 0.5)).isEqualTo(0.5);
  }

  @Test
  void percentile_mergesBucketsAcrossSeries_neverAveragesPercentiles() {
    // 99 fast calls on one instance, one slow call on another: the p99 is fast.
    var s = series(delta("a", 10, 0, 99, 0, 0), delta("b", 20, 0, 0, 0, 1));
    assertThat(Histograms.quantile(s, 0, 100, 0.99)).isEqualTo(2.0);
    // The one slow call is the top percent: between 4 and the point's max, 8.
    assertThat(Histograms.quantile(s, 0, 100, 0.995)).isCloseTo(6.0, within(1e-9));
  }

  @Test
  void percentile_ofACumulativeSeries_countsOnlyWhatTheWindowAdded() {
    var s = series(cumulative("a", 1, 10, 0, 5, 0, 0), cumulative("a", 1, 70, 0, 5, 10, 0));
    // [60, 120): the 10 counts between 2 and 4 added since the point at 10.
    assertThat(Histograms.quantile(s, 60, 120, 0.5)).isEqualTo(3.0);
    // A window without a point before it, on a series that started long ago (more than the
    // look-back): only what was added between its first and last point.
    long old = 10 * Histograms.LOOKBACK_NANOS;
    var late =
        series(cumulative("a", 1, old, 0, 5, 0, 0), cumulative("a", 1, old + 60, 0, 5, 0, 2));
    assertThat(Histograms.quantile(late, old, old + 120, 0.5)).isEqualTo(4.0);
    // A series that started within the look-back counts from zero.
    var fresh = series(cumulative("a", old - 5, old + 60, 0, 6, 0, 0));
    assertThat(Histograms.quantile(fresh, old, old + 120, 0.5)).isEqualTo(1.5);
  }

  @Test
  void percentile_ofACumulativeSeriesThatWasReset_countsFromTheReset() {
    var s = series(cumulative("a", 1, 10, 0, 50, 0, 0), cumulative("a", 1, 70, 0, 0, 4, 0));
    assertThat(Histograms.quantile(s, 60, 120, 0.5)).isEqualTo(3.0);
  }

  @Test
  void percentile_ofExponentialHistograms_mergesAcrossScales() {
    // scale 0: bucket 0 is (1, 2]; scale 1: bucket 2 is (2, 2.83].
    HistogramBuckets a =
        HistogramBuckets.exponential(0, 0, 0, 0, new long[] {4}, 0, new long[0], null, null);
    HistogramBuckets b =
        HistogramBuckets.exponential(1, 0, 0, 2, new long[] {4}, 0, new long[0], null, null);
    var s =
        series(
            new HistogramPoint(List.of(), "a", 10, 0, false, a),
            new HistogramPoint(List.of(), "b", 10, 0, false, b));
    assertThat(Histograms.quantile(s, 0, 100, 0.5)).isEqualTo(2.0);
    assertThat(Histograms.quantile(s, 0, 100, 0.25)).isEqualTo(1.5);
    assertThat(Histograms.quantile(s, 0, 100, 1.0)).isCloseTo(Math.sqrt(8), within(1e-12));
  }

  @Test
  void cumulativeExponential_subtractsAfterBringingBothToTheSmallerScale() {
    HistogramBuckets earlier =
        HistogramBuckets.exponential(1, 1, 0, 0, new long[] {2, 2}, 0, new long[0], null, null);
    HistogramBuckets later =
        HistogramBuckets.exponential(0, 3, 0, 0, new long[] {10}, 0, new long[0], null, null);
    var s =
        series(
            new HistogramPoint(List.of(), "a", 10, 1, true, earlier),
            new HistogramPoint(List.of(), "a", 70, 1, true, later));
    // 6 new values in (1, 2] and 2 new zeros.
    assertThat(Histograms.quantile(s, 60, 120, 0.25)).isEqualTo(0.0);
    assertThat(Histograms.quantile(s, 60, 120, 0.625)).isEqualTo(1.5);
  }

  @Test
  void point_readsStoredAttributes_andIgnoresMalformedOnes() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("service.name", "cart");
    f.put("http.route", "/cart");
    f.put("metric.name", "http.server.request.duration");
    f.put("metric.type", "histogram");
    f.put("metric.temporality", "cumulative");
    f.put("metric.start_time", 5L);
    f.put("metric.bucket_bounds", "[0.1,1.0]");
    f.put("metric.bucket_counts", "[1,2,3]");
    f.put("metric.count", 6L);
    HistogramPoint p = HistogramPoint.of(List.of("x"), 9, f);
    assertThat(p.cumulative()).isTrue();
    assertThat(p.series()).contains("http.route=/cart").doesNotContain("metric.count");
    Map<String, Object> g = new LinkedHashMap<>(f);
    g.put("metric.count", 7L);
    assertThat(HistogramPoint.of(List.of("x"), 10, g).series()).isEqualTo(p.series());
    g.put("metric.bucket_counts", "[1,2]");
    assertThat(HistogramPoint.of(List.of("x"), 10, g)).isNull();
    g.put("metric.type", "gauge");
    assertThat(HistogramPoint.of(List.of("x"), 10, g)).isNull();
  }
}
