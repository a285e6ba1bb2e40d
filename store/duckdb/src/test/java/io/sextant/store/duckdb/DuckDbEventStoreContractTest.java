package io.sextant.store.duckdb;

import io.sextant.store.spi.EventStore;
import io.sextant.store.testkit.EventStoreContract;
import java.nio.file.Path;

/** The DuckDB store against the contract every store passes, on a real database file. */
class DuckDbEventStoreContractTest extends EventStoreContract {
  @Override
  protected EventStore openStore(Path dir) {
    return DuckDbEventStore.open(DuckDbConfig.defaults(dir));
  }
}
