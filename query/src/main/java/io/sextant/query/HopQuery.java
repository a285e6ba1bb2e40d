package io.sextant.query;

import io.sextant.store.spi.TimeRange;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Calls that cross a process boundary: the spans in {@code range} matching {@code where} (usually
 * client and producer spans), each joined to the service of its child server or consumer span in
 * another service when the trace holds one, grouped by {@code breakdowns} and that callee service.
 * The join is what a dependency map needs and a {@link Question} cannot express: which service
 * answered a call is known only from the other side's span.
 *
 * <p>Children are looked for in {@code range} widened by {@link #CHILD_SLACK_NANOS} on both sides,
 * so a call near an edge of the window still finds its server span.
 */
public record HopQuery(TimeRange range, Filter where, List<String> breakdowns, int limit) {
  public static final long CHILD_SLACK_NANOS = 60_000_000_000L;
  public static final int DEFAULT_LIMIT = 10_000;
  public static final int MAX_LIMIT = 100_000;

  public HopQuery {
    Objects.requireNonNull(range, "range");
    breakdowns = List.copyOf(breakdowns);
    if (limit <= 0) {
      limit = DEFAULT_LIMIT;
    }
    if (limit > MAX_LIMIT) {
      throw new QueryException("limit " + limit + " is over the maximum of " + MAX_LIMIT);
    }
    if (breakdowns.stream().distinct().count() != breakdowns.size()) {
      throw new QueryException("a column is listed twice in the breakdowns");
    }
  }

  /** The window the child spans are looked for in. */
  public TimeRange childRange() {
    return new TimeRange(
        range.fromUnixNano() - CHILD_SLACK_NANOS, range.toUnixNano() + CHILD_SLACK_NANOS);
  }

  /**
   * One group of calls.
   *
   * @param key the breakdown values, in order (null where absent)
   * @param callee the service of the child server/consumer span in another service, or null when no
   *     such span was found (an uninstrumented callee, a database, a host outside)
   * @param calls how many spans
   * @param errors how many of them are errors
   * @param p50 the median duration in nanoseconds (exact, linear interpolation)
   * @param p99 the 99th percentile duration in nanoseconds
   */
  public record Hop(
      List<Object> key, String callee, long calls, long errors, double p50, double p99) {
    public Hop {
      key = Collections.unmodifiableList(new ArrayList<>(key));
    }
  }
}
