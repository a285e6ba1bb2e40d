package io.sextant.store.clickhouse;

import io.sextant.query.testkit.QueryContract;
import io.sextant.store.spi.EventStore;
import java.nio.file.Path;

/**
 * The known-answer questions in the SQL the engine writes for ClickHouse, on current ClickHouse.
 */
class ChdbQueryContractIT extends QueryContract {
  @Override
  protected EventStore openStore(Path dir) throws Exception {
    return ChdbServer.open(dir);
  }
}
