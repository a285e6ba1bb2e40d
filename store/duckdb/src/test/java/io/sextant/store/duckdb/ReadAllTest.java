package io.sextant.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.model.Event;
import io.sextant.store.testkit.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DuckDbEventStore#readAll}, which {@code sextant export} reads the file with. */
class ReadAllTest {
  @TempDir Path dir;

  @Test
  void readAll_handsOverEveryEventOfEveryTenant_once_inTimeOrder_inBoundedBatches()
      throws Exception {
    Random rnd = new Random(7);
    List<Event> events = new ArrayList<>();
    // Spread over a day, then a burst: 60 events of one trace in the same millisecond, so a time
    // window holds far more than a batch.
    events.addAll(Fixtures.traces(rnd, Fixtures.T0, 3_600_000_000_000L, 24, 5));
    for (Event e : Fixtures.traces(rnd, Fixtures.T0 + 1_000, 1, 3, 18)) {
      events.add(e.withTenant("acme"));
    }
    events.add(
        Fixtures.spanWithEveryField(
            Fixtures.traceId(rnd), Fixtures.spanId(rnd), Fixtures.spanId(rnd), Fixtures.T0 + 5));
    List<List<Event>> batches = new ArrayList<>();
    long handed;
    try (DuckDbEventStore store = DuckDbEventStore.open(new DuckDbConfig(dir, "256MB", 0))) {
      store.write(events.subList(0, 50));
      store.write(events.subList(50, events.size()));
      handed = store.readAll(7, batches::add);
    }
    List<Event> read = batches.stream().flatMap(List::stream).toList();
    assertThat(handed).isEqualTo(events.size());
    assertThat(read).hasSameSizeAs(events);
    assertThat(new HashSet<>(read)).isEqualTo(new HashSet<>(events));
    assertThat(batches).allMatch(b -> !b.isEmpty() && b.size() <= 7);
    for (int i = 1; i < read.size(); i++) {
      assertThat(read.get(i).timeUnixNano()).isGreaterThanOrEqualTo(read.get(i - 1).timeUnixNano());
    }
    assertThat(read).anyMatch(e -> e.tenant().equals("acme"));
  }

  @Test
  void readAll_ofAnEmptyStore_handsOverNothing() throws Exception {
    try (DuckDbEventStore store = DuckDbEventStore.open(new DuckDbConfig(dir, "256MB", 0))) {
      List<List<Event>> batches = new ArrayList<>();
      assertThat(store.readAll(100, batches::add)).isZero();
      assertThat(batches).isEmpty();
    }
  }
}
