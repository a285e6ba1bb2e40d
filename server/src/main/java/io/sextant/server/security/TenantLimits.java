package io.sextant.server.security;

import io.sextant.pipeline.Overloaded;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-tenant ingest limits, so one tenant's flood cannot fill the write queue that every tenant
 * shares: events per second (a token bucket holding one second's worth, refilled continuously) and
 * events queued but not yet durable. A request over either is refused whole with 429 /
 * RESOURCE_EXHAUSTED and a retry hint, like a full queue; nothing of it is taken. A limit of 0 is
 * off.
 */
public final class TenantLimits {
  /** No limits. */
  public static final TenantLimits NONE = new TenantLimits(0, 0, System::nanoTime);

  private final long eventsPerSecond;
  private final long queuedEvents;
  private final LongSupplier nanos;
  private final Map<String, Budget> budgets = new ConcurrentHashMap<>();

  /**
   * @param eventsPerSecond the most events (spans, logs, metric points) a tenant may send per
   *     second, 0 for no limit
   * @param queuedEvents the most events of a tenant waiting to be stored, 0 for no limit
   */
  public TenantLimits(long eventsPerSecond, long queuedEvents) {
    this(eventsPerSecond, queuedEvents, System::nanoTime);
  }

  TenantLimits(long eventsPerSecond, long queuedEvents, LongSupplier nanos) {
    if (eventsPerSecond < 0 || queuedEvents < 0) {
      throw new IllegalArgumentException("a tenant limit is negative");
    }
    this.eventsPerSecond = eventsPerSecond;
    this.queuedEvents = queuedEvents;
    this.nanos = nanos;
  }

  public boolean enabled() {
    return eventsPerSecond > 0 || queuedEvents > 0;
  }

  private final class Budget {
    private double tokens = eventsPerSecond;
    private long refilledAt = nanos.getAsLong();
    private long queued;

    synchronized void take(String tenant, int events) throws Overloaded {
      if (queuedEvents > 0 && queued > 0 && queued + events > queuedEvents) {
        throw new Overloaded(
            "tenant "
                + tenant
                + " has "
                + queued
                + " events waiting to be stored, its limit is "
                + queuedEvents
                + "; retry later",
            1);
      }
      if (eventsPerSecond > 0) {
        long now = nanos.getAsLong();
        tokens = Math.min(eventsPerSecond, tokens + (now - refilledAt) * eventsPerSecond / 1e9);
        refilledAt = now;
        // A request larger than a second's worth passes when the bucket is full, then owes.
        if (tokens <= 0) {
          int wait = (int) Math.ceil(Math.max(1, -tokens + 1) / eventsPerSecond);
          throw new Overloaded(
              "tenant " + tenant + " is over its limit of " + eventsPerSecond + " events/s", wait);
        }
        tokens -= events;
      }
      queued += events;
    }

    synchronized void release(int events) {
      queued -= events;
    }
  }

  /**
   * Takes {@code events} of {@code tenant}'s budget; the caller gives them back with {@link
   * #release} once they are stored or failed.
   *
   * @throws Overloaded when the tenant is over a limit; nothing was taken
   */
  public void take(String tenant, int events) throws Overloaded {
    if (enabled()) {
      budgets.computeIfAbsent(tenant, t -> new Budget()).take(tenant, events);
    }
  }

  public void release(String tenant, int events) {
    if (enabled()) {
      Budget b = budgets.get(tenant);
      if (b != null) {
        b.release(events);
      }
    }
  }
}
