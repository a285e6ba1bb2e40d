package io.sextant.store.clickhouse;

import io.sextant.store.spi.EventStore;
import io.sextant.store.testkit.EventStoreContract;
import java.nio.file.Path;

/**
 * The store's contract on current ClickHouse (chdb's engine): its DDL, writes and reads run there.
 */
class ChdbEventStoreContractIT extends EventStoreContract {
  @Override
  protected EventStore openStore(Path dir) throws Exception {
    return ChdbServer.open(dir);
  }
}
