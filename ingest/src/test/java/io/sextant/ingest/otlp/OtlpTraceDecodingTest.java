package io.sextant.ingest.otlp;

import static io.sextant.ingest.otlp.OtlpFixtures.ENCODED_SURROGATE;
import static io.sextant.ingest.otlp.OtlpFixtures.PARENT_ID;
import static io.sextant.ingest.otlp.OtlpFixtures.SPAN_ID;
import static io.sextant.ingest.otlp.OtlpFixtures.START;
import static io.sextant.ingest.otlp.OtlpFixtures.TRACE_ID;
import static io.sextant.ingest.otlp.OtlpFixtures.array;
import static io.sextant.ingest.otlp.OtlpFixtures.bool;
import static io.sextant.ingest.otlp.OtlpFixtures.id;
import static io.sextant.ingest.otlp.OtlpFixtures.integer;
import static io.sextant.ingest.otlp.OtlpFixtures.kv;
import static io.sextant.ingest.otlp.OtlpFixtures.map;
import static io.sextant.ingest.otlp.OtlpFixtures.number;
import static io.sextant.ingest.otlp.OtlpFixtures.patch;
import static io.sextant.ingest.otlp.OtlpFixtures.resource;
import static io.sextant.ingest.otlp.OtlpFixtures.span;
import static io.sextant.ingest.otlp.OtlpFixtures.spanId;
import static io.sextant.ingest.otlp.OtlpFixtures.string;
import static io.sextant.ingest.otlp.OtlpFixtures.traces;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.sextant.ingest.DecodeResult;
import io.sextant.ingest.IngestLimits;
import io.sextant.ingest.MalformedRequestException;
import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.EventKind;
import io.sextant.model.Scope;
import io.sextant.model.SpanEvent;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.SpanLink;
import io.sextant.model.StatusCode;
import io.sextant.model.TraceId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class OtlpTraceDecodingTest {
  private static final Clock CLOCK = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);

  private final OtlpDecoder decoder = new OtlpDecoder(IngestLimits.defaults(), CLOCK);

  private static OtlpDecoder withLimits(int items, int attributes, int key, int value) {
    return new OtlpDecoder(new IngestLimits(1 << 20, items, attributes, key, value), CLOCK);
  }

  @Test
  void decodeTraces_fullSpan_mapsEveryField() throws Exception {
    Span.Builder full =
        span(SPAN_ID, "GET /cart")
            .setParentSpanId(id(PARENT_ID))
            .setTraceState("vendor=1")
            .setFlags(0x301)
            .setKind(Span.SpanKind.SPAN_KIND_SERVER)
            .setStartTimeUnixNano(START)
            .setEndTimeUnixNano(START + 2_500)
            .setStatus(
                Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("boom"))
            .addAttributes(kv("s", string("text")))
            .addAttributes(kv("b", bool(true)))
            .addAttributes(kv("i", integer(-42)))
            .addAttributes(kv("d", number(1.5)))
            .addAttributes(kv("a", array(string("a"), integer(1), bool(true))))
            .addAttributes(kv("m", map(kv("k", "v"), kv("n", array(number(2.5), bool(false))))))
            .addAttributes(kv("y", AnyValue.newBuilder().setBytesValue(bytes(1, 2, 3)).build()))
            .addAttributes(kv("none", AnyValue.getDefaultInstance()))
            .addEvents(
                Span.Event.newBuilder()
                    .setTimeUnixNano(START + 100)
                    .setName("exception")
                    .addAttributes(kv("exception.type", "IOException")))
            .addLinks(
                Span.Link.newBuilder()
                    .setTraceId(id("0af7651916cd43dd8448eb211c80319c"))
                    .setSpanId(id("b7ad6b7169203331"))
                    .setTraceState("k=v")
                    .addAttributes(kv("link.kind", "retry")));
    ExportTraceServiceRequest request =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .setResource(resource("checkout"))
                    .addScopeSpans(
                        ScopeSpans.newBuilder()
                            .setScope(
                                InstrumentationScope.newBuilder()
                                    .setName("io.opentelemetry.servlet")
                                    .setVersion("2.1")
                                    .addAttributes(kv("scope.attr", "x")))
                            .addSpans(full)))
            .build();

    DecodeResult result = decoder.decodeTraces(request.toByteArray());

    assertThat(result.rejected()).isZero();
    assertThat(result.rejectionMessage()).isEmpty();
    assertThat(result.events()).hasSize(1);
    Event e = result.events().get(0);
    assertThat(e.kind()).isEqualTo(EventKind.SPAN);
    assertThat(e.traceId()).isEqualTo(TraceId.fromHex(TRACE_ID));
    assertThat(e.spanId()).isEqualTo(SpanId.fromHex(SPAN_ID));
    assertThat(e.parentSpanId()).isEqualTo(SpanId.fromHex(PARENT_ID));
    assertThat(e.name()).isEqualTo("GET /cart");
    assertThat(e.spanKind()).isEqualTo(SpanKind.SERVER);
    assertThat(e.timeUnixNano()).isEqualTo(START);
    assertThat(e.durationNanos()).isEqualTo(2_500);
    assertThat(e.status()).isEqualTo(StatusCode.ERROR);
    assertThat(e.statusMessage()).isEqualTo("boom");
    assertThat(e.traceState()).isEqualTo("vendor=1");
    assertThat(e.flags()).isEqualTo(0x301);
    assertThat(e.serviceName()).isEqualTo("checkout");
    assertThat(e.scope())
        .isEqualTo(new Scope("io.opentelemetry.servlet", "2.1", Attributes.of("scope.attr", "x")));
    assertThat(e.attributes().asMap())
        .containsExactly(
            entry("s", "text"),
            entry("b", true),
            entry("i", -42L),
            entry("d", 1.5),
            entry("a", "[\"a\",1,true]"),
            entry("m", "{\"k\":\"v\",\"n\":[2.5,false]}"),
            entry("y", Base64.getEncoder().encodeToString(new byte[] {1, 2, 3})));
    assertThat(e.events())
        .containsExactly(
            new SpanEvent(
                START + 100, "exception", Attributes.of("exception.type", "IOException")));
    assertThat(e.links())
        .containsExactly(
            new SpanLink(
                TraceId.fromHex("0af7651916cd43dd8448eb211c80319c"),
                SpanId.fromHex("b7ad6b7169203331"),
                "k=v",
                Attributes.of("link.kind", "retry")));
  }

  @Test
  void decodeTraces_spansOfOneResource_shareOneResourceInstance() throws Exception {
    DecodeResult result =
        decoder.decodeTraces(traces(span(spanId(1), "a"), span(spanId(2), "b")).toByteArray());

    assertThat(result.events()).hasSize(2);
    assertThat(result.events().get(0).resource()).isSameAs(result.events().get(1).resource());
    assertThat(result.events().get(0).scope()).isSameAs(result.events().get(1).scope());
  }

  @Test
  void decodeTraces_duplicateAttributeKeys_lastWins() throws Exception {
    DecodeResult result =
        decoder.decodeTraces(
            traces(span(SPAN_ID, "a").addAttributes(kv("k", "first")).addAttributes(kv("k", "2")))
                .toByteArray());

    assertThat(result.events().get(0).attributes().asMap()).containsExactly(entry("k", "2"));
  }

  @Test
  void decodeTraces_rootSpanAndUnknownKind_mapToNoParentAndUnspecified() throws Exception {
    DecodeResult result =
        decoder.decodeTraces(traces(span(SPAN_ID, "root").setKindValue(42)).toByteArray());

    Event e = result.events().get(0);
    assertThat(e.parentSpanId()).isNull();
    assertThat(e.spanKind()).isEqualTo(SpanKind.UNSPECIFIED);
    assertThat(e.status()).isEqualTo(StatusCode.UNSET);
  }

  @Test
  void decodeTraces_resourceAfterItsScopes_stillAppliesToTheirSpans() throws Exception {
    // Field order is free on the wire; write resource_spans{scope_spans, resource} by hand.
    ScopeSpans scope = ScopeSpans.newBuilder().addSpans(span(SPAN_ID, "late")).build();
    ByteArrayOutputStream group = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(group);
    out.writeMessage(2, scope);
    out.writeMessage(1, resource("late-service"));
    out.flush();
    byte[] request = withField(1, group.toByteArray());

    DecodeResult result = decoder.decodeTraces(request);

    assertThat(result.events())
        .singleElement()
        .satisfies(e -> assertThat(e.serviceName()).isEqualTo("late-service"));
  }

  @Test
  void decodeTraces_unknownFields_areSkipped() throws Exception {
    byte[] span =
        span(SPAN_ID, "future").build().toBuilder()
            .setUnknownFields(
                com.google.protobuf.UnknownFieldSet.newBuilder()
                    .addField(
                        99,
                        com.google.protobuf.UnknownFieldSet.Field.newBuilder()
                            .addLengthDelimited(ByteString.copyFromUtf8("new"))
                            .addVarint(7)
                            .build())
                    .build())
            .build()
            .toByteArray();
    byte[] request =
        withField(1, withField(2, withField(2, span))); // resource_spans{scope_spans{spans}}

    DecodeResult result = decoder.decodeTraces(request);

    assertThat(result.events())
        .singleElement()
        .satisfies(e -> assertThat(e.name()).isEqualTo("future"));
  }

  @Test
  void decodeTraces_emptyBody_isAnEmptyRequest() throws Exception {
    assertThat(decoder.decodeTraces(new byte[0]))
        .isEqualTo(new DecodeResult(java.util.List.of(), 0, ""));
  }

  @Test
  void decodeTraces_truncatedBody_throwsMalformedRequest() {
    byte[] whole = traces(span(SPAN_ID, "a"), span(spanId(2), "b")).toByteArray();
    byte[] truncated = java.util.Arrays.copyOf(whole, whole.length / 2);

    assertThatThrownBy(() -> decoder.decodeTraces(truncated))
        .isInstanceOf(MalformedRequestException.class)
        .hasMessage(
            "request body is not a valid OTLP ExportTraceServiceRequest: truncated message");
  }

  @Test
  void decodeTraces_invalidWireType_throwsMalformedRequest() {
    byte[] bad = {(byte) (1 << 3 | 7), 0}; // wire type 7 does not exist

    assertThatThrownBy(() -> decoder.decodeTraces(bad))
        .isInstanceOf(MalformedRequestException.class)
        .hasMessageStartingWith("request body is not a valid OTLP ExportTraceServiceRequest: ")
        .hasMessageContaining("wire type");
  }

  @Test
  void decodeTraces_invalidTraceIdInOneOfThree_rejectsOnlyThatSpan() throws Exception {
    DecodeResult result =
        decoder.decodeTraces(
            traces(
                    span(spanId(1), "a"),
                    span(spanId(2), "b").setTraceId(id("00112233445566778899aabbccddee")),
                    span(spanId(3), "c"))
                .toByteArray());

    assertThat(result.events()).extracting(Event::name).containsExactly("a", "c");
    assertThat(result.rejected()).isEqualTo(1);
    assertThat(result.rejectionMessage())
        .isEqualTo("1 span rejected: span 2 has an invalid trace id: 15 bytes instead of 16");
  }

  @Test
  void decodeTraces_zeroSpanIdInOneOfThree_rejectsOnlyThatSpan() throws Exception {
    DecodeResult result =
        decoder.decodeTraces(
            traces(span(spanId(1), "a"), span(spanId(2), "b"), span("0000000000000000", "zero"))
                .toByteArray());

    assertThat(result.events()).extracting(Event::name).containsExactly("a", "b");
    assertThat(result.rejectionMessage())
        .isEqualTo("1 span rejected: span 3 has an invalid span id: all zeros");
  }

  @Test
  void decodeTraces_missingIdsBadParentAndBadLink_eachRejectTheirSpan() throws Exception {
    DecodeResult result =
        decoder.decodeTraces(
            traces(
                    span(spanId(1), "no trace id").clearTraceId(),
                    span(spanId(2), "short parent").setParentSpanId(id("0102")),
                    span(spanId(3), "bad link")
                        .addLinks(Span.Link.newBuilder().setTraceId(id(TRACE_ID))),
                    span(spanId(4), "kept"))
                .toByteArray());

    assertThat(result.events()).extracting(Event::name).containsExactly("kept");
    assertThat(result.rejected()).isEqualTo(3);
    assertThat(result.rejectionMessage())
        .isEqualTo("3 spans rejected; first: span 1 has no trace id");
  }

  @Test
  void decodeTraces_shortParentSpanId_isNamedInTheMessage() throws Exception {
    DecodeResult result =
        decoder.decodeTraces(
            traces(span(spanId(1), "a").setParentSpanId(id("0102"))).toByteArray());

    assertThat(result.rejectionMessage())
        .isEqualTo("1 span rejected: span 1 has an invalid parent span id: 2 bytes instead of 8");
  }

  @Test
  void decodeTraces_linkWithoutSpanId_isNamedInTheMessage() throws Exception {
    DecodeResult result =
        decoder.decodeTraces(
            traces(span(spanId(1), "a").addLinks(Span.Link.newBuilder().setTraceId(id(TRACE_ID))))
                .toByteArray());

    assertThat(result.rejectionMessage())
        .isEqualTo("1 span rejected: span 1 has a link with no span id");
  }

  @Test
  void decodeTraces_endBeforeStart_rejectsTheSpan() throws Exception {
    DecodeResult result =
        decoder.decodeTraces(
            traces(span(spanId(1), "a").setEndTimeUnixNano(START - 1), span(spanId(2), "b"))
                .toByteArray());

    assertThat(result.events()).extracting(Event::name).containsExactly("b");
    assertThat(result.rejectionMessage())
        .isEqualTo("1 span rejected: span 1 has an end time before its start time");
  }

  @Test
  void decodeTraces_spanWithInvalidUtf8_isRejectedAndOthersKept() throws Exception {
    byte[] request =
        traces(span(spanId(1), "ok"), span(spanId(2), "bad@@@name"), span(spanId(3), "also ok"))
            .toByteArray();

    DecodeResult result = decoder.decodeTraces(patch(request, "@@@", ENCODED_SURROGATE));

    assertThat(result.events()).extracting(Event::name).containsExactly("ok", "also ok");
    assertThat(result.rejectionMessage())
        .isEqualTo("1 span rejected: span 2 has invalid UTF-8 in its name");
  }

  @Test
  void decodeTraces_invalidUtf8InAttributeValue_namesTheKey() throws Exception {
    byte[] request =
        traces(span(spanId(1), "a").addAttributes(kv("http.url", "x@@@"))).toByteArray();

    DecodeResult result = decoder.decodeTraces(patch(request, "@@@", ENCODED_SURROGATE));

    assertThat(result.events()).isEmpty();
    assertThat(result.rejectionMessage())
        .isEqualTo("1 span rejected: span 1 has invalid UTF-8 in attribute \"http.url\"");
  }

  @Test
  void decodeTraces_invalidUtf8NestedInArrayValue_rejectsTheSpan() throws Exception {
    byte[] request =
        traces(span(spanId(1), "a").addAttributes(kv("list", array(string("fine"), string("@@")))))
            .toByteArray();

    DecodeResult result =
        decoder.decodeTraces(patch(request, "@@", new byte[] {(byte) 0xC3, (byte) 0x28}));

    assertThat(result.events()).isEmpty();
    assertThat(result.rejectionMessage()).contains("invalid UTF-8 in attribute \"list\"");
  }

  @Test
  void decodeTraces_validMultiByteUtf8_isKept() throws Exception {
    DecodeResult result =
        decoder.decodeTraces(
            traces(span(spanId(1), "Grüße 🌍").addAttributes(kv("city", "Zürich"))).toByteArray());

    assertThat(result.events().get(0).name()).isEqualTo("Grüße 🌍");
    assertThat(result.events().get(0).attributes().get("city")).isEqualTo("Zürich");
  }

  @Test
  void decodeTraces_invalidUtf8InResource_rejectsEverySpanOfThatResourceOnly() throws Exception {
    ExportTraceServiceRequest request =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .setResource(resource("bad@@@"))
                    .addScopeSpans(
                        ScopeSpans.newBuilder()
                            .addSpans(span(spanId(1), "a"))
                            .addSpans(span(spanId(2), "b"))))
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .setResource(resource("good"))
                    .addScopeSpans(ScopeSpans.newBuilder().addSpans(span(spanId(3), "c"))))
            .build();

    DecodeResult result =
        decoder.decodeTraces(patch(request.toByteArray(), "@@@", ENCODED_SURROGATE));

    assertThat(result.events()).extracting(Event::name).containsExactly("c");
    assertThat(result.rejected()).isEqualTo(2);
    assertThat(result.rejectionMessage())
        .isEqualTo(
            "2 spans rejected; first: resource 1 has invalid UTF-8 in attribute \"service.name\","
                + " so its spans were rejected");
  }

  @Test
  void decodeTraces_scopeOverLimits_rejectsItsSpans() throws Exception {
    ExportTraceServiceRequest request =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .addScopeSpans(
                        ScopeSpans.newBuilder()
                            .setScope(
                                InstrumentationScope.newBuilder()
                                    .setName("lib")
                                    .addAttributes(kv("k".repeat(20), "v")))
                            .addSpans(span(spanId(1), "a")))
                    .addScopeSpans(ScopeSpans.newBuilder().addSpans(span(spanId(2), "b"))))
            .build();

    DecodeResult result = withLimits(100, 10, 10, 100).decodeTraces(request.toByteArray());

    assertThat(result.events()).extracting(Event::name).containsExactly("b");
    assertThat(result.rejectionMessage())
        .isEqualTo(
            "1 span rejected: scope 1 of resource 1 has an attribute key longer than 10"
                + " characters: \"kkkkkkkkkkkkkkkkkkkk\", so its spans were rejected");
  }

  @Test
  void decodeTraces_tooManyAttributes_rejectsTheSpan() throws Exception {
    Span.Builder crowded = span(spanId(1), "crowded");
    for (int i = 0; i < 5; i++) {
      crowded.addAttributes(kv("k" + i, "v"));
    }
    Span.Builder fine = span(spanId(2), "fine");
    for (int i = 0; i < 4; i++) {
      fine.addAttributes(kv("k" + i, "v"));
    }

    DecodeResult result =
        withLimits(100, 4, 100, 100).decodeTraces(traces(crowded, fine).toByteArray());

    assertThat(result.events()).extracting(Event::name).containsExactly("fine");
    assertThat(result.rejectionMessage())
        .isEqualTo("1 span rejected: span 1 has 5 attributes, more than the limit of 4");
  }

  @Test
  void decodeTraces_eventWithTooManyAttributes_rejectsTheSpan() throws Exception {
    Span.Event.Builder event = Span.Event.newBuilder().setName("e");
    for (int i = 0; i < 3; i++) {
      event.addAttributes(kv("k" + i, "v"));
    }

    DecodeResult result =
        withLimits(100, 2, 100, 100)
            .decodeTraces(traces(span(spanId(1), "a").addEvents(event)).toByteArray());

    assertThat(result.rejectionMessage())
        .isEqualTo(
            "1 span rejected: span 1 has an event with 3 attributes, more than the limit of 2");
  }

  @Test
  void decodeTraces_keyTooLong_rejectsTheSpan() throws Exception {
    DecodeResult result =
        withLimits(100, 100, 12, 100) // the resource's "service.name" is 12 long
            .decodeTraces(
                traces(
                        span(spanId(1), "a").addAttributes(kv("1234567890123", "v")),
                        span(spanId(2), "b").addAttributes(kv("123456789012", "v")))
                    .toByteArray());

    assertThat(result.events()).extracting(Event::name).containsExactly("b");
    assertThat(result.rejectionMessage())
        .isEqualTo(
            "1 span rejected: span 1 has an attribute key longer than 12 characters:"
                + " \"1234567890123\"");
  }

  @Test
  void decodeTraces_valueTooLong_rejectsTheSpan() throws Exception {
    DecodeResult result =
        withLimits(100, 100, 100, 8) // the resource's "checkout" is 8 long
            .decodeTraces(
                traces(
                        span(spanId(1), "a").addAttributes(kv("k", "123456789")),
                        span(spanId(2), "b").addAttributes(kv("k", "12345678")))
                    .toByteArray());

    assertThat(result.events()).extracting(Event::name).containsExactly("b");
    assertThat(result.rejectionMessage())
        .isEqualTo(
            "1 span rejected: span 1 has attribute \"k\" with a value longer than 8 characters");
  }

  @Test
  void decodeTraces_renderedArrayTooLong_rejectsTheSpan() throws Exception {
    // ["abcdef"] is 10 characters once rendered, though the string inside is 6.
    DecodeResult result =
        withLimits(100, 100, 100, 9)
            .decodeTraces(
                traces(
                        span(spanId(1), "a").addAttributes(kv("k", array(string("abcdef")))),
                        span(spanId(2), "b").addAttributes(kv("k", array(string("abcde")))))
                    .toByteArray());

    assertThat(result.events()).extracting(Event::name).containsExactly("b");
  }

  @Test
  void decodeTraces_valuesNestedTooDeep_rejectsTheSpan() throws Exception {
    AnyValue deep = string("bottom");
    for (int i = 0; i < AnyValueReader.MAX_DEPTH + 1; i++) {
      deep = array(deep);
    }
    AnyValue allowed = string("bottom");
    for (int i = 0; i < AnyValueReader.MAX_DEPTH; i++) {
      allowed = array(allowed);
    }

    DecodeResult result =
        decoder.decodeTraces(
            traces(
                    span(spanId(1), "deep").addAttributes(kv("k", deep)),
                    span(spanId(2), "allowed").addAttributes(kv("k", allowed)))
                .toByteArray());

    assertThat(result.events()).extracting(Event::name).containsExactly("allowed");
    assertThat(result.rejectionMessage())
        .isEqualTo(
            "1 span rejected: span 1 has attribute \"k\" that nests arrays or maps more than 32"
                + " levels deep");
  }

  @Test
  void decodeTraces_moreSpansThanTheLimit_rejectsTheLast() throws Exception {
    Span.Builder[] spans = new Span.Builder[12];
    for (int i = 0; i < spans.length; i++) {
      spans[i] = span(spanId(i + 1), "s" + (i + 1));
    }

    DecodeResult result = withLimits(10, 100, 100, 100).decodeTraces(traces(spans).toByteArray());

    assertThat(result.events()).hasSize(10);
    assertThat(result.events().get(9).name()).isEqualTo("s10");
    assertThat(result.rejected()).isEqualTo(2);
    assertThat(result.rejectionMessage())
        .isEqualTo("request has 12 spans, more than the limit of 10; the last 2 were rejected");
  }

  @Test
  void decodeTraces_overLimitAndBadSpan_countsBothAndNamesTheFirstProblem() throws Exception {
    DecodeResult result =
        withLimits(2, 100, 100, 100)
            .decodeTraces(
                traces(
                        span("0000000000000000", "bad"),
                        span(spanId(2), "ok"),
                        span(spanId(3), "over"))
                    .toByteArray());

    assertThat(result.events()).extracting(Event::name).containsExactly("ok");
    assertThat(result.rejected()).isEqualTo(2);
    assertThat(result.rejectionMessage())
        .isEqualTo(
            "2 spans rejected; first: span 1 has an invalid span id: all zeros; also, the request"
                + " has 3 spans, more than the limit of 2; the last 1 were rejected");
  }

  private static java.util.Map.Entry<String, Object> entry(String key, Object value) {
    return java.util.Map.entry(key, value);
  }

  private static ByteString bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return ByteString.copyFrom(b);
  }

  /** {@code payload} as length-delimited field {@code number} of an enclosing message. */
  private static byte[] withField(int number, byte[] payload) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeByteArray(number, payload);
    out.flush();
    return bytes.toByteArray();
  }

  @Test
  void decodeTraces_zeroStartTime_rejectsOnlyThatSpan() throws Exception {
    DecodeResult result =
        decoder.decodeTraces(
            traces(
                    span(spanId(1), "a"),
                    span(spanId(2), "b").setStartTimeUnixNano(0).setEndTimeUnixNano(0),
                    span(spanId(3), "c"))
                .toByteArray());

    assertThat(result.events()).extracting(Event::name).containsExactly("a", "c");
    assertThat(result.rejectionMessage())
        .isEqualTo("1 span rejected: span 2 has no start time (start_time_unix_nano is 0)");
  }
}
