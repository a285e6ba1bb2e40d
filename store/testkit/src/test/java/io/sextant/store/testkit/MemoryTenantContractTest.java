package io.sextant.store.testkit;

import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.MemoryEventStore;
import java.nio.file.Path;

/** The reference store keeps tenants apart. */
class MemoryTenantContractTest extends TenantContract {
  @Override
  protected EventStore openStore(Path dir) {
    return new MemoryEventStore();
  }
}
