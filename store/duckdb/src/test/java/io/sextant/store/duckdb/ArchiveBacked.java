package io.sextant.store.duckdb;

import io.sextant.model.Event;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.ForwardingEventStore;
import io.sextant.store.spi.StoreException;
import java.nio.file.Path;
import java.util.List;

/**
 * The archive as the contract suites see a store: every write is a batch of one source, committed
 * at once (as the archiver does after its offsets), every read goes to the Parquet files.
 */
final class ArchiveBacked extends ForwardingEventStore {
  private final ParquetArchiveWriter writer;
  private long next;

  private ArchiveBacked(ParquetArchiveStore store, ParquetArchiveWriter writer) {
    super(store);
    this.writer = writer;
  }

  static EventStore open(Path dir) throws StoreException {
    return new ArchiveBacked(ParquetArchiveStore.open(dir), ParquetArchiveWriter.open(dir));
  }

  @Override
  public void write(List<Event> batch) throws StoreException {
    writer.write("0", next, batch);
    writer.committed("0");
    next += batch.size();
  }

  @Override
  public void close() {
    writer.close();
    super.close();
  }
}
