package io.sextant.store.clickhouse;

import java.nio.file.Path;

/**
 * Tenants' rows kept apart, and the upgrade of a database made before tenants, on current
 * ClickHouse.
 */
class ChdbTenantStorageIT extends ClickHouseTenantStorageIT {
  @Override
  ClickHouseEventStore open(Path dir) throws Exception {
    return (ClickHouseEventStore) ChdbServer.open(dir);
  }
}
