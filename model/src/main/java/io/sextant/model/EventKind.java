package io.sextant.model;

/** Whether an event came from a span or a log record; the separation is otherwise arbitrary. */
public enum EventKind {
  SPAN,
  LOG;

  /** The lower-case name used in storage and the API: {@code span} or {@code log}. */
  public String label() {
    return this == SPAN ? "span" : "log";
  }

  public static EventKind fromLabel(String label) {
    return switch (label) {
      case "span" -> SPAN;
      case "log" -> LOG;
      default -> throw new IllegalArgumentException("unknown event kind: " + label);
    };
  }
}
