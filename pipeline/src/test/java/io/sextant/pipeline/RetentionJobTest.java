package io.sextant.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.model.Event;
import io.sextant.model.SpanId;
import io.sextant.store.spi.MemoryEventStore;
import io.sextant.store.testkit.Fixtures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetentionJobTest {
  @Test
  void runOnce_deletesEventsOlderThanTheRetention_andKeepsTheRest() throws Exception {
    Instant now = Instant.parse("2026-11-23T12:00:00Z");
    long nowNanos = now.toEpochMilli() * 1_000_000L;
    long day = Duration.ofDays(1).toNanos();
    Random rnd = new Random(3);
    Event old =
        Fixtures.span("cart", Fixtures.traceId(rnd), new SpanId(1), nowNanos - 8 * day).build();
    Event recent =
        Fixtures.span("cart", Fixtures.traceId(rnd), new SpanId(2), nowNanos - 6 * day).build();
    MemoryEventStore store = new MemoryEventStore();
    store.write(List.of(old, recent));
    RetentionJob job =
        new RetentionJob(store, Duration.ofDays(7), Clock.fixed(now, ZoneOffset.UTC));
    assertThat(job.runOnce()).isEqualTo(1);
    assertThat(store.trace(old.traceId())).isEmpty();
    assertThat(store.trace(recent.traceId())).containsExactly(recent);
    job.close();
  }
}
