package io.sextant.query;

import io.sextant.store.spi.FieldType;
import java.util.List;
import java.util.Map;

/**
 * The answer to a {@link Question}: a table with one row per group (breakdown values, then one
 * value per scalar calculation), optionally a time series per group, and one heatmap per {@code
 * heatmap(...)} calculation.
 *
 * <p>Values are {@code String}, {@code Long} (counts, times, numeric columns' min and max), {@code
 * Double}, {@code Boolean}, or null for an absent breakdown value or an empty aggregate.
 */
public record Result(
    List<ResultColumn> columns,
    List<List<Object>> rows,
    Series series,
    List<Heatmap> heatmaps,
    Stats stats) {

  /** A column of the table; {@code calculation} is false for breakdown columns. */
  public record ResultColumn(String name, FieldType type, boolean calculation) {}

  /**
   * Values per time bucket: bucket {@code i} covers [{@code from + i·step}, {@code from +
   * (i+1)·step}).
   */
  public record Series(long fromUnixNano, long stepNanos, int buckets, List<SeriesGroup> groups) {}

  /**
   * One group's series: its breakdown values and, per calculation label, one value per bucket (null
   * where the bucket has no events).
   */
  public record SeriesGroup(List<Object> key, Map<String, List<Number>> values) {}

  /**
   * Counts of a numeric column's values in log-scaled buckets (four per doubling) over time. Values
   * of 0 or below fall in the bucket with {@code low = high = 0}.
   */
  public record Heatmap(String column, long fromUnixNano, long stepNanos, List<Cell> cells) {}

  /** Events whose time is in bucket {@code timeIndex} and value in [{@code low}, {@code high}). */
  public record Cell(int timeIndex, double low, double high, long count) {}

  /** How the answer was computed: rows scanned when known, milliseconds taken, SQL dialect. */
  public record Stats(String engine, long elapsedMillis) {}
}
