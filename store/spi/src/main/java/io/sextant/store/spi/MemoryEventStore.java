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

  private record SpanKey(TraceId traceId, SpanId spanId) {}

  private static Object key(Event e) {
    return e.kind() == EventKind.SPAN ? new SpanKey(e.traceId(), e.spanId()) : e;
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
  public synchronized List<Event> trace(TraceId traceId) {
    ensureOpen();
    List<Event> out = new ArrayList<>();
    for (Event e : events.values()) {
      if (traceId.equals(e.traceId())) {
        out.add(e);
      }
    }
    out.sort(TRACE_ORDER);
    return out;
  }

  @Override
  public synchronized List<ServiceSummary> services(TimeRange range) {
    ensureOpen();
    Map<String, Long> counts = new HashMap<>();
    for (Event e : events.values()) {
      if (range.contains(e.timeUnixNano())) {
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
  public synchronized List<AttributeKey> attributeKeys() {
    ensureOpen();
    Set<AttributeKey> keys = new TreeSet<>(KEY_ORDER);
    for (Event e : events.values()) {
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
  public synchronized Optional<List<Event>> scan(TimeRange range) {
    ensureOpen();
    List<Event> out = new ArrayList<>();
    for (Event e : events.values()) {
      if (range.contains(e.timeUnixNano())) {
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
  public synchronized StoreStats stats() {
    ensureOpen();
    return new StoreStats(events.size(), 0);
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
