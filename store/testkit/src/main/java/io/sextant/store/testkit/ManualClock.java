package io.sextant.store.testkit;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that stands still until it is set or advanced, in Unix nanoseconds, in UTC: for tests and
 * benchmarks that play time forward (SLO windows, alerts) without waiting for it.
 */
public final class ManualClock extends Clock {
  private volatile long unixNano;

  public ManualClock(long unixNano) {
    this.unixNano = unixNano;
  }

  /** Now, in Unix nanoseconds. */
  public long nanos() {
    return unixNano;
  }

  public void set(long unixNano) {
    this.unixNano = unixNano;
  }

  public void advance(long nanos) {
    this.unixNano += nanos;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochSecond(0, unixNano);
  }
}
