package io.sextant.query;

import java.util.Locale;

/** What a calculation computes over the events of a group. */
public enum Aggregate {
  COUNT(false, 0),
  COUNT_DISTINCT(true, 0),
  SUM(true, 0),
  AVG(true, 0),
  MIN(true, 0),
  MAX(true, 0),
  P50(true, 0.50),
  P75(true, 0.75),
  P90(true, 0.90),
  P95(true, 0.95),
  P99(true, 0.99),
  P999(true, 0.999),
  /** Events per second: the count divided by the seconds of the range or of the time bucket. */
  RATE(false, 0),
  /** Counts in log-scaled buckets of a numeric column over time; answered as a heatmap. */
  HEATMAP(true, 0);

  private final boolean needsColumn;
  private final double quantile;

  Aggregate(boolean needsColumn, double quantile) {
    this.needsColumn = needsColumn;
    this.quantile = quantile;
  }

  public boolean needsColumn() {
    return needsColumn;
  }

  /** The quantile of a percentile (0.99 for P99), or 0 for the others. */
  public double quantile() {
    return quantile;
  }

  public boolean isPercentile() {
    return quantile > 0;
  }

  /** Whether the column must be numeric (MIN and MAX also take times). */
  public boolean needsNumber() {
    return this != COUNT && this != COUNT_DISTINCT && this != RATE;
  }

  /**
   * The lower-case name used in labels and the text syntax: {@code p99}, {@code count_distinct}.
   */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Aggregate parse(String text) {
    String t = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    if (t.equals("DISTINCT") || t.equals("COUNTDISTINCT")) {
      return COUNT_DISTINCT;
    }
    try {
      return valueOf(t);
    } catch (IllegalArgumentException e) {
      throw new QueryException(
          "unknown calculation '"
              + text
              + "'; use count, count_distinct, sum, avg, min, max, p50, p75, p90, p95, p99, p999,"
              + " rate or heatmap");
    }
  }
}
