package io.sextant.server;

import io.sextant.model.Event;
import io.sextant.model.TraceId;
import io.sextant.store.spi.AttributeKey;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.ForwardingEventStore;
import io.sextant.store.spi.ServiceSummary;
import io.sextant.store.spi.SqlAccess;
import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.StoreStats;
import io.sextant.store.spi.TimeRange;
import java.util.List;
import java.util.Optional;

/**
 * The store as its readers see it behind the segment log (docs/adr/0021-segment-log.md): each read
 * first waits, briefly, until what was acknowledged before it is loaded, so an answer includes
 * every event acknowledged before the question — a probe reading its own trace, a user opening the
 * trace they just sent, a test. Tenant views read the same way.
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
  public List<ServiceSummary> services(TimeRange range) throws StoreException {
    catchUp.await();
    return super.services(range);
  }

  @Override
  public List<AttributeKey> attributeKeys() throws StoreException {
    catchUp.await();
    return super.attributeKeys();
  }

  @Override
  public Optional<List<Event>> scan(TimeRange range) throws StoreException {
    catchUp.await();
    return super.scan(range);
  }

  @Override
  public StoreStats stats() throws StoreException {
    catchUp.await();
    return super.stats();
  }

  @Override
  public Optional<SqlAccess> sql() {
    return super.sql()
        .map(
            sql ->
                new SqlAccess() {
                  @Override
                  public String dialect() {
                    return sql.dialect();
                  }

                  @Override
                  public SqlLayout layout() {
                    return sql.layout();
                  }

                  @Override
                  public <T> T select(String statement, List<?> params, RowReader<T> reader)
                      throws StoreException {
                    catchUp.await();
                    return sql.select(statement, params, reader);
                  }
                });
  }

  @Override
  public EventStore forTenant(String tenant) {
    return new FreshReads(super.forTenant(tenant), catchUp);
  }
}
