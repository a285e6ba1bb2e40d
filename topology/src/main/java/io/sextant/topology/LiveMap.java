package io.sextant.topology;

import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.TimeRange;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The map of any window on demand, with a short cache: a map asked for again within {@code ttl} is
 * not recomputed, so a page refreshing every few seconds costs one build per refresh at most.
 * Thread-safe; two callers asking for the same uncached window may both build it.
 */
public final class LiveMap {
  /** How many windows are kept. */
  static final int ENTRIES = 16;

  private final MapBuilder builder;
  private final Clock clock;
  private final Duration ttl;
  private final Map<TimeRange, Cached> cache =
      new LinkedHashMap<>(ENTRIES, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<TimeRange, Cached> eldest) {
          return size() > ENTRIES;
        }
      };

  private record Cached(DependencyMap map, long builtMillis) {}

  public LiveMap(MapBuilder builder, Clock clock, Duration ttl) {
    this.builder = builder;
    this.clock = clock;
    this.ttl = ttl;
  }

  public DependencyMap map(TimeRange range) throws StoreException {
    long now = clock.millis();
    synchronized (cache) {
      Cached c = cache.get(range);
      if (c != null && now - c.builtMillis() < ttl.toMillis()) {
        return c.map();
      }
    }
    DependencyMap map = builder.build(range);
    synchronized (cache) {
      cache.put(range, new Cached(map, now));
    }
    return map;
  }

  public Duration ttl() {
    return ttl;
  }
}
