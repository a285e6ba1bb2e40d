package io.sextant.store.duckdb;

import io.sextant.model.Event;
import io.sextant.model.TraceId;
import io.sextant.store.duckdb.Schema.Promoted;
import io.sextant.store.spi.AttributeKey;
import io.sextant.store.spi.Capabilities;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.FieldType;
import io.sextant.store.spi.Health;
import io.sextant.store.spi.PreparedBatch;
import io.sextant.store.spi.ServiceSummary;
import io.sextant.store.spi.SqlAccess;
import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.StoreStats;
import io.sextant.store.spi.TenantView;
import io.sextant.store.spi.TimeRange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBFunctions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default store: one DuckDB file. Writes go through one connection as one {@code
 * INSERT … SELECT} per batch from the {@link BatchTableFunction}; DuckDB commits (and fsyncs) the
 * statement before it returns, which is what makes {@link #write} durable. Reads use their own
 * connections to the same database and see only committed batches.
 */
public final class DuckDbEventStore implements EventStore {
  private static final Logger log = LoggerFactory.getLogger(DuckDbEventStore.class);

  static final int ROW_GROUP_ROWS = 122_880;
  static final String WAL_LIMIT = "1GB";
  private final DuckDbConfig config;
  private final Object writeLock = new Object();
  private volatile List<StagedBatch> current;
  private DuckDBConnection writer;
  // The promoted columns now: the fixed list and those learned from the data.
  private volatile Columns columns = Columns.FIXED;
  private final ColumnLearner learner;
  private volatile boolean closed;
  private volatile String openError;
  // Each tenant's attribute keys: its columns are its own.
  private final Map<String, Set<AttributeKey>> knownKeys = new ConcurrentHashMap<>();
  private final EventReader reads = new EventReader();
  private final BatchReferences references = new BatchReferences(this::keysOf);
  private final SqlAccess sql = new DuckDbSql(null);
  private long rowsSinceCheckpoint;

  private DuckDbEventStore(DuckDbConfig config) {
    this.config = config.validate();
    this.learner = new ColumnLearner(config.learning());
  }

  /**
   * Opens (creating if needed) the database under {@code config.directory()}. A failure to open is
   * not thrown: {@link #check()} reports it and every call fails with its reason.
   */
  public static DuckDbEventStore open(DuckDbConfig config) {
    DuckDbEventStore store = new DuckDbEventStore(config);
    store.connect();
    return store;
  }

  private void connect() {
    try {
      Files.createDirectories(config.directory());
      writer =
          (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + config.file().toString());
      try (Statement s = writer.createStatement()) {
        s.execute("SET memory_limit = '" + config.memoryLimit().replace("'", "") + "'");
        if (config.threads() > 0) {
          s.execute("SET threads = " + config.threads());
        }
        s.execute("SET checkpoint_threshold = '" + WAL_LIMIT + "'");
        Schema.create(s);
        try (ResultSet rs = s.executeQuery("SELECT tenant, key, origin, type FROM tenant_keys")) {
          while (rs.next()) {
            keysOf(rs.getString(1))
                .add(
                    new AttributeKey(
                        rs.getString(2),
                        AttributeKey.Origin.valueOf(rs.getString(3)),
                        FieldType.valueOf(rs.getString(4))));
          }
        }
        references.load(s);
        columns = Columns.FIXED.plus(Schema.learnedColumns(s));
      }
      DuckDBFunctions.tableFunction()
          .withName(BatchTableFunction.NAME)
          .withFunction(new BatchTableFunction(() -> current))
          .register(writer);
      log.info(
          "store opened file={} learned_columns={}",
          config.file(),
          columns.promoted.stream().filter(Promoted::learned).map(Promoted::key).toList());
    } catch (SQLException | IOException | RuntimeException e) {
      openError = "cannot open DuckDB file " + config.file() + ": " + e.getMessage();
      log.error("store unavailable: {}", openError);
    }
  }

  private Set<AttributeKey> keysOf(String tenant) {
    return knownKeys.computeIfAbsent(tenant, t -> ConcurrentHashMap.newKeySet());
  }

  @Override
  public void write(List<Event> batch) throws StoreException {
    write(batch, null);
  }

  @Override
  public void write(List<Event> batch, long journalPosition) throws StoreException {
    write(batch, Long.valueOf(journalPosition));
  }

  @Override
  public long journalPosition() throws StoreException {
    try (Connection c = reader();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT max(position) FROM journal")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new StoreException("reading the journal position failed: " + e.getMessage(), e);
    }
  }

  /** Builds the batch's columns on the caller's thread; the writer only hands them to DuckDB. */
  @Override
  public PreparedBatch prepare(List<Event> batch) {
    return new StagedBatch(batch, columns);
  }

  @Override
  public void writePrepared(List<PreparedBatch> batches, long journalPosition)
      throws StoreException {
    List<StagedBatch> staged = new ArrayList<>(batches.size());
    for (PreparedBatch b : batches) {
      if (b instanceof StagedBatch s) {
        if (s.size > 0) {
          staged.add(s);
        }
      } else if (!b.events().isEmpty()) {
        staged.add(new StagedBatch(b.events(), columns));
      }
    }
    writeChunks(staged, journalPosition);
  }

  private void write(List<Event> batch, Long journalPosition) throws StoreException {
    if (batch.isEmpty() && journalPosition == null) {
      return;
    }
    writeChunks(
        batch.isEmpty() ? List.of() : List.of(new StagedBatch(batch, columns)), journalPosition);
  }

  private void writeChunks(List<StagedBatch> chunks, Long journalPosition) throws StoreException {
    int size = 0;
    for (StagedBatch c : chunks) {
      size += c.size;
    }
    synchronized (writeLock) {
      ensureOpen();
      // One INSERT takes the chunks of one layout: chunks staged before a column was learned
      // (rare: around a learned column) are inserted by their own, in the same transaction.
      Map<Columns, List<StagedBatch>> byLayout = new LinkedHashMap<>();
      for (StagedBatch c : chunks) {
        byLayout.computeIfAbsent(c.layout, l -> new ArrayList<>()).add(c);
      }
      boolean transaction = journalPosition != null || byLayout.size() > 1;
      try (Statement s = writer.createStatement()) {
        // Resources and scopes first: a crash between the two leaves an unused row, never an
        // event whose resource is missing.
        for (StagedBatch staged : chunks) {
          references.store(writer, staged);
        }
        // The INSERT is one transaction, committed and fsynced before this returns; with a journal
        // position, the position is in the same transaction.
        int rows = 0;
        if (transaction) {
          writer.setAutoCommit(false);
        }
        try {
          for (Map.Entry<Columns, List<StagedBatch>> group : byLayout.entrySet()) {
            current = group.getValue();
            rows += s.executeUpdate(group.getKey().insertSql);
          }
          if (rows != size) {
            throw new StoreException("DuckDB stored " + rows + " rows of a batch of " + size);
          }
          if (journalPosition != null) {
            try (PreparedStatement ps =
                writer.prepareStatement("UPDATE journal SET position = ?")) {
              ps.setLong(1, journalPosition);
              ps.executeUpdate();
            }
          }
          if (transaction) {
            writer.commit();
          }
        } catch (SQLException | StoreException e) {
          if (transaction) {
            writer.rollback();
          }
          throw e;
        } finally {
          if (transaction) {
            writer.setAutoCommit(true);
          }
        }
        rowsSinceCheckpoint += rows;
        if (rowsSinceCheckpoint >= ROW_GROUP_ROWS) {
          checkpoint(s);
        }
        boolean windowFull = false;
        for (StagedBatch c : chunks) {
          windowFull |= learner.observe(c);
        }
        if (windowFull) {
          learn(s);
        }
      } catch (SQLException e) {
        throw new StoreException("writing " + size + " events failed: " + e.getMessage(), e);
      } finally {
        current = null;
      }
    }
  }

  /**
   * Gives the keys the learner picked their columns. After a row group's checkpoint (by default),
   * so a new column starts with a row group. A failed ALTER is logged and the key stays in the
   * attributes object: nothing is lost, the key is only slower to filter on.
   */
  private void learn(Statement s) {
    List<Promoted> added = new ArrayList<>();
    for (Promoted p : learner.decide(columns)) {
      try {
        s.execute(Schema.addColumn(p));
        added.add(p);
        log.info("column learned key={} type={}", p.key(), p.type().sql);
      } catch (SQLException e) {
        log.warn("learning a column failed key={}: {}", p.key(), e.getMessage());
      }
    }
    if (!added.isEmpty()) {
      columns = columns.plus(added);
    }
  }

  private void checkpoint(Statement s) {
    try {
      s.execute("CHECKPOINT");
      rowsSinceCheckpoint = 0;
    } catch (SQLException e) {
      log.warn("checkpoint failed, retried after the next batch: {}", e.getMessage());
    }
  }

  @Override
  public List<AttributeKey> attributeKeys() throws StoreException {
    return attributeKeys(null);
  }

  /** The keys of {@code tenant}, or of every tenant when it is null. */
  private List<AttributeKey> attributeKeys(String tenant) throws StoreException {
    ensureOpen();
    Set<AttributeKey> keys = new HashSet<>();
    if (tenant == null) {
      knownKeys.values().forEach(keys::addAll);
    } else {
      keys.addAll(knownKeys.getOrDefault(tenant, Set.of()));
    }
    List<AttributeKey> out = new ArrayList<>(keys);
    out.sort(
        Comparator.comparing(AttributeKey::key)
            .thenComparing(AttributeKey::origin)
            .thenComparing(AttributeKey::type));
    return out;
  }

  @Override
  public Optional<SqlAccess> sql() {
    return Optional.of(sql);
  }

  /** Read-only SQL on a connection of its own per statement, beside the writer. */
  private final class DuckDbSql implements SqlAccess {
    private final String tenant;

    /** Over every tenant's events when {@code tenant} is null, else over that tenant's only. */
    DuckDbSql(String tenant) {
      this.tenant = tenant;
    }

    @Override
    public String dialect() {
      return "duckdb";
    }

    @Override
    public SqlLayout layout() {
      SqlLayout now = columns.layout;
      return tenant == null ? now : now.forTenant(Schema.TENANT, tenant);
    }

    @Override
    public <T> T select(String statement, List<?> params, RowReader<T> reader)
        throws StoreException {
      try (Connection c = reader();
          PreparedStatement ps = c.prepareStatement(statement)) {
        for (int i = 0; i < params.size(); i++) {
          ps.setObject(i + 1, params.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          return reader.read(rs);
        }
      } catch (SQLException e) {
        throw new StoreException("query failed: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public List<Event> trace(TraceId traceId) throws StoreException {
    return trace(null, traceId);
  }

  private List<Event> trace(String tenant, TraceId traceId) throws StoreException {
    try (Connection c = reader()) {
      return reads.trace(c, columns, tenant, traceId);
    } catch (SQLException e) {
      throw new StoreException("reading trace " + traceId + " failed: " + e.getMessage(), e);
    }
  }

  /** Where {@link #readAll} hands its batches. */
  @FunctionalInterface
  public interface Batches {
    void accept(List<Event> events) throws InterruptedException;
  }

  /**
   * Every stored event, of every tenant, in time order, in batches of at most {@code batchEvents}
   * (for {@code sextant export}). Rows a retried write stored twice come twice; a store that counts
   * by identity (ClickHouse) keeps them once. The file is read one time window at a time, sized for
   * about {@code batchEvents} events at the file's average rate, so memory is bounded by the
   * busiest window rather than by the file. Returns how many events were handed over.
   */
  public long readAll(int batchEvents, Batches batches)
      throws StoreException, InterruptedException {
    if (batchEvents < 1) {
      throw new IllegalArgumentException("batchEvents must be positive");
    }
    try (Connection c = reader()) {
      return reads.readAll(c, columns, batchEvents, batches);
    } catch (SQLException e) {
      throw new StoreException("reading the events failed: " + e.getMessage(), e);
    }
  }

  @Override
  public List<ServiceSummary> services(TimeRange range) throws StoreException {
    return services(null, range);
  }

  private List<ServiceSummary> services(String tenant, TimeRange range) throws StoreException {
    if (range.isEmpty()) {
      return List.of();
    }
    String sql =
        "SELECT \"service.name\", count(*) AS n FROM events WHERE time >= ? AND time < ?"
            + Schema.tenantCondition(tenant)
            + " GROUP BY 1 ORDER BY n DESC, 1";
    try (Connection c = reader();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, range.fromUnixNano());
      ps.setLong(2, range.toUnixNano());
      if (tenant != null) {
        ps.setString(3, tenant);
      }
      List<ServiceSummary> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new ServiceSummary(rs.getString(1), rs.getLong(2)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("listing services failed: " + e.getMessage(), e);
    }
  }

  @Override
  public long deleteBefore(long cutoffUnixNano) throws StoreException {
    try (Connection c = reader();
        PreparedStatement ps = c.prepareStatement("DELETE FROM events WHERE time < ?");
        PreparedStatement index = c.prepareStatement("DELETE FROM trace_index WHERE last < ?")) {
      ps.setLong(1, cutoffUnixNano);
      long deleted = ps.executeLargeUpdate();
      index.setLong(1, cutoffUnixNano);
      index.executeLargeUpdate();
      return deleted;
    } catch (SQLException e) {
      throw new StoreException("deleting old events failed: " + e.getMessage(), e);
    }
  }

  /**
   * Retention with the Parquet archive on (docs/adr/0020-parquet-archive.md): moves every event
   * older than {@code cutoffUnixNano} into the archive under {@code archive} ({@link
   * ArchiveMove#run}). Returns how many events moved.
   */
  public long archiveBefore(long cutoffUnixNano, Path archive) throws StoreException {
    try (Connection c = reader()) {
      return ArchiveMove.run(c, archive.toAbsolutePath(), cutoffUnixNano, columns, this::keysLines);
    } catch (SQLException e) {
      throw new StoreException("moving old events to the archive failed: " + e.getMessage(), e);
    }
  }

  /** Every attribute key of {@code tenant}, as an archive file's metadata lists them. */
  private String keysLines(String tenant) {
    return ArchiveFiles.keyLines(knownKeys.getOrDefault(tenant, Set.of()));
  }

  @Override
  public StoreStats stats() throws StoreException {
    return stats(null);
  }

  /** A tenant's count, with no bytes on disk: the file is not one tenant's. */
  private StoreStats stats(String tenant) throws StoreException {
    try (Connection c = reader();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT count(*) FROM events WHERE true" + Schema.tenantCondition(tenant))) {
      if (tenant != null) {
        ps.setString(1, tenant);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new StoreStats(rs.getLong(1), tenant == null ? bytesOnDisk() : 0);
      }
    } catch (SQLException e) {
      throw new StoreException("reading store statistics failed: " + e.getMessage(), e);
    }
  }

  @Override
  public EventStore forTenant(String tenant) {
    SqlAccess scoped = new DuckDbSql(tenant);
    return new TenantView(this, tenant) {
      @Override
      public List<Event> trace(TraceId traceId) throws StoreException {
        return DuckDbEventStore.this.trace(tenant, traceId);
      }

      @Override
      public List<ServiceSummary> services(TimeRange range) throws StoreException {
        return DuckDbEventStore.this.services(tenant, range);
      }

      @Override
      public List<AttributeKey> attributeKeys() throws StoreException {
        return DuckDbEventStore.this.attributeKeys(tenant);
      }

      @Override
      public Optional<SqlAccess> sql() {
        return Optional.of(scoped);
      }

      @Override
      public StoreStats stats() throws StoreException {
        return DuckDbEventStore.this.stats(tenant);
      }
    };
  }

  /** The database file plus its write-ahead log. */
  public long bytesOnDisk() {
    long bytes = 0;
    for (Path p : List.of(config.file(), Path.of(config.file() + ".wal"))) {
      try {
        bytes += Files.exists(p) ? Files.size(p) : 0;
      } catch (IOException e) {
        // a file checkpointed away between exists() and size(): counts as 0
      }
    }
    return bytes;
  }

  @Override
  public Capabilities capabilities() {
    return new Capabilities(true, true);
  }

  @Override
  public Health check() {
    if (openError != null) {
      return Health.unhealthy(openError);
    }
    if (closed) {
      return Health.unhealthy("store is closed");
    }
    try (Connection c = reader();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT 1")) {
      rs.next();
      return Health.ok();
    } catch (SQLException | StoreException e) {
      return Health.unhealthy("DuckDB does not answer: " + e.getMessage());
    }
  }

  private Connection reader() throws StoreException {
    ensureOpen();
    try {
      return writer.duplicate();
    } catch (SQLException e) {
      throw new StoreException("cannot open a DuckDB connection: " + e.getMessage(), e);
    }
  }

  private void ensureOpen() throws StoreException {
    if (openError != null) {
      throw new StoreException(openError);
    }
    if (closed) {
      throw new StoreException("store is closed");
    }
  }

  @Override
  public void close() {
    synchronized (writeLock) {
      if (closed) {
        return;
      }
      closed = true;
      if (writer != null) {
        try (Statement s = writer.createStatement()) {
          s.execute("CHECKPOINT");
        } catch (SQLException e) {
          log.warn("checkpoint on close failed: {}", e.getMessage());
        }
        try {
          writer.close();
        } catch (SQLException e) {
          log.warn("closing DuckDB failed: {}", e.getMessage());
        }
      }
    }
  }
}
