package io.sextant.store.spi;

import io.sextant.model.Event;
import io.sextant.model.Tenant;
import java.util.List;

/**
 * The shared part of a store's {@link EventStore#forTenant} view: it is read-only, does not own the
 * store, and answers health and capabilities as the store does. A store implements the reads, each
 * holding the tenant's condition.
 */
public abstract class TenantView implements EventStore {
  protected final EventStore store;
  protected final String tenant;

  protected TenantView(EventStore store, String tenant) {
    this.store = store;
    this.tenant = Tenant.check(tenant);
  }

  /** The tenant this view reads. */
  public String tenant() {
    return tenant;
  }

  @Override
  public void write(List<Event> batch) throws StoreException {
    throw new StoreException(
        "a tenant's view is read-only; events are written to the store with their own tenant");
  }

  @Override
  public long deleteBefore(long cutoffUnixNano) throws StoreException {
    throw new StoreException("retention is the store's, not a tenant's");
  }

  @Override
  public EventStore forTenant(String other) {
    return store.forTenant(other);
  }

  @Override
  public Capabilities capabilities() {
    return store.capabilities();
  }

  @Override
  public Health check() {
    return store.check();
  }

  /** Does nothing: the store is not the view's to close. */
  @Override
  public void close() {}
}
