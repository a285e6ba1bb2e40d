package io.sextant.model;

/**
 * Whether an event came from a span, a log record or a metric data point; the separation is
 * otherwise arbitrary. A metric event is one data point: its values are attributes ({@code value},
 * {@code metric.name}, … see docs/query.md), and it has neither the span fields nor the log fields.
 */
public enum EventKind {
  SPAN,
  LOG,
  METRIC;

  /**
   * The lower-case name used in storage and the API: {@code span}, {@code log} or {@code metric}.
   */
  public String label() {
    return switch (this) {
      case SPAN -> "span";
      case LOG -> "log";
      case METRIC -> "metric";
    };
  }

  public static EventKind fromLabel(String label) {
    return switch (label) {
      case "span" -> SPAN;
      case "log" -> LOG;
      case "metric" -> METRIC;
      default -> throw new IllegalArgumentException("unknown event kind: " + label);
    };
  }
}
