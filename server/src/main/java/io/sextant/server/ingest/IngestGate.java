package io.sextant.server.ingest;

import io.sextant.ingest.DecodeResult;
import io.sextant.ingest.redact.Redactor;
import io.sextant.model.Event;
import io.sextant.model.Tenant;
import io.sextant.pipeline.EventSink;
import io.sextant.pipeline.Overloaded;
import io.sextant.server.security.TenantLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The one path from a decoded request to an acknowledgement, shared by every protocol: submit the
 * accepted events and complete when they are durable. Protocols only translate the outcome.
 */
public final class IngestGate {
  private final EventSink writer;
  private final IngestCounters counters;
  private final Redactor redactor;
  private final TenantLimits limits;

  public IngestGate(EventSink writer, IngestCounters counters) {
    this(writer, counters, Redactor.none(), TenantLimits.NONE);
  }

  /**
   * As above; {@code redactor} removes secrets from every event before it is queued, and {@code
   * limits} keeps each tenant to its share.
   */
  public IngestGate(
      EventSink writer, IngestCounters counters, Redactor redactor, TenantLimits limits) {
    this.writer = writer;
    this.counters = counters;
    this.redactor = redactor;
    this.limits = limits;
  }

  /**
   * Completes when {@code decoded}'s events, written as {@code tenant}'s, are durable (normally) or
   * could not be stored (exceptionally, with the store's reason).
   *
   * @throws Overloaded when the write queue is full or the tenant is over a limit; nothing of the
   *     request was taken
   */
  public CompletableFuture<Void> accept(
      IngestCounters.Signal signal, DecodeResult decoded, String tenant) throws Overloaded {
    List<Event> events = decoded.events();
    if (!tenant.equals(Tenant.DEFAULT)) {
      List<Event> owned = new ArrayList<>(events.size());
      for (Event e : events) {
        owned.add(e.withTenant(tenant));
      }
      events = owned;
    }
    int n = events.size();
    CompletableFuture<Void> durable;
    try {
      limits.take(tenant, n);
      try {
        durable = writer.submit(redactor.apply(events));
      } catch (Overloaded e) {
        limits.release(tenant, n);
        throw e;
      }
    } catch (Overloaded e) {
      counters.requestsOverloaded.increment();
      throw e;
    }
    return durable.whenComplete(
        (ok, failure) -> {
          limits.release(tenant, n);
          if (failure == null) {
            counters.accepted(signal, decoded.events().size(), decoded.rejected());
          } else {
            counters.requestsFailed.increment();
          }
        });
  }

  public IngestCounters counters() {
    return counters;
  }
}
