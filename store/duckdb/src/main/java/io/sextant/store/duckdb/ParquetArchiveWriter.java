package io.sextant.store.duckdb;

import io.sextant.model.Event;
import io.sextant.store.spi.AttributeKey;
import io.sextant.store.spi.FieldType;
import io.sextant.store.spi.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.LongPredicate;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBFunctions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes events into the Parquet archive (docs/adr/0020-parquet-archive.md): one zstd Parquet file
 * per tenant and hour of each batch, written by DuckDB's {@code COPY … (FORMAT parquet)} from the
 * same {@code events} table the embedded store has (the same columns, minus the tenant, which is
 * the directory, plus each event's {@code resource} and {@code scope} text, so every file stands
 * alone). Files are written under a temporary name, synced, recorded as pending, renamed in, and
 * their directories synced: when {@link #write} returns they survive a crash.
 *
 * <p>A source (a Kafka partition) writes batches in order, each named by its first position (the
 * partition's offset). The caller records that it is done with a batch (commits the offsets) and
 * then calls {@link #committed}; after a crash, {@link #recover} removes the files of a batch that
 * was never committed, so the batch written again on redelivery is the only copy.
 *
 * <p>Not thread-safe: one archiver thread uses it.
 */
public final class ParquetArchiveWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ParquetArchiveWriter.class);

  /** The key of a file's Parquet metadata that lists the attribute keys of its events. */
  static final String KEYS_METADATA = "sextant_keys";

  private final Path root;
  private final DuckDBConnection db;
  private volatile List<StagedBatch> current;

  private ParquetArchiveWriter(Path root, DuckDBConnection db) {
    this.root = root;
    this.db = db;
  }

  /** A writer into {@code root}, created if missing. */
  public static ParquetArchiveWriter open(Path root) throws StoreException {
    try {
      Files.createDirectories(root);
      DuckDBConnection db = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
      ParquetArchiveWriter w = new ParquetArchiveWriter(root.toAbsolutePath(), db);
      try (Statement s = db.createStatement()) {
        s.execute("SET memory_limit = '512MB'");
        s.execute(Schema.createTable());
        s.execute(Schema.CREATE_RESOURCES);
        s.execute(Schema.CREATE_SCOPES);
      }
      DuckDBFunctions.tableFunction()
          .withName(BatchTableFunction.NAME)
          .withFunction(new BatchTableFunction(() -> w.current))
          .register(db);
      return w;
    } catch (SQLException | IOException e) {
      throw new StoreException("cannot open the archive at " + root + ": " + e.getMessage(), e);
    }
  }

  public Path root() {
    return root;
  }

  /**
   * Writes {@code events}, the batch of {@code source} starting at position {@code first}, and
   * returns its files (relative to the root) once they are durable. A source's earlier batch must
   * have been {@link #committed} or {@link #recover recovered} first. On an exception nothing of
   * the batch is left in the archive.
   */
  public List<Path> write(String source, long first, List<Event> events) throws StoreException {
    checkSource(source);
    if (events.isEmpty()) {
      return List.of();
    }
    StagedBatch staged = new StagedBatch(events, Columns.FIXED);
    try {
      load(staged);
      Set<Bucket> buckets = new TreeSet<>();
      for (Event e : events) {
        buckets.add(
            new Bucket(e.tenant(), Math.floorDiv(e.timeUnixNano(), ArchiveFiles.HOUR_NANOS)));
      }
      return copy(
          db,
          root,
          source,
          first,
          buckets,
          b ->
              selectBucket(
                  "events", "resources", "scopes", b.where("e", Long.MAX_VALUE), Columns.FIXED),
          tenant -> keysOf(staged, tenant));
    } catch (SQLException e) {
      throw new StoreException(
          "archiving " + events.size() + " events to " + root + " failed: " + e.getMessage(), e);
    } finally {
      clear();
    }
  }

  /**
   * Copies each of {@code buckets}, the rows {@code select} gives, into its file of {@code source}
   * at {@code first} under {@code root}, with its tenant's attribute keys ({@code keys}, asked once
   * per tenant) in the file's metadata and the tenant's keys file; when it returns the files and
   * their directory entries are durable and recorded as {@code source}'s pending batch. On an
   * exception nothing of them is left.
   */
  static List<Path> copy(
      Connection db,
      Path root,
      String source,
      long first,
      Collection<Bucket> buckets,
      Function<Bucket, String> select,
      Function<String, String> keys)
      throws StoreException {
    checkSource(source);
    List<Path> files = new ArrayList<>();
    try {
      Map<String, String> keyLines = new TreeMap<>();
      for (Bucket b : buckets) {
        keyLines.computeIfAbsent(b.tenant(), keys);
      }
      Set<Path> directories = new LinkedHashSet<>();
      for (Bucket b : buckets) {
        Path dir = ArchiveFiles.bucket(root, b.tenant(), b.hour());
        Files.createDirectories(dir);
        Path file = dir.resolve(ArchiveFiles.fileName(source, first));
        files.add(root.relativize(file));
        try (Statement s = db.createStatement()) {
          s.execute(
              "COPY ("
                  + select.apply(b)
                  + ") TO "
                  + literal(ArchiveFiles.temporary(file).toString())
                  + " (FORMAT parquet, COMPRESSION zstd, KV_METADATA {"
                  + KEYS_METADATA
                  + ": "
                  + literal(keyLines.get(b.tenant()))
                  + "})");
        }
        ArchiveFiles.sync(ArchiveFiles.temporary(file));
        for (Path d = dir; !d.equals(root); d = d.getParent()) {
          directories.add(d);
        }
      }
      directories.add(root);
      for (Map.Entry<String, String> k : keyLines.entrySet()) {
        ArchiveFiles.addKeys(root, k.getKey(), source, List.of(k.getValue().split("\n")));
      }
      ArchiveFiles.writePending(root, source, new ArchiveFiles.Pending(first, files));
      for (Path f : files) {
        Path file = root.resolve(f);
        Files.move(
            ArchiveFiles.temporary(file),
            file,
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      }
      for (Path d : directories) {
        ArchiveFiles.sync(d);
      }
      return files;
    } catch (SQLException | IOException | RuntimeException e) {
      undo(root, files);
      try {
        ArchiveFiles.clearPending(root, source);
      } catch (IOException again) {
        e.addSuppressed(again);
      }
      throw new StoreException("writing the archive's files failed: " + e.getMessage(), e);
    }
  }

  /** The caller has recorded that {@code source}'s last batch is done: it is kept for good. */
  public void committed(String source) {
    checkSource(source);
    clearPending(root, source);
  }

  /**
   * After a restart, before {@code source} writes again: removes the files of its last batch unless
   * {@code committed} says the batch starting at that position was committed. Returns how many
   * files were removed.
   */
  public int recover(String source, LongPredicate committed) throws StoreException {
    return recover(root, source, committed);
  }

  static int recover(Path root, String source, LongPredicate committed) throws StoreException {
    checkSource(source);
    try {
      Optional<ArchiveFiles.Pending> pending = ArchiveFiles.readPending(root, source);
      if (pending.isEmpty()) {
        return 0;
      }
      int removed = 0;
      if (!committed.test(pending.get().first())) {
        removed = undo(root, pending.get().files());
        log.info(
            "archive: removed {} files of {}'s uncommitted batch at {}",
            removed,
            source,
            pending.get().first());
      }
      ArchiveFiles.clearPending(root, source);
      ArchiveFiles.sync(root.resolve(ArchiveFiles.PENDING));
      return removed;
    } catch (IOException | RuntimeException e) {
      throw new StoreException(
          "cannot recover the archive's pending batch of " + source + ": " + e.getMessage(), e);
    }
  }

  /** {@code source}'s batch is committed: its pending record goes. */
  static void clearPending(Path root, String source) {
    try {
      ArchiveFiles.clearPending(root, source);
    } catch (IOException e) {
      // Harmless: recover() sees the batch as committed and clears it then.
      log.warn("cannot clear the pending record of {}: {}", source, e.getMessage());
    }
  }

  private static int undo(Path root, List<Path> files) {
    int removed = 0;
    for (Path f : files) {
      Path file = root.resolve(f);
      try {
        Files.deleteIfExists(ArchiveFiles.temporary(file));
        if (Files.deleteIfExists(file)) {
          removed++;
        }
        ArchiveFiles.sync(file.getParent());
      } catch (IOException e) {
        log.warn("cannot remove {}: {}", file, e.getMessage());
      }
    }
    return removed;
  }

  /** One tenant's events of one hour: one file of a batch. */
  record Bucket(String tenant, long hour) implements Comparable<Bucket> {
    @Override
    public int compareTo(Bucket o) {
      int c = tenant.compareTo(o.tenant);
      return c != 0 ? c : Long.compare(hour, o.hour);
    }

    /** The condition on {@code alias}'s rows of this bucket that are older than {@code before}. */
    String where(String alias, long before) {
      long from = hour * ArchiveFiles.HOUR_NANOS;
      return alias
          + "."
          + Schema.TENANT
          + " = "
          + literal(tenant)
          + " AND "
          + alias
          + ".time >= "
          + from
          + " AND "
          + alias
          + ".time < "
          + Math.min(before, from + ArchiveFiles.HOUR_NANOS);
    }
  }

  private void load(StagedBatch staged) throws SQLException {
    current = List.of(staged);
    try (Statement s = db.createStatement()) {
      int rows = s.executeUpdate(Columns.FIXED.insertSql);
      if (rows != staged.size) {
        throw new SQLException("DuckDB took " + rows + " rows of a batch of " + staged.size);
      }
    } finally {
      current = null;
    }
    insertTexts("resources", staged.resources);
    insertTexts("scopes", staged.scopes);
  }

  private void insertTexts(String table, Map<Long, String> texts) throws SQLException {
    try (PreparedStatement ps =
        db.prepareStatement("INSERT INTO " + table + " VALUES (?, ?) ON CONFLICT DO NOTHING")) {
      for (Map.Entry<Long, String> e : texts.entrySet()) {
        ps.setLong(1, e.getKey());
        ps.setString(2, e.getValue());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** The statement that selects a bucket's rows in the archive's column order. */
  static String selectBucket(
      String events, String resources, String scopes, String where, Columns layout) {
    // The archive has the fixed layout: a learned column's values go back into the attributes.
    StringBuilder exclude = new StringBuilder(Schema.TENANT);
    for (Schema.Promoted p : layout.promoted) {
      if (p.learned()) {
        exclude.append(", ").append(p.column());
      }
    }
    return "SELECT e.* EXCLUDE ("
        + exclude
        + ")"
        + (layout.learned == 0
            ? ""
            : " REPLACE (" + layout.attributesWithLearned("e") + " AS attributes)")
        + ", r.resource AS resource, s.scope AS scope FROM "
        + events
        + " e JOIN "
        + resources
        + " r ON r.id = e.resource_id JOIN "
        + scopes
        + " s ON s.id = e.scope_id WHERE "
        + where
        + " ORDER BY e.time";
  }

  /**
   * The attribute keys of {@code tenant}'s events in {@code staged} ({@link
   * ArchiveFiles#keyLines}), for the file's metadata: the archive's reader knows every key exactly
   * without scanning the JSON.
   */
  static String keysOf(StagedBatch staged, String tenant) {
    List<AttributeKey> keys = new ArrayList<>();
    collectKeys(keys, AttributeKey.Origin.RECORD, staged.recordKeys.get(tenant));
    collectKeys(keys, AttributeKey.Origin.RESOURCE, staged.resourceKeys.get(tenant));
    return ArchiveFiles.keyLines(keys);
  }

  private static void collectKeys(
      List<AttributeKey> out, AttributeKey.Origin origin, Map<String, Integer> keys) {
    if (keys == null) {
      return;
    }
    for (Map.Entry<String, Integer> e : keys.entrySet()) {
      for (FieldType t : FieldType.values()) {
        if ((e.getValue() & (1 << t.ordinal())) != 0) {
          out.add(new AttributeKey(e.getKey(), origin, t));
        }
      }
    }
  }

  static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  static void checkSource(String source) {
    if (source == null || !source.matches("[A-Za-z0-9_.-]{1,64}")) {
      throw new IllegalArgumentException(
          "an archive source is 1 to 64 letters, digits, '_', '.' or '-', not " + source);
    }
  }

  private void clear() {
    try (Statement s = db.createStatement()) {
      s.execute("DELETE FROM events");
      s.execute("DELETE FROM resources");
      s.execute("DELETE FROM scopes");
    } catch (SQLException e) {
      log.warn("cannot clear the archive's staging tables: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    try {
      db.close();
    } catch (SQLException e) {
      log.warn("closing the archive's DuckDB failed: {}", e.getMessage());
    }
  }
}
