package io.sextant.store.testkit;

import static io.sextant.store.testkit.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Part of {@link EventStoreContract}: every kind of event, every field and every attribute value
 * comes back from {@link EventStore#trace} as it was written, and a trace holds exactly its own
 * events in order.
 */
abstract class RoundTripContract extends StoreUnderTest {
  // ---- round trips

  @Test
  protected void span_withEveryField_roundTripsExactly() throws Exception {
    Event span =
        Fixtures.spanWithEveryField(
            new TraceId(0x4bf92f3577b34da6L, 0xa3ce929d0e0e4736L),
            new SpanId(0x00f067aa0ba902b7L),
            new SpanId(0xb7ad6b7169203331L),
            T0);
    store().write(List.of(span));

    assertThat(store().trace(span.traceId())).containsExactly(span);
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
    store().write(spans);

    assertThat(store().trace(traceId)).containsExactlyElementsOf(spans);
  }

  @Test
  protected void rootSpan_comesBackWithoutParent() throws Exception {
    TraceId traceId = Fixtures.traceId(new Random(3));
    Event root = Fixtures.span("frontend", traceId, new SpanId(10), T0).build();
    Event child =
        Fixtures.span("checkout", traceId, new SpanId(11), T0 + 1)
            .parentSpanId(root.spanId())
            .build();
    store().write(List.of(child, root));

    List<Event> trace = store().trace(traceId);
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
    store().write(List.of(span));

    assertThat(store().trace(traceId)).containsExactly(span);
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
    store().write(List.of(emptyBody, full, withoutSpan));

    List<Event> trace = store().trace(traceId);
    assertThat(trace).containsExactly(full, withoutSpan, emptyBody);
    assertThat(trace.get(1).body()).isNull();
    assertThat(trace.get(2).body()).isEmpty();
  }

  @Test
  protected void log_withoutTraceContext_isStoredAndCounted() throws Exception {
    Event log = Fixtures.log("inventory", T0).body(null).build();
    Event other = Fixtures.log("inventory", T0 + 1).body("stock low").build();
    store().write(List.of(log, other));

    assertThat(store().stats().events()).isEqualTo(2);
    assertThat(store().services(ALL_TIME)).containsExactly(new ServiceSummary("inventory", 2));
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
    store().write(List.of(gauge, histogram));

    List<Event> back = store().trace(traceId);
    assertThat(back).containsExactly(gauge, histogram);
    assertThat(back.get(0).kind()).isEqualTo(EventKind.METRIC);
    assertThat(back.get(0).body()).isNull();
    assertThat(store().stats().events()).isEqualTo(2);
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
    store().write(List.of(span));

    Event read = store().trace(traceId).get(0);
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
    store().write(List.of(span));

    Event read = store().trace(traceId).get(0);
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
    store().write(List.of(span));

    assertThat(store().trace(traceId)).containsExactly(span);
    assertThat(store().services(ALL_TIME)).containsExactly(new ServiceSummary("checkout", 1));
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
    store().write(all.subList(0, all.size() / 2));
    store().write(all.subList(all.size() / 2, all.size()));

    assertTrace(store().trace(traceIdOf(a)), a);
    assertTrace(store().trace(traceIdOf(b)), b);
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
    store().write(written);

    List<Event> expected = new ArrayList<>(List.of(first));
    expected.addAll(sameTime);
    assertThat(store().trace(traceId)).containsExactlyElementsOf(expected);
  }

  @Test
  protected void trace_unknownTraceId_isEmpty() throws Exception {
    Random rnd = new Random(10);
    TraceId unknown = Fixtures.traceId(rnd);
    assertThat(store().trace(unknown)).isEmpty();

    store().write(Fixtures.trace(rnd, T0, 5));
    assertThat(store().trace(unknown)).isEmpty();
  }

  @Test
  protected void trace_distinguishesTraceIdsThatDifferOnlyInTheHighBits() throws Exception {
    TraceId wide = new TraceId(0x463ac35c9f6413adL, 0x48485a3953bb6124L);
    TraceId narrow = new TraceId(0, wide.low());
    Event inWide = Fixtures.span("checkout", wide, new SpanId(1), T0).build();
    Event inNarrow = Fixtures.span("checkout", narrow, new SpanId(2), T0).build();
    store().write(List.of(inWide, inNarrow));

    assertThat(store().trace(wide)).containsExactly(inWide);
    assertThat(store().trace(narrow)).containsExactly(inNarrow);
  }
}
