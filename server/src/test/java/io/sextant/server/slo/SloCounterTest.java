package io.sextant.server.slo;

import static io.sextant.server.slo.IngestHarness.MIN;
import static io.sextant.server.slo.IngestHarness.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.model.Event;
import io.sextant.pipeline.BatchingWriter;
import io.sextant.pipeline.LogSink;
import io.sextant.pipeline.StoreSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Counting at ingest against the questions it replaces, on a real DuckDB store through both of the
 * server's ingest paths: after twenty minutes of mixed events (spans and logs, errors, slow ones,
 * attributes on records and resources, numbers sent as doubles, two tenants, events late by up to
 * twenty minutes, ahead by up to three, and older than the window), every minute of every SLO's
 * window holds exactly what a question over the store answers, and the ticks of the last ten
 * minutes, when no event came late into a minute questions own, asked the store nothing.
 */
class SloCounterTest {
  @TempDir Path dir;

  static final long SECOND = 1_000_000_000L;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"group commit", "segment log"})
  void countsAtIngest_equalWhatQuestionsAnswer_andTheTicksAskNothing(String path) throws Exception {
    try (IngestHarness h = new IngestHarness(dir.resolve("db"))) {
      Random r = new Random(16);
      List<Slo> slos = IngestHarness.mixedSlos();
      // Two hours stored before the server started, and some stamped ahead of its clock.
      h.store.write(h.randomEvents(r, T0 - 120 * MIN, T0, 3_000));
      h.store.write(h.randomEvents(r, T0 + 2 * MIN, T0 + 4 * MIN, 40));
      h.clock.set(T0 + 10 * SECOND);
      try (StoreSink sink = sink(path, h)) {
        h.evaluator = h.evaluator(slos, h.counter);
        h.evaluator.tick(); // the first count: the windows, by questions
        assertThat(h.evaluator.statuses()).allSatisfy(s -> assertThat(s.error()).isNull());
        long steady = 0;
        for (int minute = 0; minute < 20; minute++) {
          if (minute == 10) {
            if (sink instanceof LogSink log) {
              assertThat(log.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
            }
            h.evaluator.tick();
            steady = h.counting.questions();
          }
          for (int quarter = 0; quarter < 4; quarter++) {
            long t = h.clock.nanos();
            List<Event> batch = h.randomEvents(r, t, t + 15 * SECOND, 40);
            // Late by up to 20 minutes, ahead by up to 3, and two days old: older than the window.
            // In the first five minutes late ones may go to minutes questions own (before the
            // start, or stamped ahead and stored before it), which are then asked again; later
            // only to minutes the counter owns.
            long earliest = minute < 5 ? T0 - 30 * MIN : T0 + 5 * MIN;
            batch.add(h.random(r, Math.max(earliest, t - r.nextInt(20) * MIN)));
            batch.add(h.random(r, t + r.nextInt(180) * SECOND));
            batch.add(h.random(r, t - 2 * 24 * 60 * MIN));
            submit(sink, batch);
            h.clock.advance(15 * SECOND);
            h.evaluator.tick();
          }
        }
        assertThat(h.counting.questions() - steady).as("questions in the last 10 minutes").isZero();
        if (sink instanceof LogSink log) {
          assertThat(log.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
        }
        h.evaluator.tick();
        assertThat(h.evaluator.statuses()).allSatisfy(s -> assertThat(s.error()).isNull());
        h.assertRingsAnswerAsQuestions(slos);
      }
    }
  }

  private StoreSink sink(String path, IngestHarness h) throws Exception {
    if (path.equals("segment log")) {
      return new LogSink(
              dir.resolve("log"),
              h.store,
              new LogSink.Config(1_000_000, 122_880, 20, 1 << 20),
              h.counter)
          .start();
    }
    return new BatchingWriter(h.store, BatchingWriter.Config.defaults(), h.counter).start();
  }

  /** {@code events} in three requests, waiting for their acknowledgements. */
  static void submit(StoreSink sink, List<Event> events) throws Exception {
    List<CompletableFuture<Void>> acks = new ArrayList<>();
    int third = events.size() / 3;
    acks.add(sink.submit(events.subList(0, third)));
    acks.add(sink.submit(events.subList(third, 2 * third)));
    acks.add(sink.submit(events.subList(2 * third, events.size())));
    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
  }
}
