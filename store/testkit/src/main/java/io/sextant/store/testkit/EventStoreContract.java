package io.sextant.store.testkit;

import static io.sextant.store.testkit.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import io.sextant.model.SpanId;
import io.sextant.model.TraceId;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.ServiceSummary;
import io.sextant.store.spi.TimeRange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of {@link EventStore}, as tests every store runs: its test class extends this one
 * and implements {@link #openStore}. Each test opens a store in a fresh directory and closes it at
 * the end. Tests that need a capability the store declares it lacks are skipped with the reason; a
 * store that cannot meet one test overrides it with {@code @Disabled("reason")}.
 *
 * <p>The tests are grouped by concern in the classes this one extends: round trips and {@code
 * trace} ({@link RoundTripContract}), idempotent writes ({@link IdempotentWriteContract}); here,
 * {@code services}, retention and stats, durability, concurrency and the lifecycle.
 *
 * <p>Events come back equal to what was written, record for record: an attribute written as a
 * {@link Long} comes back a {@code Long}, not a {@code Double} or a {@code String}.
 *
 * <p>Where {@link EventStore#trace} says "ordered by time, then by span id", span ids compare in
 * hex order (unsigned); where events tie on both, or one has no span id, any order is accepted.
 */
public abstract class EventStoreContract extends IdempotentWriteContract {
  // ---- services()

  @Test
  protected void services_countsEventsPerService_mostFirstThenByName() throws Exception {
    TraceId traceId = Fixtures.traceId(new Random(20));
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("d-one", 1);
    counts.put("b-three", 3);
    counts.put("a-three", 3);
    counts.put("c-five", 5);
    List<Event> events = new ArrayList<>();
    long id = 1;
    for (Map.Entry<String, Integer> service : counts.entrySet()) {
      for (int i = 0; i < service.getValue(); i++, id++) {
        events.add(
            i % 2 == 0
                ? Fixtures.span(service.getKey(), traceId, new SpanId(id), T0 + id).build()
                : Fixtures.log(service.getKey(), T0 + id).build());
      }
    }
    store().write(events);

    assertThat(store().services(new TimeRange(T0, T0 + 1_000)))
        .containsExactly(
            new ServiceSummary("c-five", 5),
            new ServiceSummary("a-three", 3),
            new ServiceSummary("b-three", 3),
            new ServiceSummary("d-one", 1));
  }

  @Test
  protected void services_rangeIsHalfOpen() throws Exception {
    long from = T0 + 100;
    long to = T0 + 200;
    store()
        .write(
            List.of(
                Fixtures.log("before", from - 1).build(),
                Fixtures.log("at-from", from).build(),
                Fixtures.log("last", to - 1).build(),
                Fixtures.log("at-to", to).build()));

    assertThat(store().services(new TimeRange(from, to)))
        .containsExactly(new ServiceSummary("at-from", 1), new ServiceSummary("last", 1));
  }

  @Test
  protected void services_emptyRange_isEmpty() throws Exception {
    store().write(List.of(Fixtures.log("checkout", T0).build()));

    assertThat(store().services(new TimeRange(T0, T0))).isEmpty();
    assertThat(store().services(new TimeRange(T0 + 1, T0 + 1_000))).isEmpty();
    assertThat(store().services(new TimeRange(T0, T0 + 1))).hasSize(1);
  }

  @Test
  protected void services_eventWithoutServiceName_countsAsUnknownService() throws Exception {
    TraceId traceId = Fixtures.traceId(new Random(21));
    store()
        .write(
            List.of(
                Event.log().timeUnixNano(T0).body("no resource").build(),
                Fixtures.span("x", traceId, new SpanId(1), T0 + 1)
                    .resource(new Resource(Attributes.of("service.name", "", "host.name", "h")))
                    .build(),
                Fixtures.log("checkout", T0 + 2).build()));

    assertThat(store().services(ALL_TIME))
        .containsExactly(
            new ServiceSummary(Resource.UNKNOWN_SERVICE, 2), new ServiceSummary("checkout", 1));
  }

  // ---- deleteBefore() and stats()

  @Test
  protected void deleteBefore_removesExactlyTheOlderEvents_andReturnsTheirCount() throws Exception {
    assumeTrue(store().capabilities().retention(), "the store declares no retention support");
    Random rnd = new Random(22);
    long cutoff = T0 + 5_000_000_000L;
    List<Event> old = Fixtures.trace(rnd, T0, 6);
    List<Event> recent = Fixtures.trace(rnd, cutoff + 1, 6);
    TraceId edge = Fixtures.traceId(rnd);
    Event justBefore = Fixtures.span("checkout", edge, new SpanId(1), cutoff - 1).build();
    Event atCutoff = Fixtures.span("checkout", edge, new SpanId(2), cutoff).build();
    Event oldLog = Fixtures.log("cart", T0).build();
    store().write(concat(concat(old, recent), List.of(justBefore, atCutoff, oldLog)));

    assertThat(store().deleteBefore(cutoff)).isEqualTo(old.size() + 2);

    assertThat(store().trace(traceIdOf(old))).isEmpty();
    assertTrace(store().trace(traceIdOf(recent)), recent);
    assertThat(store().trace(edge)).containsExactly(atCutoff);
    assertThat(store().stats().events()).isEqualTo(recent.size() + 1);
    assertThat(store().services(new TimeRange(0, cutoff))).isEmpty();
    assertThat(store().deleteBefore(cutoff)).isZero();
  }

  @Test
  protected void stats_countsWrittenEvents() throws Exception {
    Random rnd = new Random(23);
    assertThat(store().stats().events()).isZero();
    List<Event> first = Fixtures.traces(rnd, T0, 1_000_000, 30, 7);
    store().write(first);
    assertThat(store().stats().events()).isEqualTo(first.size());

    List<Event> second = Fixtures.trace(rnd, T0, 3);
    store().write(second);
    assertThat(store().stats().events()).isEqualTo(first.size() + second.size());
    assertThat(store().stats().bytesOnDisk()).isNotNegative();
  }

  // ---- durability

  @Test
  protected void reopen_sameDirectory_keepsEverythingWritten() throws Exception {
    assumeTrue(isDurable(), "the store declares its writes not durable");
    Random rnd = new Random(24);
    List<List<Event>> traces = new ArrayList<>();
    for (int batch = 0; batch < 3; batch++) {
      List<Event> written = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        List<Event> trace = Fixtures.trace(rnd, T0 + (batch * 20 + i) * 1_000_000L, 6);
        traces.add(trace);
        written.addAll(trace);
      }
      store().write(written);
    }
    Event lonelyLog = Fixtures.log("cart", T0).build();
    Event fullSpan =
        Fixtures.spanWithEveryField(Fixtures.traceId(rnd), new SpanId(7), new SpanId(8), T0);
    store().write(List.of(lonelyLog, fullSpan));
    List<ServiceSummary> services = store().services(ALL_TIME);
    long events = store().stats().events();

    reopen();

    assertThat(store().stats().events()).isEqualTo(events);
    assertThat(store().services(ALL_TIME)).isEqualTo(services);
    for (List<Event> trace : traces) {
      assertTrace(store().trace(traceIdOf(trace)), trace);
    }
    assertThat(store().trace(fullSpan.traceId())).containsExactly(fullSpan);
  }

  @Test
  protected void reopen_thenRewriteSameBatch_traceStillReturnsEachEventOnce() throws Exception {
    assumeTrue(isDurable(), "the store declares its writes not durable");
    List<Event> trace = Fixtures.trace(new Random(25), T0, 10);
    store().write(trace);

    reopen();
    store().write(trace);

    assertTrace(store().trace(traceIdOf(trace)), trace);
  }

  // ---- concurrency and lifecycle

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  protected void concurrentReads_duringWrites_doNotThrow() throws Exception {
    Random rnd = new Random(26);
    List<List<List<Event>>> batches = new ArrayList<>();
    for (int b = 0; b < 50; b++) {
      List<List<Event>> traces = new ArrayList<>();
      for (int t = 0; t < 20; t++) {
        traces.add(Fixtures.trace(rnd, T0 + (b * 20 + t) * 1_000_000L, 4));
      }
      batches.add(traces);
    }
    AtomicInteger written = new AtomicInteger();
    AtomicBoolean writerDone = new AtomicBoolean();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            3,
            task -> {
              Thread t = new Thread(task, "contract-concurrency");
              t.setDaemon(true); // a store stuck in a call must not keep the test JVM alive
              return t;
            });
    try {
      Future<?> writer =
          pool.submit(
              () -> {
                try {
                  for (List<List<Event>> traces : batches) {
                    store().write(traces.stream().flatMap(List::stream).toList());
                    written.incrementAndGet();
                  }
                } finally {
                  writerDone.set(true);
                }
                return null;
              });
      List<Future<Integer>> readers = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        Random readerRnd = new Random(100 + r);
        Callable<Integer> reader =
            () -> {
              int reads = 0;
              do {
                int done = written.get();
                if (done > 0) {
                  List<List<Event>> traces = batches.get(readerRnd.nextInt(done));
                  List<Event> trace = traces.get(readerRnd.nextInt(traces.size()));
                  assertTrace(store().trace(traceIdOf(trace)), trace);
                }
                store().services(ALL_TIME);
                store().stats();
                reads++;
              } while (!writerDone.get());
              return reads;
            };
        readers.add(pool.submit(reader));
      }
      writer.get(30, TimeUnit.SECONDS);
      for (Future<Integer> reader : readers) {
        assertThat(reader.get(30, TimeUnit.SECONDS)).isPositive();
      }
    } finally {
      writerDone.set(true);
      pool.shutdownNow();
    }
    assertThat(store().stats().events()).isEqualTo(50 * 20 * (4 + Fixtures.LOGS_PER_TRACE));
  }

  @Test
  protected void check_onOpenStore_isHealthy() {
    assertThat(store().check().healthy()).as(store().check().detail()).isTrue();
  }

  @Test
  protected void close_calledTwice_isFine() {
    assertThatCode(
            () -> {
              store().close();
              store().close();
            })
        .doesNotThrowAnyException();
  }

  @Test
  protected void readsAndWrites_afterClose_fail() {
    List<Event> trace = Fixtures.trace(new Random(27), T0, 3);
    store().close();

    assertThatThrownBy(() -> store().write(trace)).isInstanceOf(Exception.class);
    assertThatThrownBy(() -> store().trace(traceIdOf(trace))).isInstanceOf(Exception.class);
    assertThatThrownBy(() -> store().services(ALL_TIME)).isInstanceOf(Exception.class);
    assertThatThrownBy(() -> store().stats()).isInstanceOf(Exception.class);
  }
}
