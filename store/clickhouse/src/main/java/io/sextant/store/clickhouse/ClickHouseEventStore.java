package io.sextant.store.clickhouse;

import static io.sextant.store.clickhouse.SqlLiterals.bind;
import static io.sextant.store.clickhouse.SqlLiterals.literal;

import io.sextant.model.Event;
import io.sextant.model.EventKind;
import io.sextant.model.Resource;
import io.sextant.model.Tenant;
import io.sextant.model.TraceId;
import io.sextant.store.clickhouse.Columns.Promoted;
import io.sextant.store.clickhouse.EventEncoder.Encoded;
import io.sextant.store.clickhouse.EventEncoder.Identity;
import io.sextant.store.spi.AttributeKey;
import io.sextant.store.spi.Capabilities;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.FieldType;
import io.sextant.store.spi.Health;
import io.sextant.store.spi.ServiceSummary;
import io.sextant.store.spi.SqlAccess;
import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.StoreStats;
import io.sextant.store.spi.TenantView;
import io.sextant.store.spi.TimeRange;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
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
 * whole content) last in the sorting key of a ReplacingMergeTree. A write leaves out the events
 * already stored (a retry, a redelivery), so each event is stored once and reads need no {@code
 * FINAL}; two writers writing the same event at the same instant are the one case that stores it
 * twice, until ClickHouse merges the parts.
 *
 * <p>Every row carries its tenant in {@code sextant_tenant}, and a tenant other than the default
 * one is mixed into the event key, so two tenants' events never replace each other; {@link
 * #forTenant} reads with the tenant's condition on every statement, and each tenant's attribute
 * keys are kept apart in {@code tenant_keys}.
 */
public final class ClickHouseEventStore implements EventStore {
  private static final Logger log = LoggerFactory.getLogger(ClickHouseEventStore.class);
  static final long DAY_NANOS = 86_400_000_000_000L;

  private final ClickHouseConfig config;
  private final ClickHouseHttp http;
  private final ClickHouseSchema schema;

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
    this.schema = new ClickHouseSchema(config, http, shards);
  }

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

  private void createSchema() throws StoreException {
    schema.create();
    readKeys(null).forEach((t, keys) -> keysOf(t).addAll(keys));
    log.info("store opened url={} database={}", config.url(), config.database());
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
    Encoded encoded = EventEncoder.encode(batch);
    synchronized (writeLock) {
      ensureOpen();
      storeNewKeys(encoded);
      RowBinary rows = encoded.rowsWithout(stored(encoded));
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
      if (rows.size > 0) {
        http.insert("events", Columns.INSERT, "RowBinary", rows.buf, rows.size);
      }
    }
  }

  /** Most time spans one check for stored rows asks about. */
  static final int MAX_SPANS = 32;

  /**
   * The identities of the batch's rows that are already stored: a batch written again after a
   * failure whose outcome was unknown, a writer's redelivery after a crash between the store's
   * write and its offset commit, an export run twice. Writing each event once is what keeps reads
   * free of {@code FINAL} (docs/adr/0015-clickhouse-store.md). Asks for the rows in the batch's
   * time spans only (a batch's events lie close in time: a few narrow spans, each a few granules of
   * each service) and compares their identities here.
   */
  private Set<Identity> stored(Encoded encoded) throws StoreException {
    if (encoded.count() == 0) {
      return Set.of();
    }
    long[] times = encoded.times.clone();
    Arrays.sort(times);
    List<long[]> spans = spans(times, 1_000_000_000L);
    StringBuilder where = new StringBuilder();
    for (long[] span : spans) {
      where.append(where.isEmpty() ? "" : " OR ");
      where.append("(time >= ").append(span[0]).append(" AND time <= ").append(span[1]).append(')');
    }
    Set<Identity> out = new HashSet<>();
    for (Object[] row : select("SELECT time, toInt64(event_key) FROM events WHERE " + where).rows) {
      out.add(new Identity((Long) row[0], (Long) row[1]));
    }
    return out;
  }

  /**
   * Sorted times as at most {@link #MAX_SPANS} spans: times closer than {@code gap} share one, and
   * the gap grows tenfold until the spans are few enough.
   */
  static List<long[]> spans(long[] sorted, long gap) {
    List<long[]> out = new ArrayList<>();
    for (long t : sorted) {
      long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && t - last[1] <= gap) {
        last[1] = t;
      } else {
        out.add(new long[] {t, t});
      }
    }
    return out.size() <= MAX_SPANS ? out : spans(sorted, gap * 10);
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
    String statement = "SELECT " + EventDecoder.READ_COLUMNS;
    for (Promoted p : Columns.PROMOTED) {
      if (!p.fromResource()) {
        statement += ", " + p.column();
      }
    }
    statement +=
        ", "
            + Columns.TENANT
            + " FROM events WHERE time >= "
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
      Event e = EventDecoder.read(row, resources);
      // Rows of one span that differ in sorting key (another time) are not merged: once here.
      if (e.kind() == EventKind.SPAN && !spans.add(e.tenant() + '/' + e.spanId().toHex())) {
        continue;
      }
      events.add(e);
    }
    return new ArrayList<>(events);
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
                "SELECT service_name, count() AS n FROM events WHERE time >= "
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

  /** Runs a statement that answers nothing (DDL, OPTIMIZE), in the store's database. */
  void execute(String statement) throws StoreException {
    ensureOpen();
    http.query(statement);
  }

  TsvRows select(String statement) throws StoreException {
    return http.select(statement);
  }

  // ---- retention, stats, health

  @Override
  public long deleteBefore(long cutoffUnixNano) throws StoreException {
    synchronized (writeLock) {
      ensureOpen();
      long n =
          (Long) select("SELECT count() FROM events WHERE time < " + cutoffUnixNano).rows.get(0)[0];
      // Whole days go as partitions (instant); the rest of the cutoff's day by a mutation, on
      // every server that holds rows.
      long lastWholeDay = Math.floorDiv(cutoffUnixNano, DAY_NANOS) - 1;
      for (ClickHouseHttp shard : shards) {
        for (String table : List.of("events" + local, "trace_index" + local)) {
          for (Object[] row :
              shard.select(
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
            shard.select("SELECT count() FROM events" + local + " WHERE time < " + cutoffUnixNano)
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
              shard.select(
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
    long events = (Long) select("SELECT count() FROM events").rows.get(0)[0];
    long bytes = 0;
    for (ClickHouseHttp shard : shards) {
      Object b =
          shard.select(
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
            select("SELECT count() FROM events WHERE " + Columns.TENANT + " = " + literal(tenant))
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
