package io.sextant.store.duckdb;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.EventKind;
import io.sextant.model.Resource;
import io.sextant.model.Scope;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.StatusCode;
import io.sextant.model.TraceId;
import io.sextant.store.duckdb.Schema.Promoted;
import io.sextant.store.spi.JsonText;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Turns rows of the events table back into {@link Event}s, exactly as they were written. */
final class EventRows {
  /** The JSON text of a resource or scope by id. */
  interface Texts {
    String of(long id) throws SQLException;
  }

  // Resources and scopes repeat across rows; parse each distinct one once per read.
  private final Map<Long, Resource> resources = new HashMap<>();
  private final Map<Long, Scope> scopes = new HashMap<>();
  private final Texts resourceTexts;
  private final Texts scopeTexts;
  private final Columns columns;

  /** Reads rows selected as {@code columns.rowColumns}. */
  EventRows(Columns columns, Texts resourceTexts, Texts scopeTexts) {
    this.columns = columns;
    this.resourceTexts = resourceTexts;
    this.scopeTexts = scopeTexts;
  }

  Event read(ResultSet rs) throws SQLException {
    EventKind kind = EventKind.fromLabel(rs.getString(2));
    String traceId = rs.getString(3);
    String spanId = rs.getString(4);
    String parent = rs.getString(5);
    Event.Builder b =
        switch (kind) {
          case SPAN -> Event.span(TraceId.fromHex(traceId), SpanId.fromHex(spanId));
          case LOG, METRIC ->
              (kind == EventKind.LOG ? Event.log() : Event.metric())
                  .traceId(traceId == null ? null : TraceId.fromHex(traceId))
                  .spanId(spanId == null ? null : SpanId.fromHex(spanId));
        };
    b.timeUnixNano(rs.getLong(1)).parentSpanId(parent == null ? null : SpanId.fromHex(parent));
    b.name(rs.getString(6));
    if (kind == EventKind.SPAN) {
      b.spanKind(SpanKind.valueOf(rs.getString(7).toUpperCase(Locale.ROOT)))
          .durationNanos(rs.getLong(8))
          .status(StatusCode.valueOf(rs.getString(9).toUpperCase(Locale.ROOT)))
          .statusMessage(rs.getString(10));
    } else if (kind == EventKind.LOG) {
      b.severityNumber(rs.getInt(11)).severityText(rs.getString(12)).body(rs.getString(13));
    }
    b.traceState(rs.getString(14)).flags(rs.getInt(15));
    long resourceId = rs.getLong(16);
    Resource resource = resources.get(resourceId);
    if (resource == null) {
      resource = JsonText.readResource(resourceTexts.of(resourceId));
      resources.put(resourceId, resource);
    }
    long scopeId = rs.getLong(17);
    Scope scope = scopes.get(scopeId);
    if (scope == null) {
      scope = JsonText.readScope(scopeTexts.of(scopeId));
      scopes.put(scopeId, scope);
    }
    b.resource(resource);
    b.scope(scope);
    b.events(JsonText.readSpanEvents(rs.getString(18)));
    b.links(JsonText.readLinks(rs.getString(19)));

    Map<String, Object> attributes = new LinkedHashMap<>();
    JsonText.readAttributesInto(rs.getString(20), attributes);
    int col = 21;
    for (Promoted p : columns.promoted) {
      if (p.fromResource()) {
        continue;
      }
      Object v = p.type() == Schema.Type.LONG ? rs.getObject(col) : rs.getString(col);
      if (v != null) {
        attributes.put(p.key(), v instanceof Number n ? (Object) n.longValue() : v);
      }
      col++;
    }
    return b.attributes(Attributes.of(attributes)).tenant(rs.getString(col)).build();
  }
}
