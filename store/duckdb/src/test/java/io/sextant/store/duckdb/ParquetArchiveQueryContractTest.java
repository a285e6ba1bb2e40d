package io.sextant.store.duckdb;

import io.sextant.query.testkit.QueryContract;
import io.sextant.store.spi.EventStore;
import java.nio.file.Path;

/** The query contract over the Parquet archive. */
class ParquetArchiveQueryContractTest extends QueryContract {
  @Override
  protected EventStore openStore(Path dir) throws Exception {
    return ArchiveBacked.open(dir.resolve("archive"));
  }
}
