package io.sextant.store.clickhouse;

import java.util.List;

/**
 * Turns a database this store made back into one made before tenants, as far as its schema goes: no
 * {@code sextant_tenant} column in the events, and the attribute keys in {@code attribute_keys}
 * without a tenant (sql/04-attribute-keys.sql of then). The rows kept are the default tenant's, as
 * every row was then; their event keys are the same as then.
 */
final class PreTenant {
  private PreTenant() {}

  static final String ATTRIBUTE_KEYS =
      "CREATE TABLE IF NOT EXISTS attribute_keys (key String, origin String, type String)"
          + " ENGINE = ReplacingMergeTree ORDER BY (key, origin, type)";

  /** The database of a store on one server. */
  static void downgrade(ClickHouseEventStore store) throws Exception {
    store.execute("ALTER TABLE events DROP COLUMN " + Columns.TENANT);
    store.execute(ATTRIBUTE_KEYS);
    store.execute("INSERT INTO attribute_keys SELECT key, origin, type FROM tenant_keys");
    store.execute("DROP TABLE tenant_keys");
  }

  /**
   * A cluster's database: {@code front} holds the Distributed tables, {@code servers} (each once,
   * {@code front} among them) the local tables.
   */
  static void downgrade(ClickHouseHttp front, List<ClickHouseHttp> servers, String cluster)
      throws Exception {
    String local = ATTRIBUTE_KEYS.replace("attribute_keys (", "attribute_keys_local (");
    for (ClickHouseHttp server : servers) {
      server.query(local);
    }
    front.query(
        "CREATE TABLE attribute_keys AS attribute_keys_local ENGINE = Distributed("
            + cluster
            + ", "
            + front.database()
            + ", attribute_keys_local, cityHash64(key))");
    front.query("INSERT INTO attribute_keys SELECT key, origin, type FROM tenant_keys");
    front.query("DROP TABLE tenant_keys");
    front.query("ALTER TABLE events DROP COLUMN " + Columns.TENANT);
    for (ClickHouseHttp server : servers) {
      server.query("DROP TABLE tenant_keys_local");
      server.query("ALTER TABLE events_local DROP COLUMN " + Columns.TENANT);
    }
  }
}
