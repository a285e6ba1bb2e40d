package io.sextant.store.clickhouse;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.EventKind;
import io.sextant.model.Resource;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.StatusCode;
import io.sextant.model.Tenant;
import io.sextant.model.TraceId;
import io.sextant.store.clickhouse.Columns.Promoted;
import io.sextant.store.spi.AttributeKey;
import io.sextant.store.spi.Capabilities;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.FieldType;
import io.sextant.store.spi.Health;
import io.sextant.store.spi.JsonText;
import io.sextant.store.spi.ServiceSummary;
import io.sextant.store.spi.SqlAccess;
import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.StoreStats;
import io.sextant.store.spi.TenantView;
import io.sextant.store.spi.TimeRange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events in a ClickHouse server (18.16 and newer), over HTTP (docs/adr/0015-clickhouse-store.md). A
 * batch is one RowBinary INSERT of one block, which ClickHouse makes visible all at once per day
 * partition. Every row carries a 64-bit event key (a span's trace and span id, any other event's
 * whole content) last in the sorting key of a ReplacingMergeTree, and reads use FINAL: writing the
 * same event again, as a retry or a redelivery does, leaves it counted once.
 *
 * <p>Every row carries its tenant in {@code sextant_tenant}, and a tenant other than the default
 * one is mixed into the event key, so two tenants' events never replace each other; {@link
 * #forTenant} reads with the tenant's condition on every statement, and each tenant's attribute
 * keys are kept apart in {@code tenant_keys}.
 */
public final class ClickHouseEventStore implements EventStore {
  private static final Logger log = LoggerFactory.getLogger(ClickHouseEventStore.class);
  static final long DAY_NANOS = 86_400_000_000_000L;

  /** The schema files, in order; 05-ttl.sql is applied apart, only with a retention. */
  static final List<String> SCHEMA =
      List.of("01-events.sql", "03-trace-index.sql", "04-tenant-keys.sql");

  static final int TYPE_STRING = 0;
  static final int TYPE_LONG = 1;
  static final int TYPE_DOUBLE = 2;
  static final int TYPE_BOOL = 3;

  private final ClickHouseConfig config;
  private final ClickHouseHttp http;

  /** Where the tables holding rows are: the one server, or every shard of the cluster. */
  private final List<ClickHouseHttp> shards;

  /** The suffix of the tables holding rows: "" on one server, "_local" on shards. */
  private final String local;

  private final Object writeLock = new Object();
  // Each tenant's attribute keys: its columns are its own.
  private final Map<String, Set<AttributeKey>> knownKeys = new ConcurrentHashMap<>();
  private final SqlAccess sql = new Sql(LAYOUT);
  private volatile boolean closed;
  private volatile String openError;

  /** While the schema could not be created: when the next call may try again. */
  private long nextSchemaTry;

  private final Object schemaLock = new Object();

  /** How often calls try again to create the schema while ClickHouse cannot be reached. */
  static final Duration SCHEMA_RETRY = Duration.ofSeconds(5);

  private ClickHouseEventStore(ClickHouseConfig config) {
    this.config = config;
    this.http = new ClickHouseHttp(config.url(), config.database(), config.timeout());
    if (config.cluster() == null) {
      this.shards = List.of(http);
      this.local = "";
    } else {
      this.shards =
          config.shards().stream()
              .map(u -> new ClickHouseHttp(u, config.database(), config.timeout()))
              .toList();
      this.local = "_local";
    }
  }

  /** The tables of the schema files, each sharded by this expression in a cluster. */
  private static final Map<String, String> SHARDING =
      Map.of(
          "events", "event_key",
          "trace_index", "cityHash64(trace_id)",
          "tenant_keys", "cityHash64(key)");

  /**
   * Connects, creating the database and tables when missing. A server that cannot be reached is not
   * thrown: {@link #check()} reports it, and every call fails with the reason until the schema is
   * created, which calls try again at most every {@link #SCHEMA_RETRY} (so Sextant started before
   * ClickHouse, or across its restart, needs no restart of its own).
   */
  public static ClickHouseEventStore open(ClickHouseConfig config) {
    ClickHouseEventStore store = new ClickHouseEventStore(config);
    try {
      store.createSchema();
    } catch (StoreException e) {
      store.openError = e.getMessage();
      store.nextSchemaTry = System.nanoTime() + SCHEMA_RETRY.toNanos();
      log.error(
          "store unavailable, trying again every {} s: {}",
          SCHEMA_RETRY.toSeconds(),
          store.openError);
    }
    return store;
  }

