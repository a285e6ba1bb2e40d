package io.sextant.store.duckdb;

import io.sextant.store.spi.EventStore;
import io.sextant.store.testkit.TenantContract;
import java.nio.file.Path;

/** Each tenant reads only its own files of the archive. */
class ParquetArchiveTenantContractTest extends TenantContract {
  @Override
  protected EventStore openStore(Path dir) throws Exception {
    return ArchiveBacked.open(dir.resolve("archive"));
  }
}
