package io.sextant.ingest.otlp;

import static io.sextant.ingest.otlp.OtlpFixtures.PARENT_ID;
import static io.sextant.ingest.otlp.OtlpFixtures.SPAN_ID;
import static io.sextant.ingest.otlp.OtlpFixtures.TRACE_ID;
import static io.sextant.ingest.otlp.OtlpFixtures.array;
import static io.sextant.ingest.otlp.OtlpFixtures.bool;
import static io.sextant.ingest.otlp.OtlpFixtures.id;
import static io.sextant.ingest.otlp.OtlpFixtures.integer;
import static io.sextant.ingest.otlp.OtlpFixtures.kv;
import static io.sextant.ingest.otlp.OtlpFixtures.logs;
import static io.sextant.ingest.otlp.OtlpFixtures.map;
import static io.sextant.ingest.otlp.OtlpFixtures.number;
import static io.sextant.ingest.otlp.OtlpFixtures.span;
import static io.sextant.ingest.otlp.OtlpFixtures.spanId;
import static io.sextant.ingest.otlp.OtlpFixtures.traces;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.sextant.ingest.DecodeResult;
import io.sextant.ingest.IngestLimits;
import io.sextant.ingest.MalformedRequestException;
import io.sextant.model.Event;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.TraceId;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OtlpJsonDecodingTest {
  private final OtlpDecoder decoder =
      new OtlpDecoder(IngestLimits.defaults(), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));

  @Test
  void decodeTracesJson_hexIds_equalsTheProtobufResultForTheSameRequest() throws Exception {
    ExportTraceServiceRequest request =
        traces(
            span(SPAN_ID, "full")
                .setParentSpanId(id(PARENT_ID))
                .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
                .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_OK))
                .addAttributes(kv("a", array(OtlpFixtures.string("x"), integer(3), bool(false))))
                .addAttributes(kv("m", map(kv("k", "v"))))
                .addAttributes(kv("d", number(0.25)))
                .addAttributes(kv("big", integer(Long.MAX_VALUE)))
                .addEvents(Span.Event.newBuilder().setName("e").setTimeUnixNano(5))
                .addLinks(Span.Link.newBuilder().setTraceId(id(TRACE_ID)).setSpanId(id(PARENT_ID))),
            span(spanId(2), "second"));

    DecodeResult fromProtobuf = decoder.decodeTraces(request.toByteArray());
    DecodeResult fromJson = decoder.decodeTracesJson(otlpJson(request));

    assertThat(fromJson.rejected()).isZero();
    assertThat(fromJson.events()).hasSize(2).isEqualTo(fromProtobuf.events());
  }

  @Test
  void decodeLogsJson_hexIds_equalsTheProtobufResultForTheSameRequest() throws Exception {
    var request =
        logs(
            LogRecord.newBuilder()
                .setTimeUnixNano(9)
                .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_WARN)
                .setBody(map(kv("k", "v")))
                .setTraceId(id(TRACE_ID))
                .setSpanId(id(SPAN_ID)),
            LogRecord.newBuilder().setTimeUnixNano(10).setBody(OtlpFixtures.string("no context")));

    DecodeResult fromProtobuf = decoder.decodeLogs(request.toByteArray());
    DecodeResult fromJson = decoder.decodeLogsJson(otlpJson(request));

    assertThat(fromJson.events()).hasSize(2).isEqualTo(fromProtobuf.events());
  }

  @Test
  void decodeTracesJson_specStyleRequest_withUpperCaseHexNumbersAndIntEnums() throws Exception {
    String json =
        """
        {"resourceSpans": [{
          "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "shop"}}]},
          "scopeSpans": [{
            "scope": {"name": "shop.lib", "version": "0.9"},
            "spans": [{
              "traceId": "4BF92F3577B34DA6A3CE929D0E0E4736",
              "spanId": "00F067AA0BA902B7",
              "parentSpanId": "",
              "name": "checkout",
              "kind": 2,
              "startTimeUnixNano": 1700000000000000000,
              "endTimeUnixNano": "1700000000250000000",
              "attributes": [{"key": "retries", "value": {"intValue": "3"}}],
              "status": {"code": "STATUS_CODE_ERROR", "message": "declined"},
              "someFutureField": {"ignored": true}
            }]
          }]
        }]}
        """;

    DecodeResult result = decoder.decodeTracesJson(json.getBytes(StandardCharsets.UTF_8));

    assertThat(result.rejected()).isZero();
    Event e = result.events().get(0);
    assertThat(e.traceId()).isEqualTo(TraceId.fromHex("4bf92f3577b34da6a3ce929d0e0e4736"));
    assertThat(e.spanId()).isEqualTo(SpanId.fromHex("00f067aa0ba902b7"));
    assertThat(e.parentSpanId()).isNull();
    assertThat(e.spanKind()).isEqualTo(SpanKind.SERVER);
    assertThat(e.durationNanos()).isEqualTo(250_000_000L);
    assertThat(e.attributes().get("retries")).isEqualTo(3L);
    assertThat(e.statusMessage()).isEqualTo("declined");
    assertThat(e.serviceName()).isEqualTo("shop");
    assertThat(e.scope().version()).isEqualTo("0.9");
  }

  @Test
  void decodeTracesJson_snakeCaseNames_areAccepted() throws Exception {
    String json =
        """
        {"resource_spans": [{"scope_spans": [{"spans": [{
          "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
          "span_id": "00f067aa0ba902b7",
          "parent_span_id": "00f067aa0ba902b6",
          "name": "snake",
          "kind": "SPAN_KIND_PRODUCER",
          "start_time_unix_nano": "5",
          "end_time_unix_nano": "6"
        }]}]}]}
        """;

    DecodeResult result = decoder.decodeTracesJson(json.getBytes(StandardCharsets.UTF_8));

    assertThat(result.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.spanKind()).isEqualTo(SpanKind.PRODUCER);
              assertThat(e.parentSpanId()).isEqualTo(SpanId.fromHex("00f067aa0ba902b6"));
              assertThat(e.durationNanos()).isEqualTo(1);
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {"not-hex-not-hex-not-hex-not-hex!", "4bf92f3577b34da6a3ce", "7"})
  void decodeTracesJson_badHexTraceId_rejectsOnlyThatSpan(String badId) throws Exception {
    String json =
        """
        {"resourceSpans": [{"scopeSpans": [{"spans": [
          {"traceId": "4bf92f3577b34da6a3ce929d0e0e4736", "spanId": "00f067aa0ba902b7", "startTimeUnixNano": "1700000000000000000",
           "endTimeUnixNano": "1700000000000000001", "name": "a"},
          {"traceId": "%s", "spanId": "00f067aa0ba902b8", "startTimeUnixNano": "1700000000000000000",
           "endTimeUnixNano": "1700000000000000001", "name": "b"},
          {"traceId": "4bf92f3577b34da6a3ce929d0e0e4736", "spanId": "00f067aa0ba902b9", "startTimeUnixNano": "1700000000000000000",
           "endTimeUnixNano": "1700000000000000001", "name": "c"}
        ]}]}]}
        """
            .formatted(badId);

    DecodeResult result = decoder.decodeTracesJson(json.getBytes(StandardCharsets.UTF_8));

    assertThat(result.events()).extracting(Event::name).containsExactly("a", "c");
    assertThat(result.rejectionMessage())
        .isEqualTo("1 span rejected: span 2 has an invalid trace id: it is not 32 hex digits");
  }

  @Test
  void decodeTracesJson_badHexLinkIdOrNumericId_rejectsOnlyThatSpan() throws Exception {
    String json =
        """
        {"resourceSpans": [{"scopeSpans": [{"spans": [
          {"traceId": "4bf92f3577b34da6a3ce929d0e0e4736", "spanId": "00f067aa0ba902b7", "startTimeUnixNano": "1700000000000000000",
           "endTimeUnixNano": "1700000000000000001", "name": "a",
           "links": [{"traceId": "4bf92f3577b34da6a3ce929d0e0e4736", "spanId": "zz"}]},
          {"traceId": "4bf92f3577b34da6a3ce929d0e0e4736", "spanId": 12, "startTimeUnixNano": "1700000000000000000",
           "endTimeUnixNano": "1700000000000000001", "name": "b"},
          {"traceId": "4bf92f3577b34da6a3ce929d0e0e4736", "spanId": "00f067aa0ba902b9", "startTimeUnixNano": "1700000000000000000",
           "endTimeUnixNano": "1700000000000000001", "name": "c"}
        ]}]}]}
        """;

    DecodeResult result = decoder.decodeTracesJson(json.getBytes(StandardCharsets.UTF_8));

    assertThat(result.events()).extracting(Event::name).containsExactly("c");
    assertThat(result.rejectionMessage())
        .isEqualTo(
            "2 spans rejected; first: span 1 has a link with an invalid span id: it is not 16 hex"
                + " digits");
  }

  @Test
  void decodeLogsJson_badHexSpanId_rejectsOnlyThatRecord() throws Exception {
    String json =
        """
        {"resourceLogs": [{"scopeLogs": [{"logRecords": [
          {"timeUnixNano": "1", "body": {"stringValue": "a"}, "spanId": "00f067aa0ba902bx"},
          {"timeUnixNano": "2", "body": {"stringValue": "b"}, "traceId": "", "spanId": ""}
        ]}]}]}
        """;

    DecodeResult result = decoder.decodeLogsJson(json.getBytes(StandardCharsets.UTF_8));

    assertThat(result.events()).extracting(Event::body).containsExactly("b");
    assertThat(result.rejectionMessage())
        .isEqualTo(
            "1 log record rejected: log record 1 has an invalid span id: it is not 16 hex digits");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not json",
        "{\"resourceSpans\": [",
        "[1, 2]",
        "{\"resourceSpans\": \"x\"}",
        "{\"resourceSpans\": [{\"scopeSpans\": [{\"spans\": [{\"name\": 5, \"kind\": {}}]}]}]}",
        "{\"a\": 1} {\"b\": 2}",
        "{unquoted: 1}"
      })
  void decodeTracesJson_malformedJson_throwsMalformedRequest(String body) {
    assertThatThrownBy(() -> decoder.decodeTracesJson(body.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MalformedRequestException.class)
        .hasMessageStartingWith("request body is not valid OTLP JSON: ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").hasSizeLessThan(250));
  }

  @Test
  void decodeTracesJson_deeplyNestedJson_throwsMalformedRequest() {
    String deep = "{\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";

    assertThatThrownBy(() -> decoder.decodeTracesJson(deep.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MalformedRequestException.class)
        .hasMessageContaining("Nesting limit");
  }

  @Test
  void decodeTracesJson_invalidUtf8_throwsMalformedRequest() {
    byte[] body = {'{', '"', (byte) 0xff, '"', ':', '1', '}'};

    assertThatThrownBy(() -> decoder.decodeTracesJson(body))
        .isInstanceOf(MalformedRequestException.class)
        .hasMessage("request body is not valid OTLP JSON: it is not valid UTF-8");
  }

  /**
   * The OTLP/HTTP JSON encoding of {@code request}: the standard protobuf JSON mapping, with trace
   * and span ids turned from base64 into hex as the OTLP spec requires.
   */
  static byte[] otlpJson(MessageOrBuilder request) throws Exception {
    JsonElement tree = JsonParser.parseString(JsonFormat.printer().print(request));
    base64IdsToHex(tree);
    return tree.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void base64IdsToHex(JsonElement e) {
    if (e.isJsonArray()) {
      e.getAsJsonArray().forEach(OtlpJsonDecodingTest::base64IdsToHex);
    } else if (e.isJsonObject()) {
      JsonObject o = e.getAsJsonObject();
      for (String key : o.keySet()) {
        if (key.equals("traceId") || key.equals("spanId") || key.equals("parentSpanId")) {
          byte[] bytes = Base64.getDecoder().decode(o.get(key).getAsString());
          o.addProperty(key, HexFormat.of().formatHex(bytes));
        } else {
          base64IdsToHex(o.get(key));
        }
      }
    }
  }
}
