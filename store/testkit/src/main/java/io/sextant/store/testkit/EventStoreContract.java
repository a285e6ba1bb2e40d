package io.sextant.store.testkit;

import static io.sextant.store.testkit.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.EventKind;
import io.sextant.model.Resource;
import io.sextant.model.Scope;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.StatusCode;
import io.sextant.model.TraceId;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.ServiceSummary;
import io.sextant.store.spi.TimeRange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of {@link EventStore}, as tests every store runs: its test class extends this one
 * and implements {@link #openStore}. Each test opens a store in a fresh directory and closes it at
 * the end. Tests that need a capability the store declares it lacks are skipped with the reason; a
 * store that cannot meet one test overrides it with {@code @Disabled("reason")}.
 *
 * <p>Events come back equal to what was written, record for record: an attribute written as a
 * {@link Long} comes back a {@code Long}, not a {@code Double} or a {@code String}.
 *
 * <p>Where {@link EventStore#trace} says "ordered by time, then by span id", span ids compare in
 * hex order (unsigned); where events tie on both, or one has no span id, any order is accepted.
 */
public abstract class EventStoreContract {
  /** Long enough to hold every fixture this suite writes. */
  private static final TimeRange ALL_TIME = new TimeRange(0, Long.MAX_VALUE);

  private static final Comparator<Event> BY_TIME = Comparator.comparingLong(Event::timeUnixNano);
  private static final Comparator<Event> BY_TIME_THEN_SPAN_ID =
      BY_TIME.thenComparing(
          (Event a, Event b) -> Long.compareUnsigned(a.spanId().value(), b.spanId().value()));

  @TempDir protected Path dir;

  private EventStore store;

  /**
   * Opens the store kept in {@code dir}. Called again with the same directory after {@code close},
   * a durable store must open the same data.
   */
  protected abstract EventStore openStore(Path dir) throws Exception;

  /** Whether the store declares writes durable; the tests of surviving a reopen need it. */
  protected boolean isDurable() {
    return store.capabilities().durable();
  }

  /** The store under test, open. */
  protected final EventStore store() {
    return store;
  }

  /** Closes the store and opens the one kept in the same directory. */
  protected final EventStore reopen() throws Exception {
    store.close();
    store = openStore(dir);
    return store;
  }

  @BeforeEach
  protected void openStoreForTest() throws Exception {
    store = openStore(dir);
  }

  @AfterEach
  protected void closeStoreAfterTest() {
    if (store != null) {
      store.close();
    }
  }

  // ---- round trips

  @Test
  protected void span_withEveryField_roundTripsExactly() throws Exception {
    Event span =
        Fixtures.spanWithEveryField(
            new TraceId(0x4bf92f3577b34da6L, 0xa3ce929d0e0e4736L),
            new SpanId(0x00f067aa0ba902b7L),
            new SpanId(0xb7ad6b7169203331L),
            T0);
    store.write(List.of(span));

    assertThat(store.trace(span.traceId())).containsExactly(span);
  }

  @Test
  protected void span_ofEveryKindAndStatus_roundTrips() throws Exception {
    TraceId traceId = Fixtures.traceId(new Random(2));
    List<Event> spans = new ArrayList<>();
    long id = 1;
    for (SpanKind kind : SpanKind.values()) {
      for (StatusCode status : StatusCode.values()) {
        spans.add(
            Fixtures.span("checkout", traceId, new SpanId(id), T0 + id * 1_000)
                .spanKind(kind)
                .status(status)
                .statusMessage(status == StatusCode.ERROR ? "failed " + kind : "")
                .durationNanos(id * 7)
                .build());
        id++;
      }
    }
    store.write(spans);

    assertThat(store.trace(traceId)).containsExactlyElementsOf(spans);
  }

  @Test
  protected void rootSpan_comesBackWithoutParent() throws Exception {
    TraceId traceId = Fixtures.traceId(new Random(3));
    Event root = Fixtures.span("frontend", traceId, new SpanId(10), T0).build();
    Event child =
        Fixtures.span("checkout", traceId, new SpanId(11), T0 + 1)
            .parentSpanId(root.spanId())
            .build();
    store.write(List.of(child, root));

    List<Event> trace = store.trace(traceId);
    assertThat(trace).containsExactly(root, child);
    assertThat(trace.get(0).parentSpanId()).isNull();
  }

  @Test
  protected void span_withIdsThatHaveTheHighBitSet_roundTrips() throws Exception {
    TraceId traceId = new TraceId(-1L, Long.MIN_VALUE);
    Event span =
        Fixtures.span("checkout", traceId, new SpanId(-2L), T0)
            .parentSpanId(new SpanId(Long.MIN_VALUE))
            .build();
    store.write(List.of(span));

    assertThat(store.trace(traceId)).containsExactly(span);
  }

  @Test
  protected void log_withTraceContext_roundTripsExactly() throws Exception {
    TraceId traceId = Fixtures.traceId(new Random(4));
    SpanId spanId = new SpanId(0x51e9a2f0c4b3d281L);
    Event full =
        Fixtures.log("payment", T0)
            .traceId(traceId)
            .spanId(spanId)
            .scope(new Scope("io.sextant.demo.payment", "1.0.0", Attributes.of("logger.level", 2L)))
            .name("payment.declined")
            .severityNumber(17)
            .severityText("ERROR")
            .body("card declined — carte refusée 🚫")
            .attributes(
                Attributes.of(
                    "thread.name",
                    "worker-3",
                    "thread.id",
                    77L,
                    "app.amount",
                    12.5,
                    "app.retryable",
                    false))
            .flags(1)
            .build();
    Event withoutSpan =
        Fixtures.log("payment", T0 + 1).traceId(traceId).body(null).severityNumber(0).build();
    Event emptyBody =
        Fixtures.log("payment", T0 + 2)
            .traceId(traceId)
            .spanId(spanId)
            .body("")
            .severityText("")
            .build();
    store.write(List.of(emptyBody, full, withoutSpan));

    List<Event> trace = store.trace(traceId);
    assertThat(trace).containsExactly(full, withoutSpan, emptyBody);
    assertThat(trace.get(1).body()).isNull();
    assertThat(trace.get(2).body()).isEmpty();
  }

  @Test
  protected void log_withoutTraceContext_isStoredAndCounted() throws Exception {
    Event log = Fixtures.log("inventory", T0).body(null).build();
    Event other = Fixtures.log("inventory", T0 + 1).body("stock low").build();
    store.write(List.of(log, other));

    assertThat(store.stats().events()).isEqualTo(2);
    assertThat(store.services(ALL_TIME)).containsExactly(new ServiceSummary("inventory", 2));
  }

  @Test
  protected void metric_dataPoints_roundTripExactly() throws Exception {
    // A metric point's values are attributes; it has neither span nor log fields. One carries a
    // trace id (as an exemplar's would) so that it can be read back by trace.
    TraceId traceId = Fixtures.traceId(new Random(41));
    Event gauge =
        Event.metric()
            .timeUnixNano(T0)
            .traceId(traceId)
            .resource(new Resource(Attributes.of("service.name", "checkout")))
            .name("db.client.connection.count")
            .attributes(
                Attributes.of(
                    "pool.name", "orders",
                    "metric.name", "db.client.connection.count",
                    "metric.type", "sum",
                    "metric.temporality", "cumulative",
                    "metric.monotonic", false,
                    "value", 7L))
            .build();
    Event histogram =
        Event.metric()
            .timeUnixNano(T0 + 1)
            .traceId(traceId)
            .name("http.server.request.duration")
            .attributes(
                Attributes.of(
                    "metric.name", "http.server.request.duration",
                    "metric.type", "histogram",
                    "metric.count", 3L,
                    "metric.sum", 0.75,
                    "metric.bucket_bounds", "[0.1,0.5]",
                    "metric.bucket_counts", "[1,1,1]"))
            .build();
    store.write(List.of(gauge, histogram));

    List<Event> back = store.trace(traceId);
    assertThat(back).containsExactly(gauge, histogram);
    assertThat(back.get(0).kind()).isEqualTo(EventKind.METRIC);
    assertThat(back.get(0).body()).isNull();
    assertThat(store.stats().events()).isEqualTo(2);
  }

  @Test
  protected void attributes_withEdgeCaseNumbers_roundTripExactly() throws Exception {
    TraceId traceId = Fixtures.traceId(new Random(5));
    Attributes numbers =
        Attributes.of(
            "long.max",
            Long.MAX_VALUE,
            "long.min",
            Long.MIN_VALUE,
            "long.zero",
            0L,
            "long.beyond_double_precision",
            9_007_199_254_740_993L,
            "double.integral",
            3.0,
            "double.negative_zero",
            -0.0,
            "double.tenth",
            0.1,
            "double.third",
            1.0 / 3,
            "double.max",
            Double.MAX_VALUE,
            "double.min_subnormal",
            Double.MIN_VALUE,
            "double.nan",
            Double.NaN,
            "double.positive_infinity",
            Double.POSITIVE_INFINITY,
            "double.negative_infinity",
            Double.NEGATIVE_INFINITY,
            "same.digits.long",
            1L,
            "same.digits.double",
            1.0);
    Event span =
        Fixtures.span("checkout", traceId, new SpanId(1), T0)
            .resource(new Resource(Attributes.of("service.name", "checkout", "n", 2.0)))
            .attributes(numbers)
            .build();
    store.write(List.of(span));

    Event read = store.trace(traceId).get(0);
    assertThat(read.attributes().asMap()).containsExactlyInAnyOrderEntriesOf(numbers.asMap());
    assertThat(read).isEqualTo(span);
  }

  @Test
  protected void attributes_withUnusualKeysAndStrings_roundTripExactly() throws Exception {
    TraceId traceId = Fixtures.traceId(new Random(6));
    Attributes unusual =
        Attributes.of(
            "looks.like.long", "42",
            "looks.like.double", "4.2",
            "looks.like.boolean", "true",
            "looks.like.null", "null",
            "looks.like.json", "{\"a\": [1, 2], \"b\": null}",
            "empty", "",
            "blank", "  ",
            "escapes", "line 1\nline 2\ttab \"quoted\" \\back\\slash 'single'",
            "sql", "'; DROP TABLE events; --",
            "unicode", "Zürich → 東京 ✓ 🚀 𝄞",
            "ünïcödé.キー", "value",
            "key with spaces", "v",
            "key\"with'quotes", "v",
            "key\\with\\backslashes", "v",
            "key.with.many.dots.a.b.c.d.e.f", "v",
            "long.text", Fixtures.longText(10_000));
    Event span = Fixtures.span("checkout", traceId, new SpanId(1), T0).attributes(unusual).build();
    store.write(List.of(span));

    Event read = store.trace(traceId).get(0);
    assertThat(read.attributes().asMap()).containsExactlyInAnyOrderEntriesOf(unusual.asMap());
    assertThat(read).isEqualTo(span);
  }

  @Test
  protected void attributes_namedLikeCoreFieldsOrOtherLevels_stayWhereTheyWereWritten()
      throws Exception {
    TraceId traceId = Fixtures.traceId(new Random(7));
    Event span =
        Fixtures.span("checkout", traceId, new SpanId(1), T0)
            .resource(new Resource(Attributes.of("service.name", "checkout", "level", 1L)))
            .scope(new Scope("lib", "1", Attributes.of("level", 2.0)))
            .attributes(
                Attributes.of(
                    "service.name", "not-the-resource",
                    "level", "span",
                    "name", "attribute",
                    "time", true,
                    "trace_id", "x",
                    "duration", 5L,
                    "body", "y"))
            .build();
    store.write(List.of(span));

    assertThat(store.trace(traceId)).containsExactly(span);
    assertThat(store.services(ALL_TIME)).containsExactly(new ServiceSummary("checkout", 1));
  }

  // ---- trace()

  @Test
  protected void trace_returnsEverySpanAndLogOfTheTrace_inTimeOrder() throws Exception {
    Random rnd = new Random(8);
    List<Event> a = new ArrayList<>(Fixtures.trace(rnd, T0, 12));
    List<Event> b = Fixtures.trace(rnd, T0 + 1_000_000, 12);
    a.add(Fixtures.log("frontend", T0 + 5).traceId(traceIdOf(a)).build());
    Event unrelated = Fixtures.log("frontend", T0 + 6).build();
    List<Event> all = new ArrayList<>(a);
    all.addAll(b);
    all.add(unrelated);
    Collections.shuffle(all, rnd);
    store.write(all.subList(0, all.size() / 2));
    store.write(all.subList(all.size() / 2, all.size()));

    assertTrace(store.trace(traceIdOf(a)), a);
    assertTrace(store.trace(traceIdOf(b)), b);
  }

  @Test
  protected void trace_sameTime_ordersBySpanIdInHexOrder() throws Exception {
    TraceId traceId = Fixtures.traceId(new Random(9));
    Event first = Fixtures.span("checkout", traceId, new SpanId(-1L), T0).build();
    List<Event> sameTime = new ArrayList<>();
    for (long id :
        new long[] {0xffL, 0x7fffffffffffffffL, 0x8000000000000000L, 0x1000000000000000L}) {
      sameTime.add(Fixtures.span("checkout", traceId, new SpanId(id), T0 + 1).build());
    }
    sameTime.sort(Comparator.comparing(e -> e.spanId().toHex()));
    List<Event> written = new ArrayList<>(sameTime);
    Collections.reverse(written);
    written.add(first);
    store.write(written);

    List<Event> expected = new ArrayList<>(List.of(first));
    expected.addAll(sameTime);
    assertThat(store.trace(traceId)).containsExactlyElementsOf(expected);
  }

  @Test
  protected void trace_unknownTraceId_isEmpty() throws Exception {
    Random rnd = new Random(10);
    TraceId unknown = Fixtures.traceId(rnd);
    assertThat(store.trace(unknown)).isEmpty();

    store.write(Fixtures.trace(rnd, T0, 5));
    assertThat(store.trace(unknown)).isEmpty();
  }

  @Test
  protected void trace_distinguishesTraceIdsThatDifferOnlyInTheHighBits() throws Exception {
    TraceId wide = new TraceId(0x463ac35c9f6413adL, 0x48485a3953bb6124L);
    TraceId narrow = new TraceId(0, wide.low());
    Event inWide = Fixtures.span("checkout", wide, new SpanId(1), T0).build();
    Event inNarrow = Fixtures.span("checkout", narrow, new SpanId(2), T0).build();
    store.write(List.of(inWide, inNarrow));

    assertThat(store.trace(wide)).containsExactly(inWide);
    assertThat(store.trace(narrow)).containsExactly(inNarrow);
  }

  // ---- idempotency

  @Test
  protected void write_sameBatchTwice_traceReturnsEachEventOnce() throws Exception {
    Random rnd = new Random(11);
    List<Event> a = Fixtures.trace(rnd, T0, 10);
    List<Event> b = Fixtures.trace(rnd, T0 + 1_000, 10);
    List<Event> batch = concat(a, b);
    store.write(batch);
    store.write(batch);

    assertTrace(store.trace(traceIdOf(a)), a);
    assertTrace(store.trace(traceIdOf(b)), b);
  }

  @Test
  protected void write_retryOverlappingAnEarlierBatch_traceReturnsEachEventOnce() throws Exception {
    List<Event> trace = Fixtures.trace(new Random(12), T0, 12);
    store.write(trace.subList(0, 8));
    store.write(trace.subList(4, trace.size()));

    assertTrace(store.trace(traceIdOf(trace)), trace);
  }

  @Test
  protected void write_batchHoldingTheSameEventTwice_traceReturnsItOnce() throws Exception {
    List<Event> trace = Fixtures.trace(new Random(13), T0, 6);
    store.write(concat(trace, trace));

    assertTrace(store.trace(traceIdOf(trace)), trace);
  }

  @Test
  protected void write_sameLogTwice_traceReturnsItOnce() throws Exception {
    TraceId traceId = Fixtures.traceId(new Random(14));
    Event log = Fixtures.log("cart", T0).traceId(traceId).spanId(new SpanId(3)).build();
    Event logWithoutSpan = Fixtures.log("cart", T0 + 1).traceId(traceId).body(null).build();
    store.write(List.of(log, logWithoutSpan));
    store.write(List.of(logWithoutSpan, log));

    assertThat(store.trace(traceId)).containsExactly(log, logWithoutSpan);
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
    store.write(logs);

    assertTrace(store.trace(traceId), logs);
  }

  @Test
  protected void write_sameSpanIdInTwoTraces_keepsBoth() throws Exception {
    Random rnd = new Random(16);
    TraceId one = Fixtures.traceId(rnd);
    TraceId two = Fixtures.traceId(rnd);
    Event inOne = Fixtures.span("checkout", one, new SpanId(42), T0).build();
    Event inTwo = Fixtures.span("checkout", two, new SpanId(42), T0).build();
    store.write(List.of(inOne, inTwo));

    assertThat(store.trace(one)).containsExactly(inOne);
    assertThat(store.trace(two)).containsExactly(inTwo);
    assertThat(store.stats().events()).isEqualTo(2);
  }

  @Test
  protected void write_emptyBatch_changesNothing() throws Exception {
    store.write(List.of());
    assertThat(store.stats().events()).isZero();
    assertThat(store.services(ALL_TIME)).isEmpty();

    List<Event> trace = Fixtures.trace(new Random(17), T0, 4);
    store.write(trace);
    store.write(List.of());
    assertThat(store.stats().events()).isEqualTo(trace.size());
    assertTrace(store.trace(traceIdOf(trace)), trace);
  }

  @Test
  protected void write_batchThatFails_leavesNoneOfItVisible() throws Exception {
    List<Event> trace = Fixtures.trace(new Random(18), T0, 6);
    List<Event> batch = new ArrayList<>(trace);
    batch.add(3, null);

    assertThatThrownBy(() -> store.write(Collections.unmodifiableList(batch)))
        .isInstanceOf(Exception.class);
    assertThat(store.trace(traceIdOf(trace))).isEmpty();
    assertThat(store.stats().events()).isZero();
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
    store.write(batch);

    assertThat(store.stats().events()).isEqualTo(20_000);
    for (int i :
        new int[] {0, 1, 2, 999, 1000, 1998, 1999, rnd.nextInt(2_000), rnd.nextInt(2_000)}) {
      assertTrace(store.trace(traceIdOf(traces.get(i))), traces.get(i));
    }
    assertThat(store.services(ALL_TIME)).containsExactlyElementsOf(servicesOf(batch));
  }

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
    store.write(events);

    assertThat(store.services(new TimeRange(T0, T0 + 1_000)))
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
    store.write(
        List.of(
            Fixtures.log("before", from - 1).build(),
            Fixtures.log("at-from", from).build(),
            Fixtures.log("last", to - 1).build(),
            Fixtures.log("at-to", to).build()));

    assertThat(store.services(new TimeRange(from, to)))
        .containsExactly(new ServiceSummary("at-from", 1), new ServiceSummary("last", 1));
  }

  @Test
  protected void services_emptyRange_isEmpty() throws Exception {
    store.write(List.of(Fixtures.log("checkout", T0).build()));

    assertThat(store.services(new TimeRange(T0, T0))).isEmpty();
    assertThat(store.services(new TimeRange(T0 + 1, T0 + 1_000))).isEmpty();
    assertThat(store.services(new TimeRange(T0, T0 + 1))).hasSize(1);
  }

  @Test
  protected void services_eventWithoutServiceName_countsAsUnknownService() throws Exception {
    TraceId traceId = Fixtures.traceId(new Random(21));
    store.write(
        List.of(
            Event.log().timeUnixNano(T0).body("no resource").build(),
            Fixtures.span("x", traceId, new SpanId(1), T0 + 1)
                .resource(new Resource(Attributes.of("service.name", "", "host.name", "h")))
                .build(),
            Fixtures.log("checkout", T0 + 2).build()));

    assertThat(store.services(ALL_TIME))
        .containsExactly(
            new ServiceSummary(Resource.UNKNOWN_SERVICE, 2), new ServiceSummary("checkout", 1));
  }

  // ---- deleteBefore() and stats()

  @Test
  protected void deleteBefore_removesExactlyTheOlderEvents_andReturnsTheirCount() throws Exception {
    assumeTrue(store.capabilities().retention(), "the store declares no retention support");
    Random rnd = new Random(22);
    long cutoff = T0 + 5_000_000_000L;
    List<Event> old = Fixtures.trace(rnd, T0, 6);
    List<Event> recent = Fixtures.trace(rnd, cutoff + 1, 6);
    TraceId edge = Fixtures.traceId(rnd);
    Event justBefore = Fixtures.span("checkout", edge, new SpanId(1), cutoff - 1).build();
    Event atCutoff = Fixtures.span("checkout", edge, new SpanId(2), cutoff).build();
    Event oldLog = Fixtures.log("cart", T0).build();
    store.write(concat(concat(old, recent), List.of(justBefore, atCutoff, oldLog)));

    assertThat(store.deleteBefore(cutoff)).isEqualTo(old.size() + 2);

    assertThat(store.trace(traceIdOf(old))).isEmpty();
    assertTrace(store.trace(traceIdOf(recent)), recent);
    assertThat(store.trace(edge)).containsExactly(atCutoff);
    assertThat(store.stats().events()).isEqualTo(recent.size() + 1);
    assertThat(store.services(new TimeRange(0, cutoff))).isEmpty();
    assertThat(store.deleteBefore(cutoff)).isZero();
  }

  @Test
  protected void stats_countsWrittenEvents() throws Exception {
    Random rnd = new Random(23);
    assertThat(store.stats().events()).isZero();
    List<Event> first = Fixtures.traces(rnd, T0, 1_000_000, 30, 7);
    store.write(first);
    assertThat(store.stats().events()).isEqualTo(first.size());

    List<Event> second = Fixtures.trace(rnd, T0, 3);
    store.write(second);
    assertThat(store.stats().events()).isEqualTo(first.size() + second.size());
    assertThat(store.stats().bytesOnDisk()).isNotNegative();
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
      store.write(written);
    }
    Event lonelyLog = Fixtures.log("cart", T0).build();
    Event fullSpan =
        Fixtures.spanWithEveryField(Fixtures.traceId(rnd), new SpanId(7), new SpanId(8), T0);
    store.write(List.of(lonelyLog, fullSpan));
    List<ServiceSummary> services = store.services(ALL_TIME);
    long events = store.stats().events();

    reopen();

    assertThat(store.stats().events()).isEqualTo(events);
    assertThat(store.services(ALL_TIME)).isEqualTo(services);
    for (List<Event> trace : traces) {
      assertTrace(store.trace(traceIdOf(trace)), trace);
    }
    assertThat(store.trace(fullSpan.traceId())).containsExactly(fullSpan);
  }

  @Test
  protected void reopen_thenRewriteSameBatch_traceStillReturnsEachEventOnce() throws Exception {
    assumeTrue(isDurable(), "the store declares its writes not durable");
    List<Event> trace = Fixtures.trace(new Random(25), T0, 10);
    store.write(trace);

    reopen();
    store.write(trace);

    assertTrace(store.trace(traceIdOf(trace)), trace);
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
                    store.write(traces.stream().flatMap(List::stream).toList());
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
                  assertTrace(store.trace(traceIdOf(trace)), trace);
                }
                store.services(ALL_TIME);
                store.stats();
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
    assertThat(store.stats().events()).isEqualTo(50 * 20 * (4 + Fixtures.LOGS_PER_TRACE));
  }

  @Test
  protected void check_onOpenStore_isHealthy() {
    assertThat(store.check().healthy()).as(store.check().detail()).isTrue();
  }

  @Test
  protected void close_calledTwice_isFine() {
    assertThatCode(
            () -> {
              store.close();
              store.close();
            })
        .doesNotThrowAnyException();
  }

  @Test
  protected void readsAndWrites_afterClose_fail() {
    List<Event> trace = Fixtures.trace(new Random(27), T0, 3);
    store.close();

    assertThatThrownBy(() -> store.write(trace)).isInstanceOf(Exception.class);
    assertThatThrownBy(() -> store.trace(traceIdOf(trace))).isInstanceOf(Exception.class);
    assertThatThrownBy(() -> store.services(ALL_TIME)).isInstanceOf(Exception.class);
    assertThatThrownBy(() -> store.stats()).isInstanceOf(Exception.class);
  }

  // ---- helpers

  /**
   * Asserts that {@code actual} holds every event of {@code expected} exactly once, ordered by time
   * and, among events with a span id at the same time, by span id in hex order.
   */
  protected static void assertTrace(List<Event> actual, Collection<Event> expected) {
    assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(actual).as("ordered by time").isSortedAccordingTo(BY_TIME);
    assertThat(actual.stream().filter(e -> e.spanId() != null).toList())
        .as("ordered by time, then span id")
        .isSortedAccordingTo(BY_TIME_THEN_SPAN_ID);
  }

  private static TraceId traceIdOf(List<Event> trace) {
    return trace.get(0).traceId();
  }

  private static List<Event> concat(List<Event> a, List<Event> b) {
    List<Event> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /** The expected answer of {@code services}: counts per service, most first, ties by name. */
  private static List<ServiceSummary> servicesOf(List<Event> events) {
    Map<String, Long> counts = new TreeMap<>();
    for (Event e : events) {
      counts.merge(e.serviceName(), 1L, Long::sum);
    }
    List<ServiceSummary> out = new ArrayList<>();
    counts.forEach((name, n) -> out.add(new ServiceSummary(name, n)));
    out.sort(Comparator.comparingLong(ServiceSummary::events).reversed());
    return out;
  }
}
