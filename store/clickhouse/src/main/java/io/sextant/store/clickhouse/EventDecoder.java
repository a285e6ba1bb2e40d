package io.sextant.store.clickhouse;

import static io.sextant.store.clickhouse.EventEncoder.TYPE_BOOL;
import static io.sextant.store.clickhouse.EventEncoder.TYPE_DOUBLE;
import static io.sextant.store.clickhouse.EventEncoder.TYPE_LONG;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.EventKind;
import io.sextant.model.Resource;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.StatusCode;
import io.sextant.model.TraceId;
import io.sextant.store.clickhouse.Columns.Promoted;
import io.sextant.store.spi.JsonText;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Events from the rows of a SELECT of {@link #READ_COLUMNS}, then the promoted record columns, then
 * the tenant.
 */
final class EventDecoder {
  private EventDecoder() {}

  static final String READ_COLUMNS =
      "time, kind, trace_id, span_id, parent_span_id, name, span_kind, duration, status,"
          + " status_message, severity_number, severity_text, body, trace_state, flags, scope,"
          + " span_events, links, attr_keys, attr_types, attr_strs, res_keys, res_types, res_strs";

  static Event read(Object[] row, Map<String, Resource> resources) {
    EventKind kind = EventKind.fromLabel((String) row[1]);
    String traceId = (String) row[2];
    String spanId = (String) row[3];
    String parent = (String) row[4];
    Event.Builder b =
        switch (kind) {
          case SPAN -> Event.span(TraceId.fromHex(traceId), SpanId.fromHex(spanId));
          case LOG, METRIC ->
              (kind == EventKind.LOG ? Event.log() : Event.metric())
                  .traceId(traceId == null ? null : TraceId.fromHex(traceId))
                  .spanId(spanId == null ? null : SpanId.fromHex(spanId));
        };
    b.timeUnixNano((Long) row[0]).parentSpanId(parent == null ? null : SpanId.fromHex(parent));
    b.name((String) row[5]);
    if (kind == EventKind.SPAN) {
      b.spanKind(SpanKind.valueOf(((String) row[6]).toUpperCase(Locale.ROOT)))
          .durationNanos((Long) row[7])
          .status(StatusCode.valueOf(((String) row[8]).toUpperCase(Locale.ROOT)))
          .statusMessage((String) row[9]);
    } else if (kind == EventKind.LOG) {
      b.severityNumber(((Long) row[10]).intValue())
          .severityText((String) row[11])
          .body((String) row[12]);
    }
    b.traceState((String) row[13]).flags(((Long) row[14]).intValue());
    b.scope(JsonText.readScope((String) row[15]));
    String events = (String) row[16];
    b.events(JsonText.readSpanEvents(events.isEmpty() ? null : events));
    String links = (String) row[17];
    b.links(JsonText.readLinks(links.isEmpty() ? null : links));
    Map<String, Object> attributes = attributes(row, 18);
    int col = 24;
    for (Promoted p : Columns.PROMOTED) {
      if (!p.fromResource()) {
        Object v = row[col++];
        if (v != null) {
          attributes.put(p.key(), v);
        }
      }
    }
    b.attributes(Attributes.of(attributes)).tenant((String) row[col]);
    String resourceKey = row[21] + "\u0000" + row[22] + "\u0000" + row[23];
    b.resource(
        resources.computeIfAbsent(
            resourceKey, k -> new Resource(Attributes.of(attributes(row, 21)))));
    return b.build();
  }

  /** The attributes from the key, type and text arrays at {@code first}, typed as written. */
  static Map<String, Object> attributes(Object[] row, int first) {
    List<?> keys = (List<?>) row[first];
    List<?> types = (List<?>) row[first + 1];
    List<?> strs = (List<?>) row[first + 2];
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      String s = (String) strs.get(i);
      out.put(
          (String) keys.get(i),
          switch (((Number) types.get(i)).intValue()) {
            case TYPE_LONG -> Long.parseLong(s);
            case TYPE_DOUBLE -> Double.parseDouble(s);
            case TYPE_BOOL -> Boolean.parseBoolean(s);
            default -> s;
          });
    }
    return out;
  }
}
