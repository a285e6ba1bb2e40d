package io.sextant.store.clickhouse;

import io.sextant.query.testkit.DifferentialContract;
import io.sextant.store.spi.EventStore;
import java.nio.file.Path;

/** ClickHouse's SQL answers equal the naive engine's on random events and questions. */
class ClickHouseDifferentialIT extends DifferentialContract {
  @Override
  protected EventStore openStore(Path dir) throws Exception {
    return TestServer.open(dir);
  }
}
