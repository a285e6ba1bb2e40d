package io.sextant.store.duckdb;

import io.sextant.query.testkit.TenantQueryContract;
import io.sextant.store.spi.EventStore;
import java.nio.file.Path;

/** Questions over a tenant's view of the archive read only its own files. */
class ParquetArchiveTenantQueryContractTest extends TenantQueryContract {
  @Override
  protected EventStore openStore(Path dir) throws Exception {
    return ArchiveBacked.open(dir.resolve("archive"));
  }
}
