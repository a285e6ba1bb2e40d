package io.sextant.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.query.Engines;
import io.sextant.store.spi.MemoryEventStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LiveMapTest {
  @Test
  void map_isReusedWithinTheTtl_andRebuiltAfter() throws Exception {
    MemoryEventStore store = new MemoryEventStore();
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-23T12:00:00Z"));
    Clock clock =
        new Clock() {
          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now.get();
          }
        };
    LiveMap live = new LiveMap(new MapBuilder(Engines.of(store)), clock, Duration.ofSeconds(5));

    DependencyMap empty = live.map(Fixture.WINDOW);
    assertThat(empty.nodes()).isEmpty();
    store.write(Fixture.shop().events());
    assertThat(live.map(Fixture.WINDOW)).isSameAs(empty);

    now.set(now.get().plusSeconds(5));
    assertThat(live.map(Fixture.WINDOW).nodes()).hasSize(7);
  }
}
