package io.sextant.ingest.otlp;

import static io.sextant.ingest.otlp.OtlpFixtures.ENCODED_SURROGATE;
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
import static io.sextant.ingest.otlp.OtlpFixtures.patch;
import static io.sextant.ingest.otlp.OtlpFixtures.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.sextant.ingest.DecodeResult;
import io.sextant.ingest.IngestLimits;
import io.sextant.ingest.MalformedRequestException;
import io.sextant.model.Event;
import io.sextant.model.EventKind;
import io.sextant.model.SpanId;
import io.sextant.model.TraceId;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class OtlpLogDecodingTest {
  private static final Instant NOW = Instant.parse("2024-05-01T12:00:00.123456789Z");
  private static final long NOW_NANOS = NOW.getEpochSecond() * 1_000_000_000L + NOW.getNano();

  private final OtlpDecoder decoder =
      new OtlpDecoder(IngestLimits.defaults(), Clock.fixed(NOW, ZoneOffset.UTC));

  private static LogRecord.Builder record(String body) {
    return LogRecord.newBuilder().setTimeUnixNano(1_000).setBody(string(body));
  }

  @Test
  void decodeLogs_fullRecord_mapsEveryField() throws Exception {
    LogRecord.Builder full =
        LogRecord.newBuilder()
            .setTimeUnixNano(1_000)
            .setObservedTimeUnixNano(2_000)
            .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_ERROR)
            .setSeverityText("ERROR")
            .setBody(string("payment declined"))
            .addAttributes(kv("user_id", "u-17"))
            .setFlags(1)
            .setTraceId(id(TRACE_ID))
            .setSpanId(id(SPAN_ID))
            .setEventName("payment.failed");

    DecodeResult result = decoder.decodeLogs(logs(full).toByteArray());

    assertThat(result.rejected()).isZero();
    Event e = result.events().get(0);
    assertThat(e.kind()).isEqualTo(EventKind.LOG);
    assertThat(e.timeUnixNano()).isEqualTo(1_000);
    assertThat(e.severityNumber()).isEqualTo(17);
    assertThat(e.severityText()).isEqualTo("ERROR");
    assertThat(e.isError()).isTrue();
    assertThat(e.body()).isEqualTo("payment declined");
    assertThat(e.attributes().get("user_id")).isEqualTo("u-17");
    assertThat(e.flags()).isEqualTo(1);
    assertThat(e.traceId()).isEqualTo(TraceId.fromHex(TRACE_ID));
    assertThat(e.spanId()).isEqualTo(SpanId.fromHex(SPAN_ID));
    assertThat(e.name()).isEqualTo("payment.failed");
    assertThat(e.serviceName()).isEqualTo("checkout");
    assertThat(e.scope().name()).isEqualTo("lib");
  }

  @Test
  void decodeLogs_bodyOfEachKind_isTextOrNull() throws Exception {
    DecodeResult result =
        decoder.decodeLogs(
            logs(
                    LogRecord.newBuilder().setBody(string("plain")),
                    LogRecord.newBuilder().setBody(integer(42)),
                    LogRecord.newBuilder().setBody(number(2.5)),
                    LogRecord.newBuilder().setBody(bool(true)),
                    LogRecord.newBuilder().setBody(array(string("a"), integer(1))),
                    LogRecord.newBuilder()
                        .setBody(map(kv("msg", "hi \"you\""), kv("n", array())))
                        .setSeverityText("map"),
                    LogRecord.newBuilder()
                        .setBody(
                            AnyValue.newBuilder()
                                .setBytesValue(ByteString.copyFrom(new byte[] {(byte) 0xff, 0}))),
                    LogRecord.newBuilder().setBody(AnyValue.getDefaultInstance()),
                    LogRecord.newBuilder())
                .toByteArray());

    assertThat(result.events())
        .extracting(Event::body)
        .containsExactly(
            "plain",
            "42",
            "2.5",
            "true",
            "[\"a\",1]",
            "{\"msg\":\"hi \\\"you\\\"\",\"n\":[]}",
            "/wA=",
            null,
            null);
  }

  @Test
  void decodeLogs_time_fallsBackToObservedTimeThenToTheClock() throws Exception {
    DecodeResult result =
        decoder.decodeLogs(
            logs(
                    LogRecord.newBuilder().setTimeUnixNano(5).setObservedTimeUnixNano(7),
                    LogRecord.newBuilder().setObservedTimeUnixNano(7),
                    LogRecord.newBuilder())
                .toByteArray());

    assertThat(result.events()).extracting(Event::timeUnixNano).containsExactly(5L, 7L, NOW_NANOS);
  }

  @Test
  void decodeLogs_withoutTraceContext_hasNullIds() throws Exception {
    DecodeResult result =
        decoder.decodeLogs(
            logs(
                    record("no context"),
                    record("zeros")
                        .setTraceId(ByteString.copyFrom(new byte[16]))
                        .setSpanId(ByteString.copyFrom(new byte[8])))
                .toByteArray());

    assertThat(result.events()).hasSize(2);
    assertThat(result.events())
        .allSatisfy(
            e -> {
              assertThat(e.traceId()).isNull();
              assertThat(e.spanId()).isNull();
            });
  }

  @Test
  void decodeLogs_severityNumberOutOfRange_rejectsOnlyThatRecord() throws Exception {
    DecodeResult result =
        decoder.decodeLogs(
            logs(
                    record("a").setSeverityNumberValue(24),
                    record("b").setSeverityNumberValue(-5),
                    record("c").setSeverityNumberValue(25))
                .toByteArray());

    assertThat(result.events()).extracting(Event::body).containsExactly("a");
    assertThat(result.rejectionMessage())
        .isEqualTo(
            "2 log records rejected; first: log record 2 has severity_number -5, outside the"
                + " OTLP range 0 to 24");
  }

  @Test
  void decodeLogs_invalidTraceId_rejectsOnlyThatRecord() throws Exception {
    DecodeResult result =
        decoder.decodeLogs(
            logs(
                    record("a"),
                    record("b").setTraceId(id("0102030405060708")),
                    record("c").setSpanId(id(SPAN_ID)))
                .toByteArray());

    assertThat(result.events()).extracting(Event::body).containsExactly("a", "c");
    assertThat(result.rejectionMessage())
        .isEqualTo(
            "1 log record rejected: log record 2 has an invalid trace id: 8 bytes instead of 16");
  }

  @Test
  void decodeLogs_invalidUtf8InBody_rejectsOnlyThatRecord() throws Exception {
    byte[] request = logs(record("a"), record("b@@@"), record("c")).toByteArray();

    DecodeResult result = decoder.decodeLogs(patch(request, "@@@", ENCODED_SURROGATE));

    assertThat(result.events()).extracting(Event::body).containsExactly("a", "c");
    assertThat(result.rejectionMessage())
        .isEqualTo("1 log record rejected: log record 2 has invalid UTF-8 in its body");
  }

  @Test
  void decodeLogs_truncatedBody_throwsMalformedRequest() {
    byte[] whole = logs(record("a"), record("b")).toByteArray();

    assertThatThrownBy(() -> decoder.decodeLogs(Arrays.copyOf(whole, whole.length - 3)))
        .isInstanceOf(MalformedRequestException.class)
        .hasMessage("request body is not a valid OTLP ExportLogsServiceRequest: truncated message");
  }
}
