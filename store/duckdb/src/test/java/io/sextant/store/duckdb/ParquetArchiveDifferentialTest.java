package io.sextant.store.duckdb;

import io.sextant.query.testkit.DifferentialContract;
import io.sextant.store.spi.EventStore;
import java.nio.file.Path;

/** The archive's answers, DuckDB over Parquet files, equal the naive engine's. */
class ParquetArchiveDifferentialTest extends DifferentialContract {
  @Override
  protected EventStore openStore(Path dir) throws Exception {
    return ArchiveBacked.open(dir.resolve("archive"));
  }
}
