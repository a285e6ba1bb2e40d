package io.sextant.store.duckdb;

import io.sextant.store.spi.AttributeKey;
import io.sextant.store.spi.FieldType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.duckdb.DuckDBConnection;

/**
 * What a batch's events refer to, stored before them on the writer's connection: the resources,
 * scopes and attribute keys not stored yet, and the batch's trace windows.
 */
final class BatchReferences {
  // Ids of the resources and scopes already stored; only the writer thread touches them.
  private final Set<Long> knownResources = new HashSet<>();
  private final Set<Long> knownScopes = new HashSet<>();
  private final Function<String, Set<AttributeKey>> keysOf;

  /** {@code keysOf} gives the store's known attribute keys of a tenant, to add the new ones to. */
  BatchReferences(Function<String, Set<AttributeKey>> keysOf) {
    this.keysOf = keysOf;
  }

  /** Learns the ids of the resources and scopes already stored. */
  void load(Statement s) throws SQLException {
    loadIds(s, "SELECT id FROM resources", knownResources);
    loadIds(s, "SELECT id FROM scopes", knownScopes);
  }

  void store(DuckDBConnection writer, StagedBatch staged) throws SQLException {
    storeNew(writer, staged.resources, knownResources, "resources");
    storeNew(writer, staged.scopes, knownScopes, "scopes");
    storeNewKeys(writer, staged);
    storeTraceWindows(writer, staged);
  }

  private static void storeNew(
      DuckDBConnection writer, Map<Long, String> texts, Set<Long> known, String table)
      throws SQLException {
    List<Map.Entry<Long, String>> fresh = new ArrayList<>();
    for (Map.Entry<Long, String> e : texts.entrySet()) {
      if (!known.contains(e.getKey())) {
        fresh.add(e);
      }
    }
    if (fresh.isEmpty()) {
      return;
    }
    writer.setAutoCommit(false);
    try (PreparedStatement ps =
        writer.prepareStatement("INSERT INTO " + table + " VALUES (?, ?) ON CONFLICT DO NOTHING")) {
      for (Map.Entry<Long, String> e : fresh) {
        ps.setLong(1, e.getKey());
        ps.setString(2, e.getValue());
        ps.addBatch();
      }
      ps.executeBatch();
      writer.commit();
    } catch (SQLException e) {
      writer.rollback();
      throw e;
    } finally {
      writer.setAutoCommit(true);
    }
    for (Map.Entry<Long, String> e : fresh) {
      known.add(e.getKey());
    }
  }

  private static void storeTraceWindows(DuckDBConnection writer, StagedBatch staged)
      throws SQLException {
    if (staged.traceWindows.isEmpty()) {
      return;
    }
    try (org.duckdb.DuckDBAppender a = writer.createAppender("main", "trace_index")) {
      for (Map.Entry<Long, long[]> e : staged.traceWindows.entrySet()) {
        a.beginRow();
        a.append(e.getKey());
        a.append(e.getValue()[0]);
        a.append(e.getValue()[1]);
        a.endRow();
      }
    }
  }

  private void storeNewKeys(DuckDBConnection writer, StagedBatch staged) throws SQLException {
    Map<String, List<AttributeKey>> fresh = new HashMap<>();
    staged.recordKeys.forEach((t, keys) -> collectNew(t, keys, AttributeKey.Origin.RECORD, fresh));
    staged.resourceKeys.forEach(
        (t, keys) -> collectNew(t, keys, AttributeKey.Origin.RESOURCE, fresh));
    if (fresh.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        writer.prepareStatement(
            "INSERT INTO tenant_keys VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      for (Map.Entry<String, List<AttributeKey>> t : fresh.entrySet()) {
        for (AttributeKey k : t.getValue()) {
          ps.setString(1, t.getKey());
          ps.setString(2, k.key());
          ps.setString(3, k.origin().name());
          ps.setString(4, k.type().name());
          ps.addBatch();
        }
      }
      ps.executeBatch();
    }
    fresh.forEach((t, keys) -> keysOf.apply(t).addAll(keys));
  }

  private void collectNew(
      String tenant,
      Map<String, Integer> keys,
      AttributeKey.Origin origin,
      Map<String, List<AttributeKey>> into) {
    Set<AttributeKey> known = keysOf.apply(tenant);
    for (Map.Entry<String, Integer> e : keys.entrySet()) {
      for (FieldType t : FieldType.values()) {
        if ((e.getValue() & (1 << t.ordinal())) != 0) {
          AttributeKey k = new AttributeKey(e.getKey(), origin, t);
          if (!known.contains(k)) {
            into.computeIfAbsent(tenant, x -> new ArrayList<>()).add(k);
          }
        }
      }
    }
  }

  private static void loadIds(Statement s, String sql, Set<Long> into) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        into.add(rs.getLong(1));
      }
    }
  }
}
