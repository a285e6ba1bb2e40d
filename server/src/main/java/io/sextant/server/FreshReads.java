package io.sextant.server;

import io.sextant.model.Event;
import io.sextant.model.TraceId;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.ForwardingEventStore;
import io.sextant.store.spi.StoreException;
import java.util.List;

/**
 * The store as its readers see it behind the segment log (docs/adr/0021-segment-log.md): reading a
 * trace by id first waits, briefly, until what was acknowledged before it is loaded, so the trace
 * holds every span acknowledged before the read — a probe reading its own trace, a user opening the
 * trace they just sent. Questions over many events (the engine's SQL) do not wait: they may miss
 * the last load interval (100 ms and one load), and a page such as the map asks many of them.
 * Tenant views read the same way.
 */
final class FreshReads extends ForwardingEventStore {
  /** Waits until the loader has caught up with what was acknowledged, up to a bound. */
  interface CatchUp {
    void await() throws StoreException;
  }

  private final CatchUp catchUp;

  FreshReads(EventStore delegate, CatchUp catchUp) {
    super(delegate);
    this.catchUp = catchUp;
  }

  @Override
  public List<Event> trace(TraceId traceId) throws StoreException {
    catchUp.await();
    return super.trace(traceId);
  }

  @Override
  public EventStore forTenant(String tenant) {
    return new FreshReads(super.forTenant(tenant), catchUp);
  }
}
