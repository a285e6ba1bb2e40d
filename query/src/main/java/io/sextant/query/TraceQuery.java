package io.sextant.query;

import io.sextant.store.spi.TimeRange;

/** Trace search: traces with at least one event in {@code range} matching {@code where}. */
public record TraceQuery(TimeRange range, Filter where, int limit) {
  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 1_000;

  public TraceQuery {
    if (limit <= 0) {
      limit = DEFAULT_LIMIT;
    }
    if (limit > MAX_LIMIT) {
      throw new QueryException("limit " + limit + " is over the maximum of " + MAX_LIMIT);
    }
  }
}
