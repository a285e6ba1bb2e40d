package io.sextant.server.slo;

import static io.sextant.server.slo.IngestHarness.MIN;
import static io.sextant.server.slo.IngestHarness.T0;
import static io.sextant.server.slo.IngestHarness.TENANT;
import static io.sextant.server.slo.IngestHarness.slo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.StatusCode;
import io.sextant.model.TraceId;
import io.sextant.pipeline.BatchingWriter;
import io.sextant.query.QueryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where counting at ingest meets counting by questions: the start (no event counted twice or not at
 * all, whichever side of the start it was stored, counted or stamped), late events, an edit of an
 * SLO's conditions, and a catalog that learns an attribute's type or place after the start.
 */
class SloSeamTest {
  static final long SECOND = 1_000_000_000L;

  @TempDir Path dir;
  private int ids;

  /** A gateway server span at {@code time}. */
  Event span(long time, boolean error, Object... attributes) {
    ids++;
    return Event.span(new TraceId(5, ids), new SpanId(ids))
        .resource(new Resource(Attributes.of("service.name", "gateway")))
        .name("GET /x")
        .spanKind(SpanKind.SERVER)
        .timeUnixNano(time)
        .durationNanos(100_000_000L)
        .status(error ? StatusCode.ERROR : StatusCode.UNSET)
        .attributes(Attributes.of(attributes))
        .tenant(TENANT)
        .build();
  }

  /** What ingest does with {@code events}: taken, stored, then the tap's action. */
  static void ingest(IngestHarness h, List<Event> events) throws Exception {
    Runnable stored = h.counter.taken(events);
    h.store.write(events);
    if (stored != null) {
      stored.run();
    }
  }

  /** Ticks every 15 s until {@code until}. */
  static void tickUntil(IngestHarness h, long until) {
    while (h.clock.nanos() < until) {
      h.clock.set(Math.min(until, h.clock.nanos() + 15 * SECOND));
      h.evaluator.tick();
    }
  }

  @Test
  void start_countsEveryEventOnce_whicheverSideOfTheStartItWasStoredOrStamped() throws Exception {
    try (IngestHarness h = new IngestHarness(dir.resolve("db"))) {
      List<Slo> slos = List.of(slo("gw", "service.name = gateway", "status != error"));
      List<Event> history = new ArrayList<>();
      for (int i = 0; i < 600; i++) {
        history.add(span(T0 - 60 * MIN + i * 6 * SECOND, i % 7 == 0));
      }
      h.store.write(history);
      h.clock.set(T0 + 50 * SECOND); // the start's minute is T0; the counter counts from T0 + 1 min
      long m0 = h.current() + 1;

      // Stamped 20 s ahead of the clock, stored and seen before the counting started.
      ingest(h, List.of(span(T0 + 70 * SECOND, false)));
      // Taken before the start, stored before it, their stored-action run after it.
      List<Event> b = List.of(span(T0 + 75 * SECOND, true));
      Runnable bStored = h.counter.taken(b);
      h.store.write(b);
      // Taken before the start, stored and counted after it.
      List<Event> c =
          List.of(
              span(T0 + 80 * SECOND, false),
              span(T0 + 59 * SECOND, false),
              span(T0 + 190 * SECOND, false));
      Runnable cStored = h.counter.taken(c);

      h.evaluator = h.evaluator(slos, h.counter);
      h.evaluator.tick();
      bStored.run();
      h.store.write(c);
      cStored.run();
      // The start's own minute, a little late: questions own it and ask it again.
      ingest(h, List.of(span(T0 + 55 * SECOND, true)));
      // After the start and ahead of the clock: ingest's.
      ingest(h, List.of(span(T0 + 130 * SECOND, false), span(T0 + 150 * SECOND, true)));

      tickUntil(h, T0 + 6 * MIN);
      // Late into a minute before the start, after the ticks stopped asking it again: questions
      // own it, and a late event makes them ask it once more.
      ingest(h, List.of(span(T0 - 30 * SECOND, true)));
      // Late into minutes the counter owns: counted.
      ingest(h, List.of(span(T0 + 140 * SECOND, true), span(T0 + 200 * SECOND, false)));
      long before = h.counting.questions();
      tickUntil(h, T0 + 9 * MIN);
      // T0-1 min and T0+3 min, whose event taken before the start handed it to questions.
      assertThat(h.counting.questions() - before).as("two minutes asked again, once").isEqualTo(4);

      // T0: two stored around the start, asked again. T0+1: three stored or counted around the
      // start, stamped ahead, which questions count. T0+2: counted at ingest. T0+3: one taken
      // before the start and stored after it, one late: questions'.
      long[][] ring = h.ring("gw", m0 - 2, m0 + 3);
      assertThat(ring[0]).as("valid at T0-1, T0 … T0+4 min").containsExactly(11, 2, 3, 3, 2, 0);
      assertThat(ring[1]).as("good").containsExactly(9, 1, 2, 1, 2, 0);
      // And every minute is what a question answers now.
      h.assertRingsAnswerAsQuestions(slos);
    }
  }

