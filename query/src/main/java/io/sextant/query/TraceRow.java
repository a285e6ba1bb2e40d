package io.sextant.query;

import io.sextant.model.Event;
import io.sextant.model.EventKind;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a trace summary needs of one event; both engines summarise through {@link #summarize}.
 * Public for the engines in {@code query.sql} and {@code query.memory}; not an API for other
 * modules.
 */
public record TraceRow(
    boolean span,
    long time,
    long duration,
    boolean hasParent,
    String spanId,
    String service,
    String name,
    boolean error) {

  public static TraceRow of(Event e) {
    boolean span = e.kind() == EventKind.SPAN;
    return new TraceRow(
        span,
        e.timeUnixNano(),
        span ? e.durationNanos() : 0,
        e.parentSpanId() != null,
        e.spanId() == null ? null : e.spanId().toHex(),
        e.serviceName(),
        e.name(),
        e.isError());
  }

  /** Root: the span without a parent, else the earliest span, else the earliest event. */
  public static TraceSummary summarize(String id, List<TraceRow> rows) {
    List<TraceRow> spans = rows.stream().filter(TraceRow::span).toList();
    if (spans.isEmpty()) {
      TraceRow first =
          rows.stream()
              .min(
                  Comparator.comparingLong(TraceRow::time)
                      .thenComparing(TraceRow::service)
                      .thenComparing(TraceRow::name))
              .orElseThrow();
      return new TraceSummary(id, first.service(), first.name(), first.time(), 0, 0, 0);
    }
    TraceRow root =
        spans.stream()
            .min(
                Comparator.comparing(TraceRow::hasParent)
                    .thenComparingLong(TraceRow::time)
                    .thenComparing(TraceRow::spanId))
            .orElseThrow();
    long start = spans.stream().mapToLong(TraceRow::time).min().orElseThrow();
    long end = spans.stream().mapToLong(r -> r.time() + r.duration()).max().orElseThrow();
    Set<String> ids = new HashSet<>();
    Set<String> errors = new HashSet<>();
    for (TraceRow s : spans) {
      ids.add(s.spanId());
      if (s.error()) {
        errors.add(s.spanId());
      }
    }
    return new TraceSummary(
        id, root.service(), root.name(), start, end - start, ids.size(), errors.size());
  }
}
