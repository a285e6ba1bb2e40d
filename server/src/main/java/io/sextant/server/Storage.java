package io.sextant.server;

import io.sextant.pipeline.BatchingWriter;
import io.sextant.pipeline.LogSink;
import io.sextant.pipeline.RetentionJob;
import io.sextant.pipeline.StoreSink;
import io.sextant.pipeline.StoreTap;
import io.sextant.store.duckdb.DuckDbEventStore;
import io.sextant.store.duckdb.ParquetArchiveStore;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.StoreException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a server's store is reached: the ingest path in front of it, the catch-up of reads behind the
 * segment log, what retention does with old events, and the Parquet archive.
 */
final class Storage {
  private static final Logger log = LoggerFactory.getLogger(Storage.class);

  private Storage() {}

  /**
   * Where accepted events go: by default through the group commit straight into the store
   * (docs/adr/0005-durable-ingest.md); with {@code SEXTANT_INGEST_PATH=log}, and a store that keeps
   * a journal position (DuckDB), through the segment log: acknowledged once in the log, loaded in
   * row groups (docs/adr/0021-segment-log.md). The group commit is the default because it measured
   * faster on this machine's benchmark (bench/README.md). Either way {@code tap} sees each request
   * taken and, once, when its events are in the store.
   */
  static StoreSink sink(ServerConfig config, EventStore store, StoreTap tap) {
    try {
      boolean viaLog = "log".equals(System.getenv("SEXTANT_INGEST_PATH"));
      if (viaLog && store.journalPosition() >= 0) {
        return new LogSink(
            config.store().directory().resolve("log"),
            store,
            new LogSink.Config(
                config.pipeline().maxQueuedEvents(),
                config.pipeline().maxBatchEvents(),
                LogSink.Config.defaults().flushMillis(),
                LogSink.Config.defaults().segmentBytes()),
            tap);
      }
    } catch (StoreException e) {
      // A store that cannot answer now: the group commit reports its errors per request.
      log.warn("store has no journal position now ({}); writing through", e.getMessage());
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot open the segment log under " + config.store().directory() + ": " + e.getMessage(),
          e);
    }
    return new BatchingWriter(store, config.pipeline(), tap);
  }

  /** How long a read waits at most for the loader; past it, it reads what is loaded. */
  static final Duration CATCH_UP = Duration.ofSeconds(2);

  static void catchUp(LogSink sink) throws StoreException {
    try {
      sink.awaitCaughtUp(CATCH_UP);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for the loader");
    }
  }

  /**
   * What retention does with old events: deletes them; with the archive on, the embedded store
   * moves them into it first, and a shared store (ClickHouse) is deleted from only once the
   * archivers have written everything the topic held ({@link #archivedUpToNow}); without that
   * knowledge it holds its deletes (docs/adr/0020-parquet-archive.md).
   */
  static RetentionJob.Deletion retention(
      ServerConfig config,
      EventStore opened,
      EventStore store,
      AtomicReference<BooleanSupplier> archived) {
    if (config.archive() == null) {
      return store::deleteBefore;
    }
    if (opened instanceof DuckDbEventStore duck) {
      return cutoff -> duck.archiveBefore(cutoff, config.archive());
    }
    return cutoff -> {
      BooleanSupplier upToNow = archived.get();
      if (upToNow == null) {
        log.warn(
            "retention holds its deletes: with --archive over a shared store it needs --kafka to"
                + " tell which events the archivers have written");
        return 0;
      }
      if (!upToNow.getAsBoolean()) {
        log.warn("retention waits: the archivers have not yet written everything on the topic");
        return 0;
      }
      return store.deleteBefore(cutoff);
    };
  }

  static ParquetArchiveStore openArchive(ServerConfig config) {
    if (config.archive() == null) {
      return null;
    }
    try {
      return ParquetArchiveStore.open(config.archive());
    } catch (StoreException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
