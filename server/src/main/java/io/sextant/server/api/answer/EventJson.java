package io.sextant.server.api.answer;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.EventKind;
import io.sextant.model.SpanEvent;
import io.sextant.model.SpanLink;
import java.io.IOException;
import java.util.Map;

/**
 * The API's JSON for an event. Keys follow the event's column names (shared/DESIGN.md); 64-bit
 * nanosecond timestamps are strings, as in OTLP JSON, because JavaScript numbers cannot hold them.
 * Written as it is walked, not as a record: its attributes are data whose keys hold dots, and a
 * trace may hold many thousands of events.
 */
final class EventJson extends StdSerializer<Event> {
  EventJson() {
    super(Event.class);
  }

  @Override
  public void serialize(Event e, JsonGenerator g, SerializerProvider provider) throws IOException {
    g.writeStartObject();
    g.writeStringField("kind", e.kind().label());
    g.writeStringField("time_unix_nano", Long.toString(e.timeUnixNano()));
    field(g, "trace_id", e.traceId() == null ? null : e.traceId().toHex());
    field(g, "span_id", e.spanId() == null ? null : e.spanId().toHex());
    field(g, "parent_span_id", e.parentSpanId() == null ? null : e.parentSpanId().toHex());
    g.writeStringField("service.name", e.serviceName());
    g.writeStringField("name", e.name());
    if (e.kind() == EventKind.SPAN) {
      g.writeStringField("span.kind", e.spanKind().label());
      g.writeNumberField("duration_nanos", e.durationNanos());
      g.writeStringField("status", e.status().label());
      if (!e.statusMessage().isEmpty()) {
        g.writeStringField("status_message", e.statusMessage());
      }
    } else if (e.kind() == EventKind.LOG) { // a metric point's values are its attributes
      g.writeNumberField("severity_number", e.severityNumber());
      g.writeStringField("severity_text", e.severityText());
      field(g, "body", e.body());
    }
    g.writeBooleanField("error", e.isError());
    if (!e.traceState().isEmpty()) {
      g.writeStringField("trace_state", e.traceState());
    }
    if (e.flags() != 0) {
      g.writeNumberField("flags", e.flags());
    }
    g.writeFieldName("attributes");
    attributes(g, e.attributes());
    g.writeFieldName("resource");
    attributes(g, e.resource().attributes());
    g.writeObjectFieldStart("scope");
    g.writeStringField("name", e.scope().name());
    g.writeStringField("version", e.scope().version());
    g.writeFieldName("attributes");
    attributes(g, e.scope().attributes());
    g.writeEndObject();
    if (!e.events().isEmpty()) {
      g.writeArrayFieldStart("events");
      for (SpanEvent ev : e.events()) {
        g.writeStartObject();
        g.writeStringField("time_unix_nano", Long.toString(ev.timeUnixNano()));
        g.writeStringField("name", ev.name());
        g.writeFieldName("attributes");
        attributes(g, ev.attributes());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    if (!e.links().isEmpty()) {
      g.writeArrayFieldStart("links");
      for (SpanLink l : e.links()) {
        g.writeStartObject();
        g.writeStringField("trace_id", l.traceId().toHex());
        g.writeStringField("span_id", l.spanId().toHex());
        if (!l.traceState().isEmpty()) {
          g.writeStringField("trace_state", l.traceState());
        }
        g.writeFieldName("attributes");
        attributes(g, l.attributes());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static void field(JsonGenerator g, String name, String value) throws IOException {
    if (value != null) {
      g.writeStringField(name, value);
    }
  }

  private static void attributes(JsonGenerator g, Attributes attributes) throws IOException {
    g.writeStartObject();
    for (Map.Entry<String, Object> a : attributes.asMap().entrySet()) {
      g.writeFieldName(a.getKey());
      switch (a.getValue()) {
        case String s -> g.writeString(s);
        case Long l -> g.writeNumber(l);
        case Double d -> {
          if (Double.isFinite(d)) {
            g.writeNumber(d);
          } else {
            g.writeString(d.toString());
          }
        }
        case Boolean b -> g.writeBoolean(b);
        default -> g.writeString(a.getValue().toString());
      }
    }
    g.writeEndObject();
  }
}