  /** Creates the schema if an earlier try failed and the retry interval has passed. */
  private void retrySchema() throws StoreException {
    synchronized (schemaLock) {
      if (openError == null) {
        return;
      }
      long now = System.nanoTime();
      if (now - nextSchemaTry < 0) {
        throw new StoreException(openError);
      }
      nextSchemaTry = now + SCHEMA_RETRY.toNanos();
      try {
        createSchema();
      } catch (StoreException e) {
        openError = e.getMessage();
        throw e;
      }
      openError = null;
    }
  }

  /** A schema file's CREATE TABLE renamed to the table's {@code _local} name. */
  static String localTable(String ddl) {
    for (String table : SHARDING.keySet()) {
      ddl =
          ddl.replace(
              "CREATE TABLE IF NOT EXISTS " + table + " (",
              "CREATE TABLE IF NOT EXISTS " + table + "_local (");
    }
    return ddl;
  }

  /** The text of a schema file, as it is in sql/. */
  static String schemaFile(String name) {
    try (InputStream in = ClickHouseEventStore.class.getResourceAsStream("sql/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing schema file sql/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read schema file sql/" + name, e);
    }
  }

  private void createSchema() throws StoreException {
    if (config.cluster() == null) {
      http.query("CREATE DATABASE IF NOT EXISTS " + config.database(), false);
      for (String file : SCHEMA) {
        http.query(schemaFile(file));
      }
      addTenantColumn(http, "events");
    } else {
      // The same tables, named *_local, on every shard (and on the server of the Distributed
      // tables, which needs their structure); then one Distributed table over each.
      List<ClickHouseHttp> servers = new ArrayList<>(shards);
      servers.add(http);
      for (ClickHouseHttp server : servers) {
        server.query("CREATE DATABASE IF NOT EXISTS " + config.database(), false);
        for (String file : SCHEMA) {
          server.query(localTable(schemaFile(file)));
        }
        addTenantColumn(server, "events_local");
      }
      for (Map.Entry<String, String> t : SHARDING.entrySet()) {
        http.query(
            "CREATE TABLE IF NOT EXISTS "
                + t.getKey()
                + " AS "
                + t.getKey()
                + "_local ENGINE = Distributed("
                + config.cluster()
                + ", "
                + config.database()
                + ", "
                + t.getKey()
                + "_local, "
                + t.getValue()
                + ")");
      }
      addTenantColumn(http, "events");
    }
    migrateKeys();
    readKeys(null).forEach((t, keys) -> keysOf(t).addAll(keys));
    log.info("store opened url={} database={}", config.url(), config.database());
  }

  /**
   * Adds the tenant column to {@code table} when it was made before tenants; its rows are then the
   * default tenant's. Another store opening the same database at once may add it first.
   */
  private void addTenantColumn(ClickHouseHttp server, String table) throws StoreException {
    if (hasColumn(server, table, Columns.TENANT)) {
      return;
    }
    try {
      server.query("ALTER TABLE " + table + " " + Columns.ADD_TENANT);
      log.info("added the tenant column to {} at {}", table, config.url());
    } catch (StoreException e) {
      if (!hasColumn(server, table, Columns.TENANT)) {
        throw e;
      }
    }
  }

  /**
   * Databases made before tenants kept their attribute keys in {@code attribute_keys}, which had no
   * tenant: they become the default tenant's in {@code tenant_keys}, and the old table goes (copied
   * again should dropping it fail; the keys are read DISTINCT).
   */
  private void migrateKeys() throws StoreException {
    if (hasTable(http, "attribute_keys")) {
      http.query(
          "INSERT INTO tenant_keys (tenant, key, origin, type) SELECT "
              + literal(Tenant.DEFAULT)
              + ", key, origin, type FROM attribute_keys");
      http.query("DROP TABLE IF EXISTS attribute_keys");
      log.info("moved the attribute keys into tenant_keys, as the default tenant's");
    }
    if (config.cluster() != null) {
      for (ClickHouseHttp server : shards) {
        server.query("DROP TABLE IF EXISTS attribute_keys_local");
      }
      http.query("DROP TABLE IF EXISTS attribute_keys_local");
    }
  }

