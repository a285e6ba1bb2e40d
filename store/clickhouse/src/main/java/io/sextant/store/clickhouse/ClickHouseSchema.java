package io.sextant.store.clickhouse;

import static io.sextant.store.clickhouse.SqlLiterals.literal;

import io.sextant.model.Tenant;
import io.sextant.store.spi.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's tables, from the files in sql/: on one server as they are, in a cluster as {@code
 * _local} tables on every shard with one Distributed table over each; and the migrations of
 * databases made before tenants.
 */
final class ClickHouseSchema {
  // The store's lines, under the store's name.
  private static final Logger log = LoggerFactory.getLogger(ClickHouseEventStore.class);

  /** The schema files, in order; 05-ttl.sql is applied apart, only with a retention. */
  static final List<String> SCHEMA =
      List.of("01-events.sql", "03-trace-index.sql", "04-tenant-keys.sql");

  /** The tables of the schema files, each sharded by this expression in a cluster. */
  private static final Map<String, String> SHARDING =
      Map.of(
          "events", "event_key",
          "trace_index", "cityHash64(trace_id)",
          "tenant_keys", "cityHash64(key)");

  private final ClickHouseConfig config;
  private final ClickHouseHttp http;
  private final List<ClickHouseHttp> shards;

  /** {@code http} holds the store's tables (Distributed ones in a cluster), {@code shards} rows. */
  ClickHouseSchema(ClickHouseConfig config, ClickHouseHttp http, List<ClickHouseHttp> shards) {
    this.config = config;
    this.http = http;
    this.shards = shards;
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
    try (InputStream in = ClickHouseSchema.class.getResourceAsStream("sql/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing schema file sql/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read schema file sql/" + name, e);
    }
  }

  /** Creates the database and tables that are missing; moves keys kept before tenants. */
  void create() throws StoreException {
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
    return (Long) server.select(statement).rows.get(0)[0];
  }
}
