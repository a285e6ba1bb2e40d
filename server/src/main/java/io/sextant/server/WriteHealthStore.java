package io.sextant.server;

import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.ForwardingEventStore;
import io.sextant.store.spi.Health;
import io.sextant.store.spi.StoreException;
import java.time.Clock;
import java.time.Instant;

/**
 * The store as the server sees it, with health that tells the truth about writes: after a write
 * fails (a full disk, a broken file, the store's own error), {@link #check()} is unhealthy with the
 * reason until a write succeeds again, so {@code /health} answers 503 and {@code /api/v1/status}
 * says {@code degraded} while ingest is refusing data, not only when reads fail.
 */
final class WriteHealthStore extends ForwardingEventStore {
  private final Clock clock;
  private volatile String failure;
  private volatile Instant failedAt;

  WriteHealthStore(EventStore delegate, Clock clock) {
    super(delegate);
    this.clock = clock;
  }

  @Override
  protected void writing(int events, Write write) throws StoreException {
    try {
      write.run();
    } catch (StoreException | RuntimeException e) {
      failed(e);
      throw e;
    }
    failure = null;
  }

  private void failed(Exception e) {
    failedAt = clock.instant();
    failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  @Override
  public Health check() {
    String f = failure;
    if (f != null) {
      return Health.unhealthy("writes are failing since " + failedAt + ": " + f);
    }
    return super.check();
  }
}
