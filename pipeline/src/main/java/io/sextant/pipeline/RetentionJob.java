package io.sextant.pipeline;

import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deletes events older than the retention period, now and then, in the background. */
public final class RetentionJob implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);

  /** What retention does with the events older than its cutoff; returns how many went. */
  @FunctionalInterface
  public interface Deletion {
    long deleteBefore(long cutoffUnixNano) throws StoreException;
  }

  private final Deletion deletion;
  private final Duration retention;
  private final Clock clock;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("sextant-retention").unstarted(r));

  public RetentionJob(EventStore store, Duration retention, Clock clock) {
    this(store::deleteBefore, retention, clock);
  }

  /**
   * Retention that hands the events older than the cutoff to {@code deletion}: the embedded store
   * with the archive on moves them into it first (docs/adr/0020-parquet-archive.md).
   */
  public RetentionJob(Deletion deletion, Duration retention, Clock clock) {
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("retention must be positive, e.g. 7d");
    }
    this.deletion = deletion;
    this.retention = retention;
    this.clock = clock;
  }

  public RetentionJob start(Duration every) {
    executor.scheduleWithFixedDelay(
        this::runOnce, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** Deletes what is older than the retention period; returns how many events went. */
  public long runOnce() {
    long cutoff = clock.instant().minus(retention).toEpochMilli() * 1_000_000L;
    try {
      long deleted = deletion.deleteBefore(cutoff);
      if (deleted > 0) {
        log.info("retention deleted={} older_than={}", deleted, retention);
      }
      return deleted;
    } catch (StoreException e) {
      log.warn("retention failed: {}", e.getMessage());
      return 0;
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
