package io.sextant.store.duckdb;

import io.sextant.store.spi.EventStore;
import io.sextant.store.testkit.QueryContract;
import java.nio.file.Path;

/** The DuckDB store answers the known-answer questions in SQL, on a real database file. */
class DuckDbQueryContractTest extends QueryContract {
  @Override
  protected EventStore openStore(Path dir) {
    return DuckDbEventStore.open(DuckDbConfig.defaults(dir));
  }
}
