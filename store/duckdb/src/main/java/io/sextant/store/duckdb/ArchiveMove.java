package io.sextant.store.duckdb;

import io.sextant.store.spi.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/** The moves of old events from the hot store into the Parquet archive, and their recovery. */
final class ArchiveMove {
  private ArchiveMove() {}

  /** The archive source of the moves by {@link #run}: {@code part-hot-<cutoff>}. */
  static final String HOT_SOURCE = "hot";

  /**
   * Retention with the Parquet archive on (docs/adr/0020-parquet-archive.md): writes every event
   * older than {@code cutoffUnixNano} into the archive under {@code root}, one file per tenant and
   * hour, then deletes them, in one transaction: the delete sees the snapshot the files were copied
   * from, so an event that arrives meanwhile is neither archived nor deleted. A move cut short by a
   * crash is undone (its files removed) by the next call unless its delete committed. Returns how
   * many events moved.
   */
  static long run(
      Connection c,
      Path root,
      long cutoffUnixNano,
      Columns columns,
      Function<String, String> keyLines)
      throws SQLException, StoreException {
    recoverMove(c, root);
    c.setAutoCommit(false);
    try {
      Set<ParquetArchiveWriter.Bucket> buckets = new TreeSet<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT DISTINCT "
                  + Schema.TENANT
                  + ", time // "
                  + ArchiveFiles.HOUR_NANOS
                  + " FROM events WHERE time < ?")) {
        ps.setLong(1, cutoffUnixNano);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            buckets.add(new ParquetArchiveWriter.Bucket(rs.getString(1), rs.getLong(2)));
          }
        }
      }
      if (buckets.isEmpty()) {
        c.rollback();
        return 0;
      }
      ParquetArchiveWriter.copy(
          c,
          root,
          HOT_SOURCE,
          cutoffUnixNano,
          buckets,
          b ->
              ParquetArchiveWriter.selectBucket(
                  "events", "resources", "scopes", b.where("e", cutoffUnixNano), columns),
          keyLines);
      long moved;
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM events WHERE time < ?");
          PreparedStatement index = c.prepareStatement("DELETE FROM trace_index WHERE last < ?");
          PreparedStatement mark = c.prepareStatement("INSERT INTO archive_moves VALUES (?)")) {
        ps.setLong(1, cutoffUnixNano);
        moved = ps.executeLargeUpdate();
        index.setLong(1, cutoffUnixNano);
        index.executeLargeUpdate();
        mark.setLong(1, cutoffUnixNano);
        mark.executeUpdate();
      }
      c.commit();
      ParquetArchiveWriter.clearPending(root, HOT_SOURCE);
      return moved;
    } catch (SQLException | StoreException | RuntimeException e) {
      c.rollback();
      recoverMove(c, root);
      throw e;
    }
  }

  /** Removes the files of a move whose delete did not commit. */
  private static void recoverMove(Connection c, Path root) throws StoreException {
    ParquetArchiveWriter.recover(
        root,
        HOT_SOURCE,
        id -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT count(*) FROM archive_moves WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getLong(1) > 0;
            }
          } catch (SQLException e) {
            throw new IllegalStateException("cannot read archive_moves: " + e.getMessage(), e);
          }
        });
  }
}
