package io.sextant.topology;

import io.sextant.query.Aggregate;
import io.sextant.query.Calculation;
import io.sextant.query.Catalog;
import io.sextant.query.Engine;
import io.sextant.query.Question;
import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.TimeRange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The changes of a window, found from the stored events rather than recorded as they arrive: for
 * each service, the first time each {@code service.version} and {@code host.name} was seen, looking
 * back {@code lookback} before the window. A value first seen inside the window is a change; so is
 * a service first seen inside it. Values older than the lookback are forgotten, so a version rolled
 * back to after that long counts as new.
 */
public final class ChangeLog {
  static final List<String> WATCHED = List.of("service.version", "host.name");

  private final Engine engine;
  private final Duration lookback;

  public ChangeLog(Engine engine, Duration lookback) {
    this.engine = engine;
    this.lookback = lookback;
  }

  /** The changes in {@code range}, oldest first. */
  public List<Change> changes(TimeRange range) throws StoreException {
    Catalog catalog = engine.catalog();
    TimeRange seen =
        new TimeRange(Math.max(0, range.fromUnixNano() - lookback.toNanos()), range.toUnixNano());
    List<Change> out = new ArrayList<>();
    Question services =
        Question.over(seen)
            .by("service.name")
            .calculate(Calculation.of(Aggregate.MIN, "time"))
            .limit(Question.MAX_LIMIT)
            .build();
    for (List<Object> r : engine.run(services).rows()) {
      long first = time(r.get(1));
      if (first >= range.fromUnixNano() && first > seen.fromUnixNano()) {
        out.add(new Change(first, (String) r.get(0), "service.name", (String) r.get(0), null));
      }
    }
    for (String attribute : WATCHED) {
      if (!catalog.contains(attribute)) {
        continue;
      }
      // service → its values with first and last time seen, by first seen
      Map<String, List<long[]>> times = new LinkedHashMap<>();
      Map<String, List<String>> values = new LinkedHashMap<>();
      Question q =
          Question.over(seen)
              .by("service.name", attribute)
              .calculate(
                  Calculation.of(Aggregate.MIN, "time"), Calculation.of(Aggregate.MAX, "time"))
              .limit(Question.MAX_LIMIT)
              .build();
      List<List<Object>> rows = new ArrayList<>(engine.run(q).rows());
      rows.sort(Comparator.comparingLong(r -> time(r.get(2))));
      for (List<Object> r : rows) {
        String service = (String) r.get(0);
        long first = time(r.get(2));
        if (r.get(1) == null) {
          continue;
        }
        String value = r.get(1).toString();
        List<String> before = values.computeIfAbsent(service, s -> new ArrayList<>());
        List<long[]> beforeTimes = times.computeIfAbsent(service, s -> new ArrayList<>());
        if (first >= range.fromUnixNano() && !before.isEmpty()) {
          out.add(
              new Change(first, service, attribute, value, previous(before, beforeTimes, first)));
        }
        before.add(value);
        beforeTimes.add(new long[] {first, time(r.get(3))});
      }
    }
    out.sort(
        Comparator.comparingLong(Change::timeUnixNano)
            .thenComparing(Change::service)
            .thenComparing(Change::attribute));
    return out;
  }

  /** A min/max of {@code time}: nanoseconds, which an engine may answer as a double. */
  private static long time(Object v) {
    return ((Number) v).longValue();
  }

  /** Of the values first seen before {@code at}, the one seen last before it. */
  private static String previous(List<String> values, List<long[]> times, long at) {
    String best = values.get(0);
    long bestTime = Long.MIN_VALUE;
    for (int i = 0; i < values.size(); i++) {
      long last = Math.min(times.get(i)[1], at);
      if (last >= bestTime) {
        best = values.get(i);
        bestTime = last;
      }
    }
    return best;
  }
}
