package io.sextant.store.duckdb;

import io.sextant.model.Event;
import io.sextant.model.EventKind;
import io.sextant.model.TraceId;
import io.sextant.store.spi.AttributeKey;
import io.sextant.store.spi.Capabilities;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.Health;
import io.sextant.store.spi.ServiceSummary;
import io.sextant.store.spi.SqlAccess;
import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.StoreStats;
import io.sextant.store.spi.TenantView;
import io.sextant.store.spi.TimeRange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.duckdb.DuckDBConnection;

/**
 * The Parquet archive as a read-only store (docs/adr/0020-parquet-archive.md): an in-memory DuckDB
 * whose {@code events} is a view over the archive's files ({@code read_parquet} with Hive
 * partitioning), so the query engine asks it the same SQL it asks the embedded store. Questions
 * carry a condition on the {@code date} and {@code hour} directories beside their time range, and
 * DuckDB opens only the files of those hours. Files written after it opened are read by the next
 * statement.
 */
public final class ParquetArchiveStore implements EventStore {
  private final Path root;
  private final DuckDBConnection db;
  private final String glob;
  private final SqlAccess sql;
  private volatile boolean viewOverFiles;
  private volatile boolean closed;

  private ParquetArchiveStore(Path root, DuckDBConnection db) {
    this.root = root;
    this.db = db;
    this.glob = root.resolve(ArchiveFiles.GLOB).toString();
    this.sql = new ArchiveSql(LAYOUT);
  }

  /** The archive under {@code root}; an empty or missing directory is an empty archive. */
  public static ParquetArchiveStore open(Path root) throws StoreException {
    try {
      DuckDBConnection db = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
      ParquetArchiveStore store = new ParquetArchiveStore(root.toAbsolutePath(), db);
      try (Statement s = db.createStatement()) {
        // Until there is a file, events is an empty table of the files' columns.
        s.execute(Schema.createTable());
        s.execute("ALTER TABLE events ADD COLUMN resource VARCHAR");
        s.execute("ALTER TABLE events ADD COLUMN scope VARCHAR");
        s.execute("ALTER TABLE events ADD COLUMN date DATE");
        s.execute("ALTER TABLE events ADD COLUMN hour INTEGER");
      }
      return store;
    } catch (SQLException e) {
      throw new StoreException("cannot open the archive at " + root + ": " + e.getMessage(), e);
    }
  }

  /** Swaps the empty table for the view over the files once there is a file. */
  private void ensureView(Connection c) throws SQLException {
    if (viewOverFiles) {
      return;
    }
    synchronized (this) {
      if (viewOverFiles || !hasFiles()) {
        return;
      }
      try (Statement s = c.createStatement()) {
        s.execute("DROP TABLE IF EXISTS events");
        s.execute(
            "CREATE VIEW events AS SELECT * FROM read_parquet("
                + ParquetArchiveWriter.literal(glob)
                + ", hive_partitioning = true, hive_types = {'"
                + Schema.TENANT
                + "': VARCHAR, 'date': DATE, 'hour': INTEGER})");
      }
      viewOverFiles = true;
    }
  }

  private boolean hasFiles() {
    try (Stream<Path> files = files()) {
      return files.findAny().isPresent();
    } catch (IOException e) {
      return false;
    }
  }

  /** The archive's Parquet files; the caller closes the stream. */
  private Stream<Path> files() throws IOException {
    return Files.find(
        root,
        4,
        (p, a) -> {
          String name = p.getFileName().toString();
          return name.startsWith("part-") && name.endsWith(".parquet");
        });
  }