  @Test
  void put_ofNewConditions_countsTheWindowByQuestionsAtTheNextTick_thenByIngest() throws Exception {
    try (IngestHarness h = new IngestHarness(dir.resolve("db"));
        BatchingWriter writer =
            new BatchingWriter(h.store, BatchingWriter.Config.defaults(), h.counter).start()) {
      Random r = new Random(3);
      h.store.write(h.randomEvents(r, T0 - 30 * MIN, T0, 500));
      List<Slo> slos = new ArrayList<>(IngestHarness.mixedSlos());
      h.evaluator = h.evaluator(slos, h.counter);
      h.evaluator.tick();
      feed(h, writer, r, T0 + 5 * MIN);
      long steady = h.counting.questions();
      feed(h, writer, r, T0 + 7 * MIN);
      assertThat(h.counting.questions()).as("steady: nothing asked").isEqualTo(steady);

      Slo edited = slo("checkout", slos.get(0).valid(), "duration < 300ms");
      Slo added = slo("cart", "service.name = cart", "error = false");
      h.evaluator.put(edited);
      h.evaluator.put(added);
      slos.set(0, edited);
      slos.add(added);
      long before = h.counting.questions();
      h.clock.advance(15 * SECOND);
      h.evaluator.tick();
      // Each counts its whole day (2 chunks) of valid and good, and the chunk ahead of its start.
      assertThat(h.counting.questions() - before).isEqualTo(2 * (2 + 2 + 1));
      feed(h, writer, r, T0 + 11 * MIN);
      long again = h.counting.questions();
      feed(h, writer, r, T0 + 14 * MIN);
      assertThat(h.counting.questions()).as("then by ingest alone").isEqualTo(again);
      h.assertRingsAnswerAsQuestions(slos);
    }
  }

