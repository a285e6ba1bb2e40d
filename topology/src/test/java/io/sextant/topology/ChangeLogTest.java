package io.sextant.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.TraceId;
import io.sextant.query.Engines;
import io.sextant.store.duckdb.DuckDbConfig;
import io.sextant.store.duckdb.DuckDbEventStore;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.MemoryEventStore;
import io.sextant.store.spi.TimeRange;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChangeLogTest {
  static final long MIN = 60_000_000_000L;
  static final long MS = 1_000_000L;
  static final long T0 = Fixture.T0;

  @TempDir Path dir;

  private static Event at(long time, String service, String version, String host) {
    return Event.span(new TraceId(0, time / MS), new SpanId(time / MS))
        .timeUnixNano(time)
        .resource(
            new Resource(
                Attributes.of(
                    "service.name", service, "service.version", version, "host.name", host)))
        .name("GET /")
        .spanKind(SpanKind.SERVER)
        .durationNanos(1_000)
        .build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "duckdb"})
  void newVersionsHostsAndServices_areChangesWithTheirPreviousValue(String engine)
      throws Exception {
    List<Event> events = new ArrayList<>();
    for (int m = 0; m < 60; m++) {
      events.add(
          at(T0 + m * MIN + MS, "cart", m < 40 ? "1.0" : "1.1", m < 50 ? "host-a" : "host-b"));
    }
    events.add(at(T0 + 45 * MIN + 2 * MS, "search", "0.9", "host-a"));
    try (EventStore store =
        engine.equals("memory")
            ? new MemoryEventStore()
            : DuckDbEventStore.open(DuckDbConfig.defaults(dir))) {
      store.write(events);
      ChangeLog log = new ChangeLog(Engines.of(store), Duration.ofHours(1));

      List<Change> changes = log.changes(new TimeRange(T0 + 30 * MIN, T0 + 60 * MIN));

      // Times are exact to the microsecond: engines compute min(time) through a double.
      assertThat(changes)
          .extracting(
              c ->
                  Math.round((c.timeUnixNano() - T0) / 1e3)
                      + " "
                      + c.service()
                      + " "
                      + c.attribute()
                      + " "
                      + c.value()
                      + " "
                      + c.previous())
          .containsExactly(
              (40 * MIN + MS) / 1_000 + " cart service.version 1.1 1.0",
              (45 * MIN + 2 * MS) / 1_000 + " search service.name search null",
              (50 * MIN + MS) / 1_000 + " cart host.name host-b host-a");
      assertThat(log.changes(new TimeRange(T0 + 55 * MIN, T0 + 60 * MIN))).isEmpty();
    }
  }
}
