package io.sextant.store.spi;

/** A half-open time interval [{@code fromUnixNano}, {@code toUnixNano}). */
public record TimeRange(long fromUnixNano, long toUnixNano) {
  public TimeRange {
    if (toUnixNano < fromUnixNano) {
      throw new IllegalArgumentException("time range ends before it starts");
    }
  }

  public boolean contains(long timeUnixNano) {
    return timeUnixNano >= fromUnixNano && timeUnixNano < toUnixNano;
  }

  public boolean isEmpty() {
    return fromUnixNano == toUnixNano;
  }
}
