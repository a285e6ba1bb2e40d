package io.sextant.store.clickhouse;

import io.sextant.store.spi.EventStore;
import io.sextant.store.testkit.EventStoreContract;
import java.nio.file.Path;

/** The ClickHouse store against the contract every store passes, on a real ClickHouse server. */
class ClickHouseEventStoreContractIT extends EventStoreContract {
  @Override
  protected EventStore openStore(Path dir) throws Exception {
    return TestServer.open(dir);
  }
}
