package io.sextant.store.clickhouse;

import io.sextant.query.testkit.TenantQueryContract;
import io.sextant.store.spi.EventStore;
import java.nio.file.Path;

/** The SQL the engine writes for ClickHouse keeps tenants apart in every answer, on 18.16. */
class ClickHouseTenantQueryContractIT extends TenantQueryContract {
  @Override
  protected EventStore openStore(Path dir) throws Exception {
    return TestServer.open(dir);
  }
}
