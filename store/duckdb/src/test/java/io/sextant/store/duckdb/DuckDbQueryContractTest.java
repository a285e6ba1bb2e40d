package io.sextant.store.duckdb;

import io.sextant.query.testkit.QueryContract;
import io.sextant.store.spi.EventStore;
import java.nio.file.Path;

/** The DuckDB store answers the known-answer questions in SQL, on a real database file. */
class DuckDbQueryContractTest extends QueryContract {
  @Override
  protected EventStore openStore(Path dir) {
    return DuckDbEventStore.open(DuckDbConfig.defaults(dir));
  }
}