  /** Only the hours of {@code [from, to)}: their dates, and the hours at either end. */
  static String hourCondition(String alias, long from, long to) {
    long first = Math.floorDiv(from, ArchiveFiles.HOUR_NANOS);
    long last = Math.floorDiv(Math.max(from, to - 1), ArchiveFiles.HOUR_NANOS);
    LocalDate d1 = dateOf(first);
    LocalDate d2 = dateOf(last);
    String date = alias + ".\"date\"";
    String hour = alias + ".\"hour\"";
    return "("
        + date
        + " BETWEEN DATE '"
        + d1
        + "' AND DATE '"
        + d2
        + "' AND ("
        + date
        + " > DATE '"
        + d1
        + "' OR "
        + hour
        + " >= "
        + Math.floorMod(first, 24)
        + ") AND ("
        + date
        + " < DATE '"
        + d2
        + "' OR "
        + hour
        + " <= "
        + Math.floorMod(last, 24)
        + "))";
  }

  private static LocalDate dateOf(long hour) {
    return Instant.ofEpochSecond(Math.floorDiv(hour, 24) * 86_400)
        .atZone(ZoneOffset.UTC)
        .toLocalDate();
  }

  private static final SqlAccess.SqlLayout LAYOUT =
      new SqlAccess.SqlLayout(
          Schema.TABLE,
          Schema.queryColumns(Schema.PROMOTED),
          "e.attributes",
          null,
          null,
          "e.resource",
          null,
          ParquetArchiveStore::hourCondition);

  private Connection reader() throws StoreException {
    if (closed) {
      throw new StoreException("the archive is closed");
    }
    try {
      Connection c = db.duplicate();
      try {
        ensureView(c);
      } catch (SQLException e) {
        c.close();
        throw e;
      }
      return c;
    } catch (SQLException e) {
      throw new StoreException("cannot read the archive at " + root + ": " + e.getMessage(), e);
    }
  }

  private final class ArchiveSql implements SqlAccess {
    private final SqlLayout layout;

    ArchiveSql(SqlLayout layout) {
      this.layout = layout;
    }

    @Override
    public String dialect() {
      return "duckdb";
    }

