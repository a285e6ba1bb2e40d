package io.sextant.store.duckdb;

import io.sextant.model.Event;
import io.sextant.model.EventKind;
import io.sextant.model.Resource;
import io.sextant.model.Scope;
import io.sextant.store.duckdb.Schema.Promoted;
import io.sextant.store.spi.FieldType;
import io.sextant.store.spi.JsonText;
import io.sextant.store.spi.PreparedBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.duckdb.DuckDBColumnType;
import org.duckdb.DuckDBWritableVector;

/**
 * A batch of events laid out as columns, the shape DuckDB's table-function API consumes 2,048 rows
 * at a time. Handing DuckDB whole vectors is 3–4× faster than the row appender on this machine
 * (shared/research/ingest-limits.md).
 */
final class StagedBatch implements PreparedBatch {
  final int size;
  final List<Column> columns = new ArrayList<>();

  /** The distinct resources and scopes of the batch, by id, as JSON text. */
  final Map<Long, String> resources = new HashMap<>();

  final Map<Long, String> scopes = new HashMap<>();

  /** Per trace key, the first and last event time of the batch's events of that trace. */
  final Map<Long, long[]> traceWindows = new HashMap<>();

  /**
   * The attribute keys of the batch by tenant, each with the bit set of the value types seen: a
   * tenant's columns are its own (docs/security.md, "Tenants").
   */
  final Map<String, Map<String, Integer>> recordKeys = new HashMap<>();

  final Map<String, Map<String, Integer>> resourceKeys = new HashMap<>();

  // The resources whose keys are counted, per tenant (a resource object may serve two tenants).
  private final Map<String, Set<Resource>> keyedResources = new HashMap<>();

  /** The bit of a value's type in {@link #recordKeys} and {@link #resourceKeys}. */
  static int typeBit(Object value) {
    return 1 << FieldType.of(value).ordinal();
  }

  /** Every this many rows, a row's attributes without a column are counted for learning. */
  static final int SAMPLE_EVERY = 8;

  /** The columns this batch was staged against. */
  final Columns layout;

  /**
   * Of the sampled rows, per attribute key without a column: how many hold a string ({@code [0]})
   * and how many a whole number ({@code [1]}), for {@link ColumnLearner}.
   */
  final Map<String, int[]> unpromoted = new HashMap<>();

  /** The number of rows sampled for {@link #unpromoted}. */
  int sampled;

  /**
   * Stages {@code events}. The batch keeps only its columns, not the events: what waits to be
   * loaded then takes about half the heap (the events' maps and boxed values were most of it, and
   * copying them from one GC generation to the next cost more than the staging, measured).
   */
  StagedBatch(List<Event> events, Columns layout) {
    this.layout = layout;
    size = events.size();
    LongColumn time = longs("time");
    StringColumn kind = strings("kind");
    StringColumn traceId = strings("trace_id");
    StringColumn spanId = strings("span_id");
    StringColumn parent = strings("parent_span_id");
    StringColumn service = strings("service_name");
    StringColumn name = strings("name");
    StringColumn spanKind = strings("span_kind");
    LongColumn duration = longs("duration");
    StringColumn status = strings("status");
    StringColumn statusMessage = strings("status_message");
    LongColumn severity = longs("severity_number");
    StringColumn severityText = strings("severity_text");
    StringColumn body = strings("body");
    BoolColumn error = new BoolColumn("error", size);
    columns.add(error);
    StringColumn traceState = strings("trace_state");
    LongColumn flags = longs("flags");
    List<Promoted> promoted = layout.promoted;
    Column[] promotedColumns = new Column[promoted.size()];
    for (int i = 0; i < promotedColumns.length; i++) {
      promotedColumns[i] =
          promoted.get(i).type() == Schema.Type.LONG ? longs("p" + i) : strings("p" + i);
    }
    StringColumn attributes = strings("attributes");
    LongColumn resourceId = longs("resource_id");
    LongColumn scopeId = longs("scope_id");
    StringColumn spanEvents = strings("span_events");
    StringColumn links = strings("links");
    StringColumn tenant = strings("tenant");

    Map<Resource, Long> resourceIds = new IdentityHashMap<>();
    Map<Resource, String[]> resourceColumns = new IdentityHashMap<>();
    StringBuilder rest = new StringBuilder(256);
    Map<Scope, Long> scopeIds = new IdentityHashMap<>();
    for (int r = 0; r < size; r++) {
      Event e = events.get(r);
      boolean span = e.kind() == EventKind.SPAN;
      time.set(r, e.timeUnixNano());
      kind.values[r] = e.kind().label();
      traceId.values[r] = e.traceId() == null ? null : e.traceId().toHex();
      if (e.traceId() != null) {
        long at = e.timeUnixNano();
        long[] w =
            traceWindows.computeIfAbsent(Schema.traceKey(e.traceId()), k -> new long[] {at, at});
        w[0] = Math.min(w[0], at);
        w[1] = Math.max(w[1], at);
      }
      spanId.values[r] = e.spanId() == null ? null : e.spanId().toHex();
      parent.values[r] = e.parentSpanId() == null ? null : e.parentSpanId().toHex();
      service.values[r] = e.serviceName();
      name.values[r] = e.name();
      error.values[r] = e.isError();
      flags.set(r, e.flags());
      traceState.values[r] = e.traceState().isEmpty() ? null : e.traceState();
      if (span) {
        spanKind.values[r] = e.spanKind().label();
        duration.set(r, e.durationNanos());
        status.values[r] = e.status().label();
        statusMessage.values[r] = e.statusMessage();
      } else if (e.kind() == EventKind.LOG) { // a metric point has neither: all NULL
        severity.set(r, e.severityNumber());
        severityText.values[r] = e.severityText();
        body.values[r] = e.body();
      }
      tenant.values[r] = e.tenant();
      Map<String, Integer> keys = recordKeys.computeIfAbsent(e.tenant(), t -> new HashMap<>());
      if (keyedResources
          .computeIfAbsent(e.tenant(), t -> Collections.newSetFromMap(new IdentityHashMap<>()))
          .add(e.resource())) {
        Map<String, Integer> into = resourceKeys.computeIfAbsent(e.tenant(), t -> new HashMap<>());
        for (Map.Entry<String, Object> a : e.resource().attributes().asMap().entrySet()) {
          into.merge(a.getKey(), typeBit(a.getValue()), (x, y) -> x | y);
        }
      }
      rest.setLength(0);
      boolean sample = r % SAMPLE_EVERY == 0;
      if (sample) {
        sampled++;
      }
      for (Map.Entry<String, Object> a : e.attributes().asMap().entrySet()) {
        keys.merge(a.getKey(), typeBit(a.getValue()), (x, y) -> x | y);
        Integer column = layout.attributeColumns.get(a.getKey());
        if (column == null || !setPromoted(promotedColumns[column], r, a.getValue())) {
          rest.append(rest.isEmpty() ? '{' : ',');
          JsonText.appendMember(rest, a.getKey(), a.getValue());
          if (sample && column == null) {
            count(a.getKey(), a.getValue());
          }
        }
      }
      attributes.values[r] = rest.isEmpty() ? null : rest.append('}').toString();
      String[] fromResource = resourceColumns.computeIfAbsent(e.resource(), this::fromResource);
      for (int i = 0; i < layout.resourceColumns.length; i++) {
        ((StringColumn) promotedColumns[layout.resourceColumns[i]]).values[r] = fromResource[i];
      }
      resourceId.set(r, resourceIds.computeIfAbsent(e.resource(), this::resourceId));
      scopeId.set(r, scopeIds.computeIfAbsent(e.scope(), x -> idInto(scopes, JsonText.scope(x))));
      spanEvents.values[r] = JsonText.spanEvents(e.events());
      links.values[r] = JsonText.links(e.links());
    }
  }

