package io.sextant.store.duckdb;

import io.sextant.query.testkit.TenantQueryContract;
import io.sextant.store.spi.EventStore;
import java.nio.file.Path;

/** The SQL the engine writes for DuckDB keeps tenants apart in every answer, on a real file. */
class DuckDbTenantQueryContractTest extends TenantQueryContract {
  @Override
  protected EventStore openStore(Path dir) {
    return DuckDbEventStore.open(DuckDbConfig.defaults(dir));
  }
}