  @Test
  void anAttributeSeenInANewPlace_bindsTheConditionsAgain_andTheWindowIsCountedAgain()
      throws Exception {
    try (IngestHarness h = new IngestHarness(dir.resolve("db"));
        BatchingWriter writer =
            new BatchingWriter(h.store, BatchingWriter.Config.defaults(), h.counter).start()) {
      List<Event> history = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        history.add(
            span(T0 - 30 * MIN + i * SECOND, i % 10 == 0, "tier", i % 2 == 0 ? "gold" : "x"));
      }
      h.store.write(history);
      List<Slo> slos = List.of(slo("gold", "tier = gold", "status != error"));
      h.evaluator = h.evaluator(slos, h.counter);
      h.evaluator.tick();
      tickUntil(h, T0 + 5 * MIN);
      long steady = h.counting.questions();

      // "tier" was only ever on spans; now a resource carries it. Questions read both places
      // from now on, for every event: so must the counter.
      Event onResource =
          span(h.clock.nanos() + SECOND, true).toBuilder()
              .resource(new Resource(Attributes.of("service.name", "gateway", "tier", "gold")))
              .build();
      SloCounterTest.submit(
          writer,
          List.of(
              onResource,
              span(h.clock.nanos(), false, "tier", "gold"),
              span(h.clock.nanos(), false)));
      h.clock.advance(15 * SECOND);
      h.evaluator.tick();
      assertThat(h.counting.questions() - steady)
          .as("the window, counted again")
          .isEqualTo(2 + 2 + 1);
      // Into the minute before the new start (questions') and after it (ingest's, newly bound).
      SloCounterTest.submit(
          writer, List.of(onResource.toBuilder().timeUnixNano(h.clock.nanos()).build()));
      tickUntil(h, T0 + 7 * MIN);
      SloCounterTest.submit(
          writer,
          List.of(
              onResource.toBuilder().timeUnixNano(h.clock.nanos()).status(StatusCode.OK).build()));
      tickUntil(h, T0 + 10 * MIN);
      h.assertRingsAnswerAsQuestions(slos);
      long[][] ring = h.ring("gold", T0 / MIN + 5, T0 / MIN + 7);
      assertThat(ring[0]).containsExactly(3, 0, 1);
      assertThat(ring[1]).containsExactly(1, 0, 1);
    }
  }

  @Test
  void aTypeTheConditionNoLongerFits_isAnError_asTheQuestionWouldBe() throws Exception {
    try (IngestHarness h = new IngestHarness(dir.resolve("db"));
        BatchingWriter writer =
            new BatchingWriter(h.store, BatchingWriter.Config.defaults(), h.counter).start()) {
      h.store.write(List.of(span(T0 - MIN, false, "http.status", 200L)));
      Slo slo = slo("status", "service.name = gateway", "http.status < 500");
      h.evaluator = h.evaluator(List.of(slo), h.counter);
      h.evaluator.tick();
      assertThat(h.evaluator.statuses().get(0).error()).isNull();
      SloCounterTest.submit(
          writer,
          List.of(span(h.clock.nanos(), false, "http.status", "OK"), span(h.clock.nanos(), false)));
      h.clock.advance(15 * SECOND);
      h.evaluator.tick();
      assertThat(h.evaluator.statuses().get(0).error()).contains("compares numbers or times");
      assertThatThrownBy(() -> h.asked(slo, h.current(), h.current()))
          .isInstanceOf(QueryException.class)
          .hasMessageContaining("compares numbers or times");
    }
  }

  @Test
  void aColumnNotYetSeen_isAnError_untilItsFirstEvents_thenTheyAreCounted() throws Exception {
    try (IngestHarness h = new IngestHarness(dir.resolve("db"));
        BatchingWriter writer =
            new BatchingWriter(h.store, BatchingWriter.Config.defaults(), h.counter).start()) {
      h.store.write(List.of(span(T0 - MIN, false)));
      List<Slo> slos =
          List.of(slo("probe", "name = probe and probe.name = checkout", "probe.passed = true"));
      h.evaluator = h.evaluator(slos, h.counter);
      h.evaluator.tick();
      assertThat(h.evaluator.statuses().get(0).error()).contains("unknown column");
      for (int i = 0; i < 12; i++) {
        Event probe =
            span(h.clock.nanos(), false, "probe.name", "checkout", "probe.passed", i % 4 != 0)
                .toBuilder()
                .name("probe")
                .build();
        SloCounterTest.submit(
            writer,
            List.of(probe, span(h.clock.nanos() + 1, true), span(h.clock.nanos() + 2, false)));
        h.clock.advance(15 * SECOND);
        h.evaluator.tick();
        assertThat(h.evaluator.statuses().get(0).error()).isNull();
      }
      h.assertRingsAnswerAsQuestions(slos);
      assertThat(h.ring("probe", h.current() - 3, h.current())[0]).containsOnly(4L, 0L);
    }
  }

  /** Random events through {@code writer}, four ticks a minute, until {@code until}. */
  static void feed(IngestHarness h, BatchingWriter writer, Random r, long until) throws Exception {
    while (h.clock.nanos() < until) {
      SloCounterTest.submit(
          writer, h.randomEvents(r, h.clock.nanos(), h.clock.nanos() + 15 * SECOND, 30));
      h.clock.advance(15 * SECOND);
      h.evaluator.tick();
    }
  }
}
