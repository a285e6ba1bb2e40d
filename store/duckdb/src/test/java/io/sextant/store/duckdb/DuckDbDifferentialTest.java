package io.sextant.store.duckdb;

import io.sextant.query.testkit.DifferentialContract;
import io.sextant.store.spi.EventStore;
import java.nio.file.Path;

/** DuckDB's SQL answers equal the naive engine's on random events and questions. */
class DuckDbDifferentialTest extends DifferentialContract {
  @Override
  protected EventStore openStore(Path dir) {
    return DuckDbEventStore.open(DuckDbConfig.defaults(dir));
  }
}
