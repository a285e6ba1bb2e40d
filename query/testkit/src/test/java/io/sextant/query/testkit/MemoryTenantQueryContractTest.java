package io.sextant.query.testkit;

import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.MemoryEventStore;
import java.nio.file.Path;

/** The in-memory engine over the reference store keeps tenants apart. */
class MemoryTenantQueryContractTest extends TenantQueryContract {
  @Override
  protected EventStore openStore(Path dir) {
    return new MemoryEventStore();
  }
}
