package io.sextant.store.clickhouse;

import io.sextant.query.testkit.QueryContract;
import io.sextant.store.spi.EventStore;
import java.nio.file.Path;

/** The ClickHouse store answers the known-answer questions in ClickHouse's SQL. */
class ClickHouseQueryContractIT extends QueryContract {
  @Override
  protected EventStore openStore(Path dir) throws Exception {
    return TestServer.open(dir);
  }
}
