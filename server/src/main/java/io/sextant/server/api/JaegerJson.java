package io.sextant.server.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.EventKind;
import io.sextant.model.Resource;
import io.sextant.model.SpanEvent;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.SpanLink;
import io.sextant.model.StatusCode;
import io.sextant.model.TraceId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sextant's events in the JSON of Jaeger's query API (its {@code model/json}): a trace is its
 * spans, each with references, microsecond times, typed tags, logs and a process id, and the
 * processes (service name and resource attributes) the spans point at. Span kind and status become
 * tags as Jaeger's OpenTelemetry translator writes them ({@code span.kind}, {@code
 * otel.status_code}, {@code error}, {@code otel.status_description}); span events and the log
 * records of a span become its logs; links become {@code FOLLOWS_FROM} references.
 */
final class JaegerJson {
  private JaegerJson() {}

  /** Writes one trace object; {@code events} are all the events of trace {@code id}. */
  static void trace(JsonGenerator g, TraceId id, List<Event> events) throws IOException {
    List<Event> spans = new ArrayList<>();
    Map<SpanId, List<Event>> logsBySpan = new HashMap<>();
    for (Event e : events) {
      if (e.kind() == EventKind.SPAN) {
        spans.add(e);
      } else if (e.kind() == EventKind.LOG && e.spanId() != null) {
        logsBySpan.computeIfAbsent(e.spanId(), k -> new ArrayList<>()).add(e);
      }
    }
    // One process per distinct resource, numbered in order of first appearance, as Jaeger does.
    Map<Resource, String> processIds = new LinkedHashMap<>();
    for (Event s : spans) {
      processIds.computeIfAbsent(s.resource(), r -> "p" + (processIds.size() + 1));
    }
    g.writeStartObject();
    g.writeStringField("traceID", id.toHex());
    g.writeArrayFieldStart("spans");
    for (Event s : spans) {
      span(g, s, processIds.get(s.resource()), logsBySpan.getOrDefault(s.spanId(), List.of()));
    }
    g.writeEndArray();
    g.writeObjectFieldStart("processes");
    for (Map.Entry<Resource, String> p : processIds.entrySet()) {
      g.writeObjectFieldStart(p.getValue());
      g.writeStringField("serviceName", p.getKey().serviceName());
      g.writeArrayFieldStart("tags");
      for (Map.Entry<String, Object> a : p.getKey().attributes().asMap().entrySet()) {
        if (!a.getKey().equals(Resource.SERVICE_NAME)) {
          tag(g, a.getKey(), a.getValue());
        }
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndObject();
    g.writeNullField("warnings");
    g.writeEndObject();
  }

  /** How many spans {@code events} holds: what a trace costs in an answer. */
  static int spanCount(List<Event> events) {
    int n = 0;
    for (Event e : events) {
      if (e.kind() == EventKind.SPAN) {
        n++;
      }
    }
    return n;
  }

  private static void span(JsonGenerator g, Event s, String processId, List<Event> logs)
      throws IOException {
    String traceId = s.traceId().toHex();
    g.writeStartObject();
    g.writeStringField("traceID", traceId);
    g.writeStringField("spanID", s.spanId().toHex());
    if (s.flags() != 0) {
      g.writeNumberField("flags", s.flags() & 0xffffffffL);
    }
    g.writeStringField("operationName", s.name());
    g.writeArrayFieldStart("references");
    if (s.parentSpanId() != null) {
      reference(g, "CHILD_OF", traceId, s.parentSpanId().toHex());
    }
    for (SpanLink l : s.links()) {
      reference(g, "FOLLOWS_FROM", l.traceId().toHex(), l.spanId().toHex());
    }
    g.writeEndArray();
    g.writeNumberField("startTime", micros(s.timeUnixNano()));
    g.writeNumberField("duration", micros(s.durationNanos()));
    g.writeArrayFieldStart("tags");
    for (Map.Entry<String, Object> a : s.attributes().asMap().entrySet()) {
      tag(g, a.getKey(), a.getValue());
    }
    if (!s.scope().name().isEmpty()) {
      tag(g, "otel.scope.name", s.scope().name());
    }
    if (!s.scope().version().isEmpty()) {
      tag(g, "otel.scope.version", s.scope().version());
    }
    String kind = kindTag(s.spanKind());
    if (kind != null) {
      tag(g, "span.kind", kind);
    }
    if (s.status() == StatusCode.OK) {
      tag(g, "otel.status_code", "OK");
    } else if (s.status() == StatusCode.ERROR) {
      tag(g, "otel.status_code", "ERROR");
      tag(g, "error", Boolean.TRUE);
    }
    if (!s.statusMessage().isEmpty()) {
      tag(g, "otel.status_description", s.statusMessage());
    }
    if (!s.traceState().isEmpty()) {
      tag(g, "w3c.tracestate", s.traceState());
    }
    g.writeEndArray();
    g.writeArrayFieldStart("logs");
    for (SpanEvent ev : s.events()) {
      g.writeStartObject();
      g.writeNumberField("timestamp", micros(ev.timeUnixNano()));
      g.writeArrayFieldStart("fields");
      tag(g, "event", ev.name());
      fields(g, ev.attributes());
      g.writeEndArray();
      g.writeEndObject();
    }
    for (Event log : logs) {
      g.writeStartObject();
      g.writeNumberField("timestamp", micros(log.timeUnixNano()));
      g.writeArrayFieldStart("fields");
      if (!log.severityText().isEmpty()) {
        tag(g, "level", log.severityText());
      }
      if (log.body() != null) {
        tag(g, "message", log.body());
      }
      fields(g, log.attributes());
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeStringField("processID", processId);
    g.writeNullField("warnings");
    g.writeEndObject();
  }

  /** Jaeger's {@code span.kind} value; internal and unspecified spans carry none, as in Jaeger. */
  static String kindTag(SpanKind kind) {
    return switch (kind) {
      case SERVER, CLIENT, PRODUCER, CONSUMER -> kind.label();
      case INTERNAL, UNSPECIFIED -> null;
    };
  }

  private static void fields(JsonGenerator g, Attributes attributes) throws IOException {
    for (Map.Entry<String, Object> a : attributes.asMap().entrySet()) {
      tag(g, a.getKey(), a.getValue());
    }
  }

  private static void reference(JsonGenerator g, String type, String traceId, String spanId)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("refType", type);
    g.writeStringField("traceID", traceId);
    g.writeStringField("spanID", spanId);
    g.writeEndObject();
  }

  /** A Jaeger key-value with its type: string, bool, int64 or float64. */
  static void tag(JsonGenerator g, String key, Object value) throws IOException {
    g.writeStartObject();
    g.writeStringField("key", key);
    switch (value) {
      case Long l -> {
        g.writeStringField("type", "int64");
        g.writeNumberField("value", l);
      }
      case Double d when Double.isFinite(d) -> {
        g.writeStringField("type", "float64");
        g.writeNumberField("value", d);
      }
      case Boolean b -> {
        g.writeStringField("type", "bool");
        g.writeBooleanField("value", b);
      }
      default -> {
        g.writeStringField("type", "string");
        g.writeStringField("value", String.valueOf(value));
      }
    }
    g.writeEndObject();
  }

  /** Nanoseconds to Jaeger's microseconds, rounded down. */
  static long micros(long nanos) {
    return Math.floorDiv(nanos, 1_000L);
  }
}
