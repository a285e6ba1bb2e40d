package io.sextant.query;

import io.sextant.model.Event;
import io.sextant.model.EventKind;
import io.sextant.store.spi.FieldType;

/**
 * A field's value on one event, as the stores keep it: what the in-memory engine reads, and what
 * the SQL engines must agree with. Null means the event lacks the field: span-only fields on a log
 * record, log-only fields on a span, both on a metric point, an attribute the event does not carry.
 *
 * <p>Public for the engines in {@code query.sql} and {@code query.memory}; not an API for other
 * modules.
 */
public final class EventFields {
  private EventFields() {}

  public static Object value(Event e, Field f) {
    Object raw = f.core() ? core(e, f.name()) : attribute(e, f);
    return raw == null ? null : as(f.type(), raw);
  }

  private static Object attribute(Event e, Field f) {
    Object v = f.onRecords() ? e.attributes().get(f.name()) : null;
    if (v == null && f.onResources()) {
      v = e.resource().attributes().get(f.name());
    }
    return v;
  }

  /** {@code raw} converted as the SQL engines convert it; null where they give NULL. */
  public static Object as(FieldType type, Object raw) {
    return switch (type) {
      case STRING -> raw instanceof Double d ? JsonNumbers.text(d) : raw.toString();
      case NUMBER -> {
        if (raw instanceof Number n) {
          yield n.doubleValue();
        }
        if (raw instanceof String s) {
          try {
            yield Double.parseDouble(s.trim());
          } catch (NumberFormatException x) {
            yield null;
          }
        }
        yield null;
      }
      case BOOL -> raw instanceof Boolean ? raw : null;
      case TIMESTAMP -> raw instanceof Number n ? n.longValue() : null;
    };
  }

  private static Object core(Event e, String name) {
    boolean span = e.kind() == EventKind.SPAN;
    boolean log = e.kind() == EventKind.LOG; // metric points have neither span nor log fields
    return switch (name) {
      case "time" -> e.timeUnixNano();
      case "kind" -> e.kind().label();
      case "trace_id" -> e.traceId() == null ? null : e.traceId().toHex();
      case "span_id" -> e.spanId() == null ? null : e.spanId().toHex();
      case "parent_span_id" -> e.parentSpanId() == null ? null : e.parentSpanId().toHex();
      case "service.name" -> e.serviceName();
      case "name" -> e.name();
      case "span.kind" -> span ? e.spanKind().label() : null;
      case "duration" -> span ? e.durationNanos() : null;
      case "status" -> span ? e.status().label() : null;
      case "status_message" -> span ? e.statusMessage() : null;
      case "severity_number" -> log ? e.severityNumber() : null;
      case "severity_text" -> log ? e.severityText() : null;
      case "body" -> log ? e.body() : null;
      case "error" -> e.isError();
      default -> throw new IllegalArgumentException("not a core field: " + name);
    };
  }

  /**
   * A numeric breakdown value as shown: a whole number as a Long (so {@code 200}, not {@code
   * 200.0}), anything else as a Double.
   */
  static Object display(Object v) {
    if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15) {
      return d.longValue();
    }
    return v;
  }
}
