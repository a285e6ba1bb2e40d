package io.sextant.store.clickhouse;

import io.sextant.store.spi.EventStore;
import io.sextant.store.testkit.TenantContract;
import java.nio.file.Path;

/** The ClickHouse store keeps tenants apart on every read, on a real ClickHouse server. */
class ClickHouseTenantContractIT extends TenantContract {
  @Override
  protected EventStore openStore(Path dir) throws Exception {
    return TestServer.open(dir);
  }
}
