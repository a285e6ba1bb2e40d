package io.sextant.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.model.Event;
import io.sextant.store.spi.StoreException;
import io.sextant.store.testkit.Fixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A store opened while ClickHouse is down (Sextant started first, as a process supervisor may do)
 * reports why and refuses writes with the reason; once ClickHouse is up it creates its schema on a
 * later call, with no restart, and keeps what it is given.
 */
class ClickHouseUnavailableIT {
  @Test
  void openedBeforeClickHouse_becomesUsableWhenItStarts() throws Exception {
    int http = LocalClickHouse.freePort();
    int tcp = LocalClickHouse.freePort();
    List<Event> trace = Fixtures.trace(new Random(3), Fixtures.T0, 4);
    ClickHouseConfig config =
        new ClickHouseConfig(
            java.net.URI.create("http://127.0.0.1:" + http), "late", Duration.ofSeconds(30));

    try (ClickHouseEventStore store = ClickHouseEventStore.open(config)) {
      assertThat(store.check().healthy()).isFalse();
      assertThat(store.check().detail()).isNotBlank();
      assertThatThrownBy(() -> store.write(trace))
          .isInstanceOf(StoreException.class)
          .hasMessageNotContaining("null");

      Path dir = Path.of("target", "clickhouse-it", "late-" + ProcessHandle.current().pid());
      try (LocalClickHouse server = LocalClickHouse.start(dir, http, tcp, "")) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        StoreException last = null;
        boolean written = false;
        while (!written && System.nanoTime() < deadline) {
          try {
            store.write(trace);
            written = true;
          } catch (StoreException e) {
            last = e; // within the retry interval, or the schema still being made
            Thread.sleep(250);
          }
        }
        assertThat(written).as("written once ClickHouse is up (last: %s)", last).isTrue();
        assertThat(store.check().healthy()).isTrue();
        assertThat(store.trace(trace.get(0).traceId())).hasSize(trace.size());
      }
    }
  }
}
