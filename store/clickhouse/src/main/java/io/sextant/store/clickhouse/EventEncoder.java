package io.sextant.store.clickhouse;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.EventKind;
import io.sextant.model.Tenant;
import io.sextant.store.clickhouse.Columns.Promoted;
import io.sextant.store.spi.AttributeKey;
import io.sextant.store.spi.FieldType;
import io.sextant.store.spi.JsonText;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Events as the RowBinary rows of one INSERT into {@code events}, in {@link Columns#INSERT} order,
 * with their trace windows for {@code trace_index} and each tenant's attribute keys.
 */
final class EventEncoder {
  private EventEncoder() {}

  // The type codes of attr_types and res_types.
  static final int TYPE_STRING = 0;
  static final int TYPE_LONG = 1;
  static final int TYPE_DOUBLE = 2;
  static final int TYPE_BOOL = 3;

  /**
   * A batch as RowBinary rows, its trace windows and each tenant's attribute keys; and each row's
   * identity (its time and event key) and where it starts in {@code rows}, so that rows already
   * stored can be left out of the INSERT.
   */
  static final class Encoded {
    final RowBinary rows = new RowBinary();
    final RowBinary windows = new RowBinary();
    final Map<String, Set<AttributeKey>> keys = new HashMap<>();
    final long[] times;
    final long[] eventKeys;
    final int[] starts;

    Encoded(int n) {
      times = new long[n];
      eventKeys = new long[n];
      starts = new int[n + 1];
    }

    int count() {
      return times.length;
    }

    /**
     * The rows to insert: each identity once, and none of those in {@code stored}. Returns {@link
     * #rows} itself when that leaves every row.
     */
    RowBinary rowsWithout(Set<Identity> stored) {
      Set<Identity> seen = new HashSet<>();
      boolean all = true;
      boolean[] keep = new boolean[count()];
      for (int i = 0; i < count(); i++) {
        Identity id = new Identity(times[i], eventKeys[i]);
        keep[i] = !stored.contains(id) && seen.add(id);
        all &= keep[i];
      }
      if (all) {
        return rows;
      }
      RowBinary out = new RowBinary();
      for (int i = 0; i < count(); i++) {
        if (keep[i]) {
          out.copy(rows, starts[i], starts[i + 1]);
        }
      }
      return out;
    }
  }

  /**
   * What makes two rows one event: the events table's sorting key ends with time and the event key,
   * and the service is part of what the key hashes.
   */
  record Identity(long time, long eventKey) {}

  private static final Map<String, Promoted> RECORD_COLUMNS = new HashMap<>();

  static {
    for (Promoted p : Columns.PROMOTED) {
      if (!p.fromResource()) {
        RECORD_COLUMNS.put(p.key(), p);
      }
    }
  }

  static Encoded encode(List<Event> batch) {
    Encoded out = new Encoded(batch.size());
    RowBinary row = new RowBinary();
    Map<String, long[]> windows = new LinkedHashMap<>();
    int n = 0;
    for (Event e : batch) {
      if (e == null) {
        throw new IllegalArgumentException("a batch holds a null event");
      }
      row.size = 0;
      encodeRow(e, row, out.keys.computeIfAbsent(e.tenant(), t -> new HashSet<>()));
      long key;
      if (e.kind() == EventKind.SPAN) {
        key =
            RowBinary.mix(
                e.traceId().high()
                    ^ RowBinary.mix(e.traceId().low() ^ RowBinary.mix(e.spanId().value())));
      } else {
        key = row.hash(0, row.size);
      }
      // Another tenant's event with the same ids (or content) is another event. The default
      // tenant's keys are those of the events written before tenants, so a redelivery of one of
      // them still replaces it.
      if (!e.tenant().equals(Tenant.DEFAULT)) {
        key = RowBinary.mix(key ^ RowBinary.hash(e.tenant()));
      }
      out.starts[n] = out.rows.size;
      out.times[n] = e.timeUnixNano();
      out.eventKeys[n] = key;
      n++;
      out.rows.int64(e.timeUnixNano());
      out.rows.int64(key);
      out.rows.ensureAndCopy(row);
      out.rows.string(e.tenant());
      out.starts[n] = out.rows.size;
      if (e.traceId() != null) {
        long at = e.timeUnixNano();
        long[] w = windows.computeIfAbsent(e.traceId().toHex(), k -> new long[] {at, at});
        w[0] = Math.min(w[0], at);
        w[1] = Math.max(w[1], at);
      }
    }
    windows.forEach(
        (id, w) -> {
          out.windows.string(id);
          out.windows.int64(w[0]);
          out.windows.int64(w[1]);
        });
    return out;
  }

  /**
   * Every column after time and the event key and before the tenant, in {@link Columns#INSERT}
   * order.
   */
  private static void encodeRow(Event e, RowBinary r, Set<AttributeKey> keys) {
    boolean span = e.kind() == EventKind.SPAN;
    boolean logRecord = e.kind() == EventKind.LOG;
    r.string(e.kind().label());
    r.nullableString(e.traceId() == null ? null : e.traceId().toHex());
    r.nullableString(e.spanId() == null ? null : e.spanId().toHex());
    r.nullableString(e.parentSpanId() == null ? null : e.parentSpanId().toHex());
    r.string(e.serviceName());
    r.string(e.name());
    r.nullableString(span ? e.spanKind().label() : null);
    r.nullableInt64(span ? e.durationNanos() : null);
    r.nullableString(span ? e.status().label() : null);
    r.nullableString(span ? e.statusMessage() : null);
    r.nullableInt32(logRecord ? e.severityNumber() : null);
    r.nullableString(logRecord ? e.severityText() : null);
    r.nullableString(logRecord ? e.body() : null);
    r.uint8(e.isError() ? 1 : 0);
    r.string(e.traceState());
    r.int32(e.flags());
    Map<String, Object> attributes = e.attributes().asMap();
    Map<String, Object> rest = new LinkedHashMap<>();
    Object[] promoted = new Object[Columns.PROMOTED.size()];
    for (Map.Entry<String, Object> a : attributes.entrySet()) {
      keys.add(
          new AttributeKey(a.getKey(), AttributeKey.Origin.RECORD, FieldType.of(a.getValue())));
      Promoted p = RECORD_COLUMNS.get(a.getKey());
      Object v = a.getValue();
      if (p != null && (p.isLong() ? v instanceof Long : v instanceof String)) {
        promoted[Columns.PROMOTED.indexOf(p)] = v;
      } else {
        rest.put(a.getKey(), v);
      }
    }
    Attributes resource = e.resource().attributes();
    for (Map.Entry<String, Object> a : resource.asMap().entrySet()) {
      keys.add(
          new AttributeKey(a.getKey(), AttributeKey.Origin.RESOURCE, FieldType.of(a.getValue())));
    }
    for (int i = 0; i < promoted.length; i++) {
      Promoted p = Columns.PROMOTED.get(i);
      if (p.fromResource()) {
        r.nullableString(resource.getString(p.key()));
      } else if (p.isLong()) {
        r.nullableInt64((Long) promoted[i]);
      } else {
        r.nullableString((String) promoted[i]);
      }
    }
    arrays(r, rest);
    arrays(r, resource.asMap());
    r.string(JsonText.scope(e.scope()));
    String events = JsonText.spanEvents(e.events());
    r.string(events == null ? "" : events);
    String links = JsonText.links(e.links());
    r.string(links == null ? "" : links);
  }

  /** Keys, type codes, texts and numbers of attributes, as four arrays. */
  private static void arrays(RowBinary r, Map<String, Object> attributes) {
    int n = attributes.size();
    r.varint(n);
    for (String k : attributes.keySet()) {
      r.string(k);
    }
    r.varint(n);
    for (Object v : attributes.values()) {
      r.uint8(
          switch (v) {
            case Long l -> TYPE_LONG;
            case Double d -> TYPE_DOUBLE;
            case Boolean b -> TYPE_BOOL;
            default -> TYPE_STRING;
          });
    }
    r.varint(n);
    for (Object v : attributes.values()) {
      r.string(v.toString());
    }
    r.varint(n);
    for (Object v : attributes.values()) {
      r.nullableFloat64(number(v));
    }
  }

  /** The value as a number the way the query engine reads one (EventFields.as), or null. */
  static Double number(Object v) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof String s) {
      try {
        return Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }
}
