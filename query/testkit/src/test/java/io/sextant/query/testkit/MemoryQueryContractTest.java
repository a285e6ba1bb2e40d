package io.sextant.query.testkit;

import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.MemoryEventStore;
import java.nio.file.Path;

/** The reference store answers through the in-memory engine. */
class MemoryQueryContractTest extends QueryContract {
  @Override
  protected EventStore openStore(Path dir) {
    return new MemoryEventStore();
  }
}
