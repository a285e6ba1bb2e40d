package io.sextant.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.query.Calculation;
import io.sextant.query.Engine;
import io.sextant.query.Engines;
import io.sextant.query.Question;
import io.sextant.query.TraceQuery;
import io.sextant.store.spi.MemoryEventStore;
import io.sextant.store.spi.TimeRange;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ArchiveRoutingTest {
  static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  static final long CUTOFF = NOW.minus(Duration.ofDays(7)).toEpochMilli() * 1_000_000L;
  static final long H = 3_600_000_000_000L;

  final Engine hot = Engines.of(new MemoryEventStore());
  final Engine archive = Engines.of(new MemoryEventStore());
  final ArchiveRouting routing =
      new ArchiveRouting(hot, archive, Duration.ofDays(7), Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void aRangeEndingByTheRetentionCutoff_isTheArchives() {
    assertThat(routing.of(new TimeRange(CUTOFF - 5 * H, CUTOFF))).isSameAs(archive);
    assertThat(routing.of(new TimeRange(0, CUTOFF - H))).isSameAs(archive);
  }

  @Test
  void aRangeReachingPastTheCutoff_isTheHotStores() {
    assertThat(routing.of(new TimeRange(CUTOFF - 5 * H, CUTOFF + 1))).isSameAs(hot);
    assertThat(routing.of(new TimeRange(CUTOFF, CUTOFF + H))).isSameAs(hot);
  }

  @Test
  void everyKindOfQuestion_isRoutedByItsRange() throws Exception {
    MemoryEventStore old = new MemoryEventStore();
    old.write(
        io.sextant.store.testkit.Fixtures.traces(
            new java.util.Random(1), CUTOFF - 3 * H, 1_000_000_000L, 4, 2));
    ArchiveRouting r =
        new ArchiveRouting(
            hot, Engines.of(old), Duration.ofDays(7), Clock.fixed(NOW, ZoneOffset.UTC));
    TimeRange before = new TimeRange(CUTOFF - 4 * H, CUTOFF - H);
    assertThat(r.run(Question.over(before).calculate(Calculation.count()).build()).rows())
        .containsExactly(java.util.List.of(16L));
    assertThat(r.traces(new TraceQuery(before, null, 10))).hasSize(4);
    assertThat(
            r.run(
                    Question.over(new TimeRange(CUTOFF - 4 * H, NOW.toEpochMilli() * 1_000_000L))
                        .calculate(Calculation.count())
                        .build())
                .rows())
        .containsExactly(java.util.List.of(0L));
  }
}