  private boolean hasColumn(ClickHouseHttp server, String table, String column)
      throws StoreException {
    return count(
            server,
            "SELECT count() FROM system.columns WHERE database = "
                + literal(config.database())
                + " AND table = "
                + literal(table)
                + " AND name = "
                + literal(column))
        > 0;
  }

  private boolean hasTable(ClickHouseHttp server, String table) throws StoreException {
    return count(
            server,
            "SELECT count() FROM system.tables WHERE database = "
                + literal(config.database())
                + " AND name = "
                + literal(table))
        > 0;
  }

  private static long count(ClickHouseHttp server, String statement) throws StoreException {
    return (Long) select(server, statement).rows.get(0)[0];
  }

  private Set<AttributeKey> keysOf(String tenant) {
    return knownKeys.computeIfAbsent(tenant, t -> ConcurrentHashMap.newKeySet());
  }

  // ---- writes

  @Override
  public void write(List<Event> batch) throws StoreException {
    if (batch.isEmpty()) {
      return;
    }
    Encoded encoded = encode(batch);
    synchronized (writeLock) {
      ensureOpen();
      storeNewKeys(encoded);
      // The trace windows first: a failure in between leaves a harmless window, never an event
      // that cannot be found.
      if (encoded.windows.size > 0) {
        http.insert(
            "trace_index",
            "trace_id, first, last",
            "RowBinary",
            encoded.windows.buf,
            encoded.windows.size);
      }
      http.insert("events", Columns.INSERT, "RowBinary", encoded.rows.buf, encoded.rows.size);
    }
  }

  /** A batch as RowBinary rows, its trace windows and each tenant's attribute keys. */
  static final class Encoded {
    final RowBinary rows = new RowBinary();
    final RowBinary windows = new RowBinary();
    final Map<String, Set<AttributeKey>> keys = new HashMap<>();
  }

  private static final Map<String, Promoted> RECORD_COLUMNS = new HashMap<>();

  static {
    for (Promoted p : Columns.PROMOTED) {
      if (!p.fromResource()) {
        RECORD_COLUMNS.put(p.key(), p);
      }
    }
  }