    @Override
    public SqlLayout layout() {
      return layout;
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
        throw new StoreException("archive query failed: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public void write(List<Event> batch) throws StoreException {
    throw new StoreException(
        "the archive is read here; the archiver writes it (sextant serve --role archiver)");
  }

  @Override
  public List<Event> trace(TraceId traceId) throws StoreException {
    return trace(null, traceId);
  }

  private static String tenantCondition(String tenant) {
    return tenant == null ? "" : " AND " + Schema.TENANT + " = ?";
  }

  // The resource and scope text follow the columns EventRows reads.
  private static final int RESOURCE_COLUMN = Columns.FIXED.rowColumns.split(",").length + 1;

  private List<Event> trace(String tenant, TraceId traceId) throws StoreException {
    String statement =
        "SELECT "
            + Columns.FIXED.rowColumns
            + ", resource, scope FROM events WHERE trace_id = ?"
            + tenantCondition(tenant)
            + " ORDER BY time, span_id";
    try (Connection c = reader();
        PreparedStatement ps = c.prepareStatement(statement)) {
      ps.setString(1, traceId.toHex());
      if (tenant != null) {
        ps.setString(2, tenant);
      }
      try (ResultSet rs = ps.executeQuery()) {
        // Each row carries its resource and scope text: the id resolves to this row's.
        EventRows rows =
            new EventRows(
                Columns.FIXED,
                id -> rs.getString(RESOURCE_COLUMN),
                id -> rs.getString(RESOURCE_COLUMN + 1));
        Set<String> spans = new HashSet<>();
        Set<Event> events = new LinkedHashSet<>();
        while (rs.next()) {
          Event e = rows.read(rs);
          if (e.kind() == EventKind.SPAN && !spans.add(e.tenant() + '/' + e.spanId().toHex())) {
            continue;
          }
          events.add(e);
        }
        return new ArrayList<>(events);
      }
    } catch (SQLException e) {
      throw new StoreException(
          "reading trace " + traceId + " from the archive failed: " + e.getMessage(), e);
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
    String statement =
        "SELECT \"service.name\", count(*) AS n FROM events e WHERE time >= ? AND time < ? AND "
            + hourCondition("e", range.fromUnixNano(), range.toUnixNano())
            + tenantCondition(tenant)
            + " GROUP BY 1 ORDER BY n DESC, 1";
    try (Connection c = reader();
        PreparedStatement ps = c.prepareStatement(statement)) {
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
      throw new StoreException("listing the archive's services failed: " + e.getMessage(), e);
    }
  }

  @Override
  public List<AttributeKey> attributeKeys() throws StoreException {
    return attributeKeys(null);
  }

  /** The keys the writers listed under {@code _keys/} ({@link ArchiveFiles#keysFile}). */
  private List<AttributeKey> attributeKeys(String tenant) throws StoreException {
    if (closed) {
      throw new StoreException("the archive is closed");
    }
    Set<AttributeKey> keys = new HashSet<>();
    Path dir = root.resolve(ArchiveFiles.KEYS);
    try (Stream<Path> files =
        Files.isDirectory(dir)
            ? Files.find(
                tenant == null ? dir : ArchiveFiles.keysOf(root, tenant),
                tenant == null ? 2 : 1,
                (p, a) -> a.isRegularFile() && !p.getFileName().toString().startsWith("."))
            : Stream.empty()) {
      for (Path f : (Iterable<Path>) files::iterator) {
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          ArchiveFiles.parseKeyLine(line).ifPresent(keys::add);
        }
      }
    } catch (NoSuchFileException e) {
      return List.of(); // no keys of this tenant yet
    } catch (IOException | IllegalArgumentException e) {
      throw new StoreException("reading the archive's keys failed: " + e.getMessage(), e);
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

  @Override
  public EventStore forTenant(String tenant) {
    SqlAccess scoped = new ArchiveSql(LAYOUT.forTenant(Schema.TENANT, tenant));
    return new TenantView(this, tenant) {
      @Override
      public List<Event> trace(TraceId traceId) throws StoreException {
        return ParquetArchiveStore.this.trace(tenant, traceId);
      }

      @Override
      public List<ServiceSummary> services(TimeRange range) throws StoreException {
        return ParquetArchiveStore.this.services(tenant, range);
      }

      @Override
      public List<AttributeKey> attributeKeys() throws StoreException {
        return ParquetArchiveStore.this.attributeKeys(tenant);
      }

      @Override
      public Optional<SqlAccess> sql() {
        return Optional.of(scoped);
      }

      @Override
      public StoreStats stats() throws StoreException {
        return ParquetArchiveStore.this.stats(tenant);
      }
    };
  }

  /** The archive is kept as long as its files are; deleting them is the directory's owner's. */
  @Override
  public long deleteBefore(long cutoffUnixNano) throws StoreException {
    throw new StoreException("the archive keeps its files; remove old date= directories instead");
  }

  @Override
  public StoreStats stats() throws StoreException {
    return stats(null);
  }

  private StoreStats stats(String tenant) throws StoreException {
    try (Connection c = reader();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT count(*) FROM events WHERE true" + tenantCondition(tenant))) {
      if (tenant != null) {
        ps.setString(1, tenant);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new StoreStats(rs.getLong(1), tenant == null ? bytesOnDisk() : 0);
      }
    } catch (SQLException e) {
      throw new StoreException("counting the archive failed: " + e.getMessage(), e);
    }
  }

  private long bytesOnDisk() {
    try (Stream<Path> files = files()) {
      return files
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  return 0;
                }
              })
          .sum();
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public Capabilities capabilities() {
    return new Capabilities(true, false);
  }

  @Override
  public Health check() {
    if (closed) {
      return Health.unhealthy("the archive is closed");
    }
    if (Files.exists(root) && !Files.isDirectory(root)) {
      return Health.unhealthy("the archive " + root + " is not a directory");
    }
    return Health.ok();
  }

  @Override
  public void close() {
    closed = true;
    try {
      db.close();
    } catch (SQLException e) {
      // closing an in-memory database: nothing is lost
    }
  }
}