  @Override
  public List<Event> events() {
    throw new UnsupportedOperationException(
        "a staged batch keeps its columns, not its events; only the DuckDB store reads it");
  }

  @Override
  public int size() {
    return size;
  }

  private long resourceId(Resource resource) {
    return idInto(resources, JsonText.attributes(resource.attributes()));
  }

  /**
   * Puts an attribute into its promoted column when the value has the column's type, so the round
   * trip is exact (a string {@code server.port} stays a string, in the JSON); false otherwise.
   */
  private static boolean setPromoted(Column column, int row, Object value) {
    if (column instanceof LongColumn longs && value instanceof Long l) {
      longs.set(row, l);
      return true;
    }
    if (column instanceof StringColumn strings && value instanceof String text) {
      strings.values[row] = text;
      return true;
    }
    return false;
  }

  /** The values of the resource's promoted copies, in {@code layout.resourceColumns} order. */
  private String[] fromResource(Resource resource) {
    String[] out = new String[layout.resourceColumns.length];
    for (int i = 0; i < out.length; i++) {
      out[i] =
          resource.attributes().getString(layout.promoted.get(layout.resourceColumns[i]).key());
    }
    return out;
  }

  /** Counts a value of a key without a column; only strings and whole numbers get columns. */
  private void count(String key, Object value) {
    int type = value instanceof String ? 0 : value instanceof Long ? 1 : -1;
    if (type >= 0) {
      unpromoted.computeIfAbsent(key, k -> new int[2])[type]++;
    }
  }

  private static long idInto(Map<Long, String> texts, String json) {
    long id = Schema.idOf(json);
    texts.put(id, json);
    return id;
  }

  private StringColumn strings(String name) {
    StringColumn c = new StringColumn(name, size);
    columns.add(c);
    return c;
  }

  private LongColumn longs(String name) {
    LongColumn c = new LongColumn(name, size);
    columns.add(c);
    return c;
  }

  /** One staged column: its name and type for the table function, and how to fill a vector. */
  abstract static sealed class Column permits StringColumn, LongColumn, BoolColumn {
    final String name;
    final DuckDBColumnType type;

    Column(String name, DuckDBColumnType type) {
      this.name = name;
      this.type = type;
    }

    abstract void write(DuckDBWritableVector vector, int from, int count);
  }

  static final class StringColumn extends Column {
    final String[] values;

    StringColumn(String name, int size) {
      super(name, DuckDBColumnType.VARCHAR);
      values = new String[size];
    }

    @Override
    void write(DuckDBWritableVector vector, int from, int count) {
      // One JNI call per vector, not one per value.
      vector.setStrings(0, Arrays.copyOfRange(values, from, from + count));
    }
  }

  static final class LongColumn extends Column {
    final long[] values;
    final boolean[] present;

    LongColumn(String name, int size) {
      super(name, DuckDBColumnType.BIGINT);
      values = new long[size];
      present = new boolean[size];
    }

    void set(int row, long value) {
      values[row] = value;
      present[row] = true;
    }

    @Override
    void write(DuckDBWritableVector vector, int from, int count) {
      for (int i = 0; i < count; i++) {
        if (present[from + i]) {
          vector.setLong(i, values[from + i]);
        } else {
          vector.setNull(i);
        }
      }
    }
  }

  static final class BoolColumn extends Column {
    final boolean[] values;

    BoolColumn(String name, int size) {
      super(name, DuckDBColumnType.BOOLEAN);
      values = new boolean[size];
    }

    @Override
    void write(DuckDBWritableVector vector, int from, int count) {
      for (int i = 0; i < count; i++) {
        vector.setBoolean(i, values[from + i]);
      }
    }
  }
}
