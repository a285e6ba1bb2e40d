package io.sextant.store.duckdb;

import io.sextant.store.spi.EventStore;
import io.sextant.store.testkit.TenantContract;
import java.nio.file.Path;

/** The DuckDB store keeps tenants apart on every read, on a real database file. */
class DuckDbTenantContractTest extends TenantContract {
  @Override
  protected EventStore openStore(Path dir) {
    return DuckDbEventStore.open(DuckDbConfig.defaults(dir));
  }
}
