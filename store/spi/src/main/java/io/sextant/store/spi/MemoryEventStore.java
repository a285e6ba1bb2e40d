package io.sextant.store.spi;

import io.sextant.model.Event;
import io.sextant.model.EventKind;
import io.sextant.model.SpanId;
import io.sextant.model.TraceId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The reference store: every event in one map behind one lock, nothing on disk. It is meant to be
 * obviously correct rather than fast; the contract suite runs against it first and other stores are
 * compared with it.
 *
 * <p>A span is keyed by its trace id and span id, so writing it again replaces it; a log record is
 * keyed by itself, so only an equal record is a duplicate.
 */
public final class MemoryEventStore implements EventStore {
  private static final Capabilities CAPABILITIES = new Capabilities(false, true);

  /** Time, then span id in hex order; events without a span id after those with one. */
  private static final Comparator<Event> TRACE_ORDER =
      Comparator.comparingLong(Event::timeUnixNano)
          .thenComparing(
              Event::spanId,
              Comparator.nullsLast(
                  (SpanId a, SpanId b) -> Long.compareUnsigned(a.value(), b.value())));

  private final Map<Object, Event> events = new LinkedHashMap<>();
  private boolean closed;

  private record SpanKey(String tenant, TraceId traceId, SpanId spanId) {}

  private static Object key(Event e) {
    return e.kind() == EventKind.SPAN ? new SpanKey(e.tenant(), e.traceId(), e.spanId()) : e;
  }

  /** Whether {@code e} is read by a reader of {@code tenant}: every event when it is null. */
  private static boolean in(String tenant, Event e) {
    return tenant == null || tenant.equals(e.tenant());
  }

  @Override
  public synchronized void write(List<Event> batch) {
    ensureOpen();
    // Checked before anything is stored, so that a bad batch leaves nothing behind.
    for (int i = 0; i < batch.size(); i++) {
      Objects.requireNonNull(batch.get(i), "batch has a null event at index " + i);
    }
    for (Event e : batch) {
      events.put(key(e), e);
    }
  }

  @Override
  public List<Event> trace(TraceId traceId) {
    return trace(null, traceId);
  }

  private synchronized List<Event> trace(String tenant, TraceId traceId) {
    ensureOpen();
    List<Event> out = new ArrayList<>();
    for (Event e : events.values()) {
      if (traceId.equals(e.traceId()) && in(tenant, e)) {
        out.add(e);
      }
    }
    out.sort(TRACE_ORDER);
    return out;
  }

  @Override
  public List<ServiceSummary> services(TimeRange range) {
    return services(null, range);
  }

  private synchronized List<ServiceSummary> services(String tenant, TimeRange range) {
    ensureOpen();
    Map<String, Long> counts = new HashMap<>();
    for (Event e : events.values()) {
      if (range.contains(e.timeUnixNano()) && in(tenant, e)) {
        counts.merge(e.serviceName(), 1L, Long::sum);
      }
    }
    List<ServiceSummary> out = new ArrayList<>();
    counts.forEach((name, n) -> out.add(new ServiceSummary(name, n)));
    out.sort(
        Comparator.comparingLong(ServiceSummary::events)
            .reversed()
            .thenComparing(ServiceSummary::name));
    return out;
  }

  @Override
  public List<AttributeKey> attributeKeys() {
    return attributeKeys(null);
  }

  private synchronized List<AttributeKey> attributeKeys(String tenant) {
    ensureOpen();
    Set<AttributeKey> keys = new TreeSet<>(KEY_ORDER);
    for (Event e : events.values()) {
      if (!in(tenant, e)) {
        continue;
      }
      e.attributes()
          .asMap()
          .forEach(
              (k, v) -> keys.add(new AttributeKey(k, AttributeKey.Origin.RECORD, FieldType.of(v))));
      e.resource()
          .attributes()
          .asMap()
          .forEach(
              (k, v) ->
                  keys.add(new AttributeKey(k, AttributeKey.Origin.RESOURCE, FieldType.of(v))));
    }
    return List.copyOf(keys);
  }

  private static final Comparator<AttributeKey> KEY_ORDER =
      Comparator.comparing(AttributeKey::key)
          .thenComparing(AttributeKey::origin)
          .thenComparing(AttributeKey::type);

  @Override
  public Optional<List<Event>> scan(TimeRange range) {
    return scan(null, range);
  }

  private synchronized Optional<List<Event>> scan(String tenant, TimeRange range) {
    ensureOpen();
    List<Event> out = new ArrayList<>();
    for (Event e : events.values()) {
      if (range.contains(e.timeUnixNano()) && in(tenant, e)) {
        out.add(e);
      }
    }
    return Optional.of(out);
  }

  @Override
  public synchronized long deleteBefore(long cutoffUnixNano) {
    ensureOpen();
    long deleted = 0;
    for (Iterator<Event> it = events.values().iterator(); it.hasNext(); ) {
      if (it.next().timeUnixNano() < cutoffUnixNano) {
        it.remove();
        deleted++;
      }
    }
    return deleted;
  }

  @Override
  public StoreStats stats() {
    return stats(null);
  }

  private synchronized StoreStats stats(String tenant) {
    ensureOpen();
    return new StoreStats(events.values().stream().filter(e -> in(tenant, e)).count(), 0);
  }

  @Override
  public EventStore forTenant(String tenant) {
    return new TenantView(this, tenant) {
      @Override
      public List<Event> trace(TraceId traceId) {
        return MemoryEventStore.this.trace(tenant, traceId);
      }

      @Override
      public List<ServiceSummary> services(TimeRange range) {
        return MemoryEventStore.this.services(tenant, range);
      }

      @Override
      public List<AttributeKey> attributeKeys() {
        return MemoryEventStore.this.attributeKeys(tenant);
      }

      @Override
      public Optional<List<Event>> scan(TimeRange range) {
        return MemoryEventStore.this.scan(tenant, range);
      }

      @Override
      public StoreStats stats() {
        return MemoryEventStore.this.stats(tenant);
      }
    };
  }

  @Override
  public Capabilities capabilities() {
    return CAPABILITIES;
  }

  /** Unhealthy once closed, rather than throwing: a status page may still ask. */
  @Override
  public synchronized Health check() {
    return closed ? Health.unhealthy("the store is closed") : Health.ok();
  }

  @Override
  public synchronized void close() {
    closed = true;
    events.clear();
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the store is closed");
    }
  }
}
