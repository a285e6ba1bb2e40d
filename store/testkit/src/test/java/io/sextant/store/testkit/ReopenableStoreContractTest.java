package io.sextant.store.testkit;

import io.sextant.model.Event;
import io.sextant.model.TraceId;
import io.sextant.store.spi.Capabilities;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.Health;
import io.sextant.store.spi.MemoryEventStore;
import io.sextant.store.spi.ServiceSummary;
import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.StoreStats;
import io.sextant.store.spi.TimeRange;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs the suite's reopen tests, which the memory store skips, against a store whose data outlives
 * {@code close()}: one {@link MemoryEventStore} per directory, kept for the JVM's life. It checks
 * the suite, not a store.
 */
class ReopenableStoreContractTest extends EventStoreContract {
  private static final Map<Path, MemoryEventStore> DATA = new ConcurrentHashMap<>();

  @Override
  protected EventStore openStore(Path dir) {
    return new Handle(DATA.computeIfAbsent(dir, d -> new MemoryEventStore()));
  }

  /** A view of the data in one directory; closing it leaves the data for the next open. */
  private static final class Handle implements EventStore {
    private final MemoryEventStore data;
    private volatile boolean closed;

    Handle(MemoryEventStore data) {
      this.data = data;
    }

    @Override
    public void write(List<Event> batch) throws StoreException {
      open().write(batch);
    }

    @Override
    public List<Event> trace(TraceId traceId) throws StoreException {
      return open().trace(traceId);
    }

    @Override
    public List<ServiceSummary> services(TimeRange range) throws StoreException {
      return open().services(range);
    }

    @Override
    public long deleteBefore(long cutoffUnixNano) throws StoreException {
      return open().deleteBefore(cutoffUnixNano);
    }

    @Override
    public java.util.List<io.sextant.store.spi.AttributeKey> attributeKeys() throws StoreException {
      return open().attributeKeys();
    }

    @Override
    public java.util.Optional<java.util.List<Event>> scan(TimeRange range) throws StoreException {
      return open().scan(range);
    }

    @Override
    public StoreStats stats() throws StoreException {
      return open().stats();
    }

    @Override
    public EventStore forTenant(String tenant) {
      return data.forTenant(tenant);
    }

    @Override
    public Capabilities capabilities() {
      return new Capabilities(true, true);
    }

    @Override
    public Health check() {
      return closed ? Health.unhealthy("closed") : data.check();
    }

    @Override
    public void close() {
      closed = true;
    }

    private MemoryEventStore open() {
      if (closed) {
        throw new IllegalStateException("closed");
      }
      return data;
    }
  }
}
