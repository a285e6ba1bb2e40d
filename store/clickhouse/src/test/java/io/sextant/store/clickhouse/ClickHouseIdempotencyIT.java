package io.sextant.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.query.Calculation;
import io.sextant.query.Engines;
import io.sextant.query.Question;
import io.sextant.query.Result;
import io.sextant.store.spi.MemoryEventStore;
import io.sextant.store.spi.TimeRange;
import io.sextant.store.testkit.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writing the same events again (a writer's redelivery after a crash between the store's commit and
 * its offset commit, a retry, an export run twice) stores nothing twice: the raw row count, read
 * without {@code FINAL} and before any merge, equals the events, and so do stats, services,
 * questions, and the rows after ClickHouse merged the parts.
 */
class ClickHouseIdempotencyIT {
  private static final TimeRange ALL = new TimeRange(0, Long.MAX_VALUE);

  @TempDir Path dir;

  /** The store kept in {@code dir}, on the server these tests run against. */
  ClickHouseEventStore open(Path dir) throws Exception {
    return (ClickHouseEventStore) TestServer.open(dir);
  }

  @Test
  void redeliveredBatches_countOnce_beforeAndAfterMerges() throws Exception {
    Random rnd = new Random(42);
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      events.addAll(Fixtures.trace(rnd, Fixtures.T0 + i * 1_000_000L, 1 + rnd.nextInt(6)));
    }
    for (int i = 0; i < 100; i++) {
      events.add(
          Event.metric()
              .resource(Fixtures.resource("db-proxy"))
              .name("pool.size")
              .timeUnixNano(Fixtures.T0 + i * 1_000L)
              .attributes(Attributes.of("metric.name", "pool.size", "value", (long) (i % 7)))
              .build());
    }
    MemoryEventStore reference = new MemoryEventStore();
    reference.write(events);
    try (ClickHouseEventStore store = open(dir)) {
      // No merge may remove a duplicate before it is counted: only the write can keep it out.
      store.execute("SYSTEM STOP MERGES events");
      store.write(events);
      // A redelivery of the whole batch, then of overlapping halves in another order.
      store.write(events);
      List<Event> shuffled = new ArrayList<>(events);
      Collections.shuffle(shuffled, new Random(7));
      store.write(shuffled.subList(0, shuffled.size() * 2 / 3));
      store.write(shuffled.subList(shuffled.size() / 3, shuffled.size()));

      long raw = (Long) store.select("SELECT count() FROM events").rows.get(0)[0];
      assertThat(raw).as("rows stored, before any merge").isEqualTo(events.size());

      assertCountedOnce(store, reference, events.size());

      store.execute("SYSTEM START MERGES events");
      store.execute("OPTIMIZE TABLE events FINAL");
      long merged = (Long) store.select("SELECT count() FROM events").rows.get(0)[0];
      assertThat(merged).as("rows after merging").isEqualTo(events.size());
      assertCountedOnce(store, reference, events.size());
    }
  }

  private static void assertCountedOnce(
      ClickHouseEventStore store, MemoryEventStore reference, int n) throws Exception {
    assertThat(store.stats().events()).isEqualTo(n);
    assertThat(store.services(ALL)).isEqualTo(reference.services(ALL));
    Question q =
        Question.over(new TimeRange(Fixtures.T0, Fixtures.T0 + 1_000_000_000_000L))
            .by("service.name", "kind")
            .calculate(Calculation.count())
            .limit(100)
            .build();
    Result actual = Engines.of(store).run(q);
    Result expected = Engines.of(reference).run(q);
    assertThat(actual.rows()).isEqualTo(expected.rows());
  }
}
