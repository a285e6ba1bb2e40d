package io.sextant.store.clickhouse;

import io.sextant.store.spi.EventStore;
import io.sextant.store.testkit.TenantContract;
import java.nio.file.Path;

/** Tenant-scoped reads (every statement with the tenant's condition) on current ClickHouse. */
class ChdbTenantContractIT extends TenantContract {
  @Override
  protected EventStore openStore(Path dir) throws Exception {
    return ChdbServer.open(dir);
  }
}
