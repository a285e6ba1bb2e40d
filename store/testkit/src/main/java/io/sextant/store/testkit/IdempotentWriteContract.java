package io.sextant.store.testkit;

import static io.sextant.store.testkit.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.SpanId;
import io.sextant.model.TraceId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Part of {@link EventStoreContract}: writes are idempotent (a batch written again, a retry that
 * overlaps, an event twice in one batch count once) and all or nothing.
 */
abstract class IdempotentWriteContract extends RoundTripContract {
  // ---- idempotency

  @Test
  protected void write_sameBatchTwice_traceReturnsEachEventOnce() throws Exception {
    Random rnd = new Random(11);
    List<Event> a = Fixtures.trace(rnd, T0, 10);
    List<Event> b = Fixtures.trace(rnd, T0 + 1_000, 10);
    List<Event> batch = concat(a, b);
    store().write(batch);
    store().write(batch);

    assertTrace(store().trace(traceIdOf(a)), a);
    assertTrace(store().trace(traceIdOf(b)), b);
  }

  @Test
  protected void write_retryOverlappingAnEarlierBatch_traceReturnsEachEventOnce() throws Exception {
    List<Event> trace = Fixtures.trace(new Random(12), T0, 12);
    store().write(trace.subList(0, 8));
    store().write(trace.subList(4, trace.size()));

    assertTrace(store().trace(traceIdOf(trace)), trace);
  }

  @Test
  protected void write_batchHoldingTheSameEventTwice_traceReturnsItOnce() throws Exception {
    List<Event> trace = Fixtures.trace(new Random(13), T0, 6);
    store().write(concat(trace, trace));

    assertTrace(store().trace(traceIdOf(trace)), trace);
  }

  @Test
  protected void write_sameLogTwice_traceReturnsItOnce() throws Exception {
    TraceId traceId = Fixtures.traceId(new Random(14));
    Event log = Fixtures.log("cart", T0).traceId(traceId).spanId(new SpanId(3)).build();
    Event logWithoutSpan = Fixtures.log("cart", T0 + 1).traceId(traceId).body(null).build();
    store().write(List.of(log, logWithoutSpan));
    store().write(List.of(logWithoutSpan, log));

    assertThat(store().trace(traceId)).containsExactly(log, logWithoutSpan);
  }

  @Test
  protected void write_logsDifferingInOneField_areAllKept() throws Exception {
    TraceId traceId = Fixtures.traceId(new Random(15));
    Event log =
        Fixtures.log("cart", T0)
            .traceId(traceId)
            .spanId(new SpanId(3))
            .attributes(Attributes.of("n", 1L))
            .build();
    List<Event> logs =
        List.of(
            log,
            log.toBuilder().body("another body").build(),
            log.toBuilder().body(null).build(),
            log.toBuilder().severityNumber(17).build(),
            log.toBuilder().attributes(Attributes.of("n", 1.0)).build(),
            log.toBuilder().attributes(Attributes.of("n", "1")).build(),
            log.toBuilder().resource(Fixtures.resource("payment")).build());
    store().write(logs);

    assertTrace(store().trace(traceId), logs);
  }

  @Test
  protected void write_sameSpanIdInTwoTraces_keepsBoth() throws Exception {
    Random rnd = new Random(16);
    TraceId one = Fixtures.traceId(rnd);
    TraceId two = Fixtures.traceId(rnd);
    Event inOne = Fixtures.span("checkout", one, new SpanId(42), T0).build();
    Event inTwo = Fixtures.span("checkout", two, new SpanId(42), T0).build();
    store().write(List.of(inOne, inTwo));

    assertThat(store().trace(one)).containsExactly(inOne);
    assertThat(store().trace(two)).containsExactly(inTwo);
    assertThat(store().stats().events()).isEqualTo(2);
  }

  @Test
  protected void write_emptyBatch_changesNothing() throws Exception {
    store().write(List.of());
    assertThat(store().stats().events()).isZero();
    assertThat(store().services(ALL_TIME)).isEmpty();

    List<Event> trace = Fixtures.trace(new Random(17), T0, 4);
    store().write(trace);
    store().write(List.of());
    assertThat(store().stats().events()).isEqualTo(trace.size());
    assertTrace(store().trace(traceIdOf(trace)), trace);
  }

  @Test
  protected void write_batchThatFails_leavesNoneOfItVisible() throws Exception {
    List<Event> trace = Fixtures.trace(new Random(18), T0, 6);
    List<Event> batch = new ArrayList<>(trace);
    batch.add(3, null);

    assertThatThrownBy(() -> store().write(Collections.unmodifiableList(batch)))
        .isInstanceOf(Exception.class);
    assertThat(store().trace(traceIdOf(trace))).isEmpty();
    assertThat(store().stats().events()).isZero();
  }

  @Test
  protected void write_twentyThousandEventsOverTwoThousandTraces_roundTrip() throws Exception {
    Random rnd = new Random(19);
    List<List<Event>> traces = new ArrayList<>();
    List<Event> batch = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      List<Event> trace = Fixtures.trace(rnd, T0 + i * 1_000_000L, 8);
      traces.add(trace);
      batch.addAll(trace);
    }
    assertThat(batch).hasSize(20_000);
    store().write(batch);

    assertThat(store().stats().events()).isEqualTo(20_000);
    for (int i :
        new int[] {0, 1, 2, 999, 1000, 1998, 1999, rnd.nextInt(2_000), rnd.nextInt(2_000)}) {
      assertTrace(store().trace(traceIdOf(traces.get(i))), traces.get(i));
    }
    assertThat(store().services(ALL_TIME)).containsExactlyElementsOf(servicesOf(batch));
  }
}
