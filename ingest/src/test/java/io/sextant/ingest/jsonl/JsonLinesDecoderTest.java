package io.sextant.ingest.jsonl;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.ingest.IngestLimits;
import io.sextant.model.Event;
import io.sextant.model.EventKind;
import io.sextant.model.SpanId;
import io.sextant.model.TraceId;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonLinesDecoderTest {
  private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
  private static final long NOW_NANOS = NOW.getEpochSecond() * 1_000_000_000L;

  private final JsonLinesDecoder decoder =
      new JsonLinesDecoder(IngestLimits.defaults(), Clock.fixed(NOW, ZoneOffset.UTC));

  private JsonLinesResult decode(String body) {
    return decoder.decode(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void wellKnownKeys_becomeTheEventsFields_andTheRestAttributes() {
    JsonLinesResult r =
        decode(
            """
            {"timestamp":"2024-05-01T10:00:00.123456789Z","level":"ERROR","message":"payment declined","trace_id":"5b8efff798038103d269b633813fc60c","span_id":"eee19b7ec3c1b174","service":"checkout","user_id":"u-1","http":{"route":"/pay","status":502},"attempt":2,"ratio":0.5,"ok":false,"tags":["a","b"],"nothing":null}
            """);

    assertThat(r.rejected()).isZero();
    assertThat(r.errors()).isEmpty();
    Event e = r.events().get(0);
    assertThat(e.kind()).isEqualTo(EventKind.LOG);
    assertThat(e.timeUnixNano()).isEqualTo(1714557600123456789L);
    assertThat(e.severityText()).isEqualTo("ERROR");
    assertThat(e.severityNumber()).isEqualTo(17);
    assertThat(e.isError()).isTrue();
    assertThat(e.body()).isEqualTo("payment declined");
    assertThat(e.traceId()).isEqualTo(TraceId.fromHex("5b8efff798038103d269b633813fc60c"));
    assertThat(e.spanId()).isEqualTo(SpanId.fromHex("eee19b7ec3c1b174"));
    assertThat(e.serviceName()).isEqualTo("checkout");
    assertThat(e.attributes().asMap())
        .containsExactly(
            java.util.Map.entry("user_id", "u-1"),
            java.util.Map.entry("http.route", "/pay"),
            java.util.Map.entry("http.status", 502L),
            java.util.Map.entry("attempt", 2L),
            java.util.Map.entry("ratio", 0.5),
            java.util.Map.entry("ok", false),
            java.util.Map.entry("tags", "[\"a\",\"b\"]"));
  }

  @Test
  void alternativeSpellings_areRecognised() {
    JsonLinesResult r =
        decode(
            """
            {"@timestamp":"2024-05-01T12:00:00+02:00","lvl":"warn","msg":"slow","traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"eee19b7ec3c1b174","service":{"name":"cart","version":"1.2"}}
            {"time":1714557600,"severity":"info","msg":"x","service.name":"web"}
            {"ts":1714557600123,"level":30,"msg":"pino info"}
            """);

    assertThat(r.rejected()).isZero();
    Event a = r.events().get(0);
    assertThat(a.timeUnixNano()).isEqualTo(1714557600000000000L);
    assertThat(a.severityNumber()).isEqualTo(13);
    assertThat(a.body()).isEqualTo("slow");
    assertThat(a.traceId()).isNotNull();
    assertThat(a.serviceName()).isEqualTo("cart");
    assertThat(a.attributes().asMap()).containsEntry("service.version", "1.2");
    assertThat(r.events().get(1).serviceName()).isEqualTo("web");
    assertThat(r.events().get(1).severityNumber()).isEqualTo(9);
    assertThat(r.events().get(2).timeUnixNano()).isEqualTo(1714557600123000000L);
    assertThat(r.events().get(2).severityNumber()).isEqualTo(9);
    assertThat(r.events().get(2).severityText()).isEqualTo("30");
    assertThat(r.events().get(2).serviceName()).isEqualTo("unknown_service");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "1714557600|1714557600000000000",
        "1714557600.5|1714557600500000000",
        "1714557600123|1714557600123000000",
        "1714557600123456|1714557600123456000",
        "1714557600123456789|1714557600123456789",
        "\"1714557600123\"|1714557600123000000",
        "\"2024-05-01T10:00:00Z\"|1714557600000000000",
        "\"2024-05-01 10:00:00.5Z\"|1714557600500000000",
        "\"2024-05-01T10:00:00\"|1714557600000000000",
        "\"2024-05-01T12:00:00.000+02:00\"|1714557600000000000"
      })
  void timestamps_inEveryForm(String written, long nanos) {
    JsonLinesResult r = decode("{\"ts\":" + written + ",\"msg\":\"m\"}");
    assertThat(r.errors()).isEmpty();
    assertThat(r.events().get(0).timeUnixNano()).isEqualTo(nanos);
  }

  @Test
  void noTimestamp_isNow() {
    assertThat(decode("{\"msg\":\"m\"}").events().get(0).timeUnixNano()).isEqualTo(NOW_NANOS);
  }

  @Test
  void badLines_areRejectedAloneWithTheirLineNumbers() {
    String body =
        String.join(
            "\n",
            "{\"msg\":\"one\"}",
            "",
            "not json",
            "[1,2]",
            "{\"msg\":\"two\", \"ts\":\"yesterday\"}",
            "{\"msg\":\"three\", \"trace_id\":\"xyz\"}",
            "{\"msg\":\"four\"} {\"msg\":\"five\"}",
            "{\"msg\":\"six\", \"span_id\":\"0000000000000000\"}",
            "   ",
            "{\"msg\":\"seven\"}\r");
    JsonLinesResult r = decode(body + "\n");

    assertThat(r.events()).extracting(Event::body).containsExactly("one", "six", "seven");
    assertThat(r.events().get(1).spanId()).isNull();
    assertThat(r.rejected()).isEqualTo(5);
    assertThat(r.errors())
        .extracting(JsonLinesResult.LineError::line)
        .containsExactly(3, 4, 5, 6, 7);
    assertThat(r.errors().get(0).error()).startsWith("not valid JSON: ");
    assertThat(r.errors().get(1).error()).isEqualTo("not a JSON object");
    assertThat(r.errors().get(2).error())
        .isEqualTo("an unreadable ts: \"yesterday\" (RFC 3339, or epoch s/ms/µs/ns)");
    assertThat(r.errors().get(3).error())
        .isEqualTo("an invalid trace_id: \"xyz\" is not 32 hex digits");
    assertThat(r.errors().get(4).error()).startsWith("not one JSON object");
    assertThat(r.toDecodeResult().rejectionMessage())
        .startsWith("5 lines rejected; first: line 3: not valid JSON: ");
  }

  @Test
  void invalidUtf8_rejectsOnlyThatLine() {
    byte[] good = "{\"msg\":\"ok\"}\n".getBytes(StandardCharsets.UTF_8);
    byte[] bad = {'{', '"', 'm', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'};
    byte[] body = new byte[good.length * 2 + bad.length];
    System.arraycopy(good, 0, body, 0, good.length);
    System.arraycopy(bad, 0, body, good.length, bad.length);
    System.arraycopy(good, 0, body, good.length + bad.length, good.length);

    JsonLinesResult r = decoder.decode(body);

    assertThat(r.events()).hasSize(2);
    assertThat(r.errors()).containsExactly(new JsonLinesResult.LineError(2, "not valid UTF-8"));
  }

  @Test
  void limits_applyPerLine_andErrorsAreListedUpToAHundred() {
    JsonLinesDecoder small =
        new JsonLinesDecoder(new IngestLimits(1 << 20, 150, 2, 8, 16), Clock.systemUTC());
    StringBuilder body = new StringBuilder();
    body.append("{\"a\":1,\"b\":2,\"c\":3}\n"); // 3 attributes > 2
    body.append("{\"a_very_long_key\":1}\n");
    body.append("{\"a\":\"" + "x".repeat(17) + "\"}\n");
    for (int i = 0; i < 200; i++) {
      body.append(i % 2 == 0 ? "{\"a\":1}\n" : "nope\n");
    }
    JsonLinesResult r = small.decode(body.toString().getBytes(StandardCharsets.UTF_8));

    assertThat(r.errors().get(0).error()).isEqualTo("3 attributes, more than the limit of 2");
    assertThat(r.errors().get(1).error()).contains("longer than 8 characters");
    assertThat(r.errors().get(2).error()).contains("longer than 16 characters");
    // 150 lines at most: 3 bad + 147 of the alternating ones (74 good), then 53 over the limit
    assertThat(r.events()).hasSize(74);
    assertThat(r.rejected()).isEqualTo(203 - 74);
    assertThat(r.errors()).hasSize(JsonLinesDecoder.MAX_LISTED_ERRORS);
  }

  @Test
  void emptyBody_hasNoLinesAndNoErrors() {
    JsonLinesResult r = decode("\n\n");
    assertThat(r.events()).isEmpty();
    assertThat(r.rejected()).isZero();
    assertThat(r.toDecodeResult().rejectionMessage()).isEmpty();
  }

  @Test
  void messageThatIsNotText_isKeptAsJson() {
    Event e = decode("{\"message\":42,\"level\":\"fatal\"}").events().get(0);
    assertThat(e.body()).isEqualTo("42");
    assertThat(e.severityNumber()).isEqualTo(21);
  }
}
