package io.sextant.store.spi;

import io.sextant.model.Event;
import io.sextant.model.TraceId;
import java.util.List;
import java.util.Optional;

/** A store that forwards every call to another; decorators override what they change. */
public abstract class ForwardingEventStore implements EventStore {
  protected final EventStore delegate;

  protected ForwardingEventStore(EventStore delegate) {
    this.delegate = delegate;
  }

  /** One write to the delegate, as {@link #writing} sees it. */
  @FunctionalInterface
  protected interface Write {
    void run() throws StoreException;
  }

  /**
   * Every write of every kind goes through here ({@link #write(List)}, {@link #write(List, long)},
   * {@link #writePrepared}): a decorator that times, watches or fails writes overrides this one
   * method and sees them all.
   *
   * @param events how many events the write holds
   */
  protected void writing(int events, Write write) throws StoreException {
    write.run();
  }

  @Override
  public void write(List<Event> batch) throws StoreException {
    writing(batch.size(), () -> delegate.write(batch));
  }

  @Override
  public void write(List<Event> batch, long journalPosition) throws StoreException {
    writing(batch.size(), () -> delegate.write(batch, journalPosition));
  }

  @Override
  public PreparedBatch prepare(List<Event> batch) {
    return delegate.prepare(batch);
  }

  @Override
  public void writePrepared(List<PreparedBatch> batches, long journalPosition)
      throws StoreException {
    int events = 0;
    for (PreparedBatch b : batches) {
      events += b.size();
    }
    writing(events, () -> delegate.writePrepared(batches, journalPosition));
  }

  @Override
  public long journalPosition() throws StoreException {
    return delegate.journalPosition();
  }

  @Override
  public List<Event> trace(TraceId traceId) throws StoreException {
    return delegate.trace(traceId);
  }

  @Override
  public List<ServiceSummary> services(TimeRange range) throws StoreException {
    return delegate.services(range);
  }

  @Override
  public List<AttributeKey> attributeKeys() throws StoreException {
    return delegate.attributeKeys();
  }

  @Override
  public Optional<SqlAccess> sql() {
    return delegate.sql();
  }

  @Override
  public Optional<List<Event>> scan(TimeRange range) throws StoreException {
    return delegate.scan(range);
  }

  /**
   * The delegate's view, answering {@link #check} as this decorator does (a decorator that tracks
   * write failures reports them to every tenant); its reads are the view's own.
   */
  @Override
  public EventStore forTenant(String tenant) {
    ForwardingEventStore outer = this;
    return new ForwardingEventStore(delegate.forTenant(tenant)) {
      @Override
      public Health check() {
        return outer.check();
      }
    };
  }

  @Override
  public long deleteBefore(long cutoffUnixNano) throws StoreException {
    return delegate.deleteBefore(cutoffUnixNano);
  }

  @Override
  public StoreStats stats() throws StoreException {
    return delegate.stats();
  }

  @Override
  public Capabilities capabilities() {
    return delegate.capabilities();
  }

  @Override
  public Health check() {
    return delegate.check();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