  static Encoded encode(List<Event> batch) {
    Encoded out = new Encoded();
    RowBinary row = new RowBinary();
    Map<String, long[]> windows = new LinkedHashMap<>();
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
      out.rows.int64(e.timeUnixNano());
      out.rows.int64(key);
      out.rows.ensureAndCopy(row);
      out.rows.string(e.tenant());
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

  private void storeNewKeys(Encoded encoded) throws StoreException {
    RowBinary r = new RowBinary();
    Map<String, List<AttributeKey>> fresh = new HashMap<>();
    encoded.keys.forEach(
        (tenant, keys) -> {
          Set<AttributeKey> known = keysOf(tenant);
          for (AttributeKey k : keys) {
            if (!known.contains(k)) {
              fresh.computeIfAbsent(tenant, t -> new ArrayList<>()).add(k);
              r.string(tenant);
              r.string(k.key());
              r.string(k.origin().name());
              r.string(k.type().name());
            }
          }
        });
    if (!fresh.isEmpty()) {
      http.insert("tenant_keys", "tenant, key, origin, type", "RowBinary", r.buf, r.size);
      fresh.forEach((tenant, keys) -> keysOf(tenant).addAll(keys));
    }
  }

  // ---- reads

  /** The stored attribute keys by tenant: of {@code tenant}, or of every tenant when null. */
  private Map<String, Set<AttributeKey>> readKeys(String tenant) throws StoreException {
    Map<String, Set<AttributeKey>> out = new HashMap<>();
    String statement = "SELECT DISTINCT tenant, key, origin, type FROM tenant_keys";
    if (tenant != null) {
      statement += " WHERE tenant = " + literal(tenant);
    }
    for (Object[] row : select(statement).rows) {
      out.computeIfAbsent((String) row[0], t -> new HashSet<>())
          .add(
              new AttributeKey(
                  (String) row[1],
                  AttributeKey.Origin.valueOf((String) row[2]),
                  FieldType.valueOf((String) row[3])));
    }
    return out;
  }

  @Override
  public List<AttributeKey> attributeKeys() throws StoreException {
    return attributeKeys(null);
  }

  /** The attribute keys of {@code tenant}, or of every tenant when it is null. */
  private List<AttributeKey> attributeKeys(String tenant) throws StoreException {
    ensureOpen();
    // Read from the table, not only remembered: other writers of the same database add keys.
    Set<AttributeKey> all = new HashSet<>();
    if (tenant == null) {
      knownKeys.values().forEach(all::addAll);
    } else {
      all.addAll(knownKeys.getOrDefault(tenant, Set.of()));
    }
    readKeys(tenant).values().forEach(all::addAll);
    List<AttributeKey> out = new ArrayList<>(all);
    out.sort(
        Comparator.comparing(AttributeKey::key)
            .thenComparing(AttributeKey::origin)
            .thenComparing(AttributeKey::type));
    return out;
  }

  private static final String READ_COLUMNS =
      "time, kind, trace_id, span_id, parent_span_id, name, span_kind, duration, status,"
          + " status_message, severity_number, severity_text, body, trace_state, flags, scope,"
          + " span_events, links, attr_keys, attr_types, attr_strs, res_keys, res_types, res_strs";

  /** The condition on the tenant column for reads of {@code tenant} (none when it is null). */
  private static String tenantCondition(String tenant) {
    return tenant == null ? "" : " AND " + Columns.TENANT + " = " + literal(tenant);
  }

  @Override
  public List<Event> trace(TraceId traceId) throws StoreException {
    return trace(null, traceId);
  }

  /**
   * The trace's events of {@code tenant} (of every tenant when null). The trace's time window is
   * every tenant's ({@code trace_index} has no tenant): it only bounds the events read, which then
   * hold the tenant's condition.
   */
  private List<Event> trace(String tenant, TraceId traceId) throws StoreException {
    ensureOpen();
    String id = literal(traceId.toHex());
    TsvRows window = select("SELECT min(first), max(last) FROM trace_index WHERE trace_id = " + id);
    Object[] w = window.rows.get(0);
    if (w[0] == null || ((Long) w[1]) < ((Long) w[0])) {
      return List.of();
    }
    String statement = "SELECT " + READ_COLUMNS;
    for (Promoted p : Columns.PROMOTED) {
      if (!p.fromResource()) {
        statement += ", " + p.column();
      }
    }
    statement +=
        ", "
            + Columns.TENANT
            + " FROM events FINAL WHERE time >= "
            + w[0]
            + " AND time <= "
            + w[1]
            + " AND trace_id = "
            + id
            + tenantCondition(tenant)
            + " ORDER BY time, span_id";
    Map<String, Resource> resources = new HashMap<>();
    Set<String> spans = new HashSet<>();
    Set<Event> events = new LinkedHashSet<>();
    for (Object[] row : select(statement).rows) {
      Event e = read(row, resources);
      // Rows of one span that differ in sorting key (another time) are not merged: once here.
      if (e.kind() == EventKind.SPAN && !spans.add(e.tenant() + '/' + e.spanId().toHex())) {
        continue;
      }
      events.add(e);
    }
    return new ArrayList<>(events);
  }

  private static Event read(Object[] row, Map<String, Resource> resources) {
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

  @Override
  public List<ServiceSummary> services(TimeRange range) throws StoreException {
    return services(null, range);
  }

  private List<ServiceSummary> services(String tenant, TimeRange range) throws StoreException {
    ensureOpen();
    if (range.isEmpty()) {
      return List.of();
    }
    List<ServiceSummary> out = new ArrayList<>();
    for (Object[] row :
        select(
                "SELECT service_name, count() AS n FROM events FINAL WHERE time >= "
                    + range.fromUnixNano()
                    + " AND time < "
                    + range.toUnixNano()
                    + tenantCondition(tenant)
                    + " GROUP BY service_name ORDER BY n DESC, service_name")
            .rows) {
      out.add(new ServiceSummary((String) row[0], (Long) row[1]));
    }
    return out;
  }

  @Override
  public Optional<SqlAccess> sql() {
    return Optional.of(sql);
  }

  private static final SqlAccess.SqlLayout LAYOUT =
      new SqlAccess.SqlLayout(
          "events", Columns.queryColumns(), "e.attr", null, null, "e.res", null);

  /** Read-only SQL for the query engine, in ClickHouse's dialect. */
  private final class Sql implements SqlAccess {
    private final SqlLayout layout;

    Sql(SqlLayout layout) {
      this.layout = layout;
    }

    @Override
    public String dialect() {
      return "clickhouse";
    }

    @Override
    public SqlLayout layout() {
      return layout;
    }

    @Override
    public <T> T select(String statement, List<?> params, RowReader<T> reader)
        throws StoreException {
      ensureOpen();
      TsvRows rows = ClickHouseEventStore.this.select(bind(statement, params));
      try (ResultSet rs = rows.resultSet()) {
        return reader.read(rs);
      } catch (SQLException e) {
        throw new StoreException("reading ClickHouse's answer failed: " + e.getMessage(), e);
      }
    }
  }

  /**
   * {@code statement} with each {@code ?} outside quotes replaced by its parameter as a literal:
   * 18.16 has no query parameters over HTTP. Strings are quoted with every quote and backslash
   * escaped, so a value never becomes SQL.
   */
  static String bind(String statement, List<?> params) {
    StringBuilder out = new StringBuilder(statement.length() + 16 * params.size());
    int next = 0;
    char quote = 0;
    for (int i = 0; i < statement.length(); i++) {
      char c = statement.charAt(i);
      if (quote != 0) {
        out.append(c);
        if (c == '\\' && i + 1 < statement.length()) {
          out.append(statement.charAt(++i));
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"' || c == '`') {
        quote = c;
        out.append(c);
      } else if (c == '?') {
        if (next >= params.size()) {
          throw new IllegalArgumentException("more placeholders than parameters: " + statement);
        }
        out.append(literal(params.get(next++)));
      } else {
        out.append(c);
      }
    }
    if (next != params.size()) {
      throw new IllegalArgumentException("more parameters than placeholders: " + statement);
    }
    return out.toString();
  }

  static String literal(Object v) {
    return switch (v) {
      case null -> "NULL";
      case String s -> {
        StringBuilder b = new StringBuilder("'");
        for (int i = 0; i < s.length(); i++) {
          char c = s.charAt(i);
          if (c == '\'' || c == '\\') {
            b.append('\\');
          }
          b.append(c);
        }
        yield b.append('\'').toString();
      }
      case Boolean b -> b ? "1" : "0";
      case Double d when d.isNaN() -> "nan";
      case Double d when d.isInfinite() -> d > 0 ? "inf" : "-inf";
      case Double d -> Double.toString(d);
      case Float f -> literal(f.doubleValue());
      case Long l -> Long.toString(l);
      case Integer n -> Integer.toString(n);
      default -> throw new IllegalArgumentException("cannot bind a " + v.getClass().getName());
    };
  }

  /** Runs a statement that answers nothing (DDL, OPTIMIZE), in the store's database. */
  void execute(String statement) throws StoreException {
    ensureOpen();
    http.query(statement);
  }

  TsvRows select(String statement) throws StoreException {
    return select(http, statement);
  }

  private static TsvRows select(ClickHouseHttp server, String statement) throws StoreException {
    String text = server.query(statement + " FORMAT TSVWithNamesAndTypes");
    try {
      return TsvRows.parse(text);
    } catch (SQLException e) {
      throw new StoreException("reading ClickHouse's answer failed: " + e.getMessage(), e);
    }
  }

  // ---- retention, stats, health

  @Override
  public long deleteBefore(long cutoffUnixNano) throws StoreException {
    synchronized (writeLock) {
      ensureOpen();
      long n =
          (Long)
              select("SELECT count() FROM events FINAL WHERE time < " + cutoffUnixNano)
                  .rows
                  .get(0)[0];
      // Whole days go as partitions (instant); the rest of the cutoff's day by a mutation, on
      // every server that holds rows.
      long lastWholeDay = Math.floorDiv(cutoffUnixNano, DAY_NANOS) - 1;
      for (ClickHouseHttp shard : shards) {
        for (String table : List.of("events" + local, "trace_index" + local)) {
          for (Object[] row :
              select(
                      shard,
                      "SELECT DISTINCT partition FROM system.parts WHERE active AND database = "
                          + literal(config.database())
                          + " AND table = "
                          + literal(table))
                  .rows) {
            long day = Long.parseLong(((String) row[0]).replace("'", ""));
            if (day <= lastWholeDay) {
              shard.query("ALTER TABLE " + table + " DROP PARTITION " + day);
            }
          }
        }
        Object left =
            select(shard, "SELECT count() FROM events" + local + " WHERE time < " + cutoffUnixNano)
                .rows
                .get(0)[0];
        if ((Long) left > 0) {
          shard.query("ALTER TABLE events" + local + " DELETE WHERE time < " + cutoffUnixNano);
          shard.query("ALTER TABLE trace_index" + local + " DELETE WHERE last < " + cutoffUnixNano);
          awaitMutations(shard);
        }
      }
      return n;
    }
  }

  private void awaitMutations(ClickHouseHttp shard) throws StoreException {
    long deadline = System.nanoTime() + config.timeout().toNanos();
    while (true) {
      long pending =
          (Long)
              select(
                      shard,
                      "SELECT count() FROM system.mutations WHERE is_done = 0 AND database = "
                          + literal(config.database()))
                  .rows
                  .get(0)[0];
      if (pending == 0) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new StoreException("ClickHouse did not finish deleting old events in time");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreException("interrupted while deleting old events", e);
      }
    }
  }

  @Override
  public StoreStats stats() throws StoreException {
    ensureOpen();
    long events = (Long) select("SELECT count() FROM events FINAL").rows.get(0)[0];
    long bytes = 0;
    for (ClickHouseHttp shard : shards) {
      Object b =
          select(
                  shard,
                  "SELECT sum(bytes_on_disk) FROM system.parts WHERE active AND database = "
                      + literal(config.database()))
              .rows
              .get(0)[0];
      bytes += b == null ? 0 : (Long) b;
    }
    return new StoreStats(events, bytes);
  }

  @Override
  public Capabilities capabilities() {
    // Durable against a crash of Sextant or of the ClickHouse process: an INSERT answers after
    // its part is written and renamed into place. 18.16 does not fsync inserts (ADR 0015).
    return new Capabilities(true, true);
  }

  @Override
  public Health check() {
    if (closed) {
      return Health.unhealthy("store is closed");
    }
    try {
      retrySchema();
      http.query("SELECT 1");
      return Health.ok();
    } catch (StoreException e) {
      return Health.unhealthy(e.getMessage());
    }
  }

  private void ensureOpen() throws StoreException {
    if (closed) {
      throw new StoreException("store is closed");
    }
    if (openError != null) {
      retrySchema();
    }
  }

  @Override
  public void close() {
    closed = true;
  }

  /** A tenant's count, with no bytes on disk: the database is not one tenant's. */
  private StoreStats stats(String tenant) throws StoreException {
    ensureOpen();
    return new StoreStats(
        (Long)
            select(
                    "SELECT count() FROM events FINAL WHERE "
                        + Columns.TENANT
                        + " = "
                        + literal(tenant))
                .rows
                .get(0)[0],
        0);
  }

  @Override
  public EventStore forTenant(String tenant) {
    SqlAccess scoped = new Sql(LAYOUT.forTenant(Columns.TENANT, Tenant.check(tenant)));
    return new TenantView(this, tenant) {
      @Override
      public List<Event> trace(TraceId traceId) throws StoreException {
        return ClickHouseEventStore.this.trace(tenant, traceId);
      }

      @Override
      public List<ServiceSummary> services(TimeRange range) throws StoreException {
        return ClickHouseEventStore.this.services(tenant, range);
      }

      @Override
      public List<AttributeKey> attributeKeys() throws StoreException {
        return ClickHouseEventStore.this.attributeKeys(tenant);
      }

      @Override
      public Optional<SqlAccess> sql() {
        return Optional.of(scoped);
      }

      @Override
      public StoreStats stats() throws StoreException {
        return ClickHouseEventStore.this.stats(tenant);
      }
    };
  }
}
