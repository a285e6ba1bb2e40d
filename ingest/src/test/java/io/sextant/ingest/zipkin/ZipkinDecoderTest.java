package io.sextant.ingest.zipkin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.ingest.DecodeResult;
import io.sextant.ingest.IngestLimits;
import io.sextant.ingest.MalformedRequestException;
import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.SpanEvent;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.StatusCode;
import io.sextant.model.TraceId;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ZipkinDecoderTest {
  /** A client call and the server span it caused, as Brave reports them, plus a 128-bit trace. */
  private static final String SAMPLE =
      """
      [
        {
          "traceId": "86154a4ba6e91385",
          "parentId": "86154a4ba6e91385",
          "id": "4d1e00c0db9010db",
          "kind": "CLIENT",
          "name": "GET /inventory",
          "timestamp": 1700000000000123,
          "duration": 2500,
          "localEndpoint": {"serviceName": "frontend", "ipv4": "10.0.0.1"},
          "remoteEndpoint": {"serviceName": "inventory", "ipv4": "10.0.0.2", "port": 8080},
          "annotations": [{"timestamp": 1700000000000200, "value": "ws"}],
          "tags": {"http.method": "GET", "http.status_code": "503", "error": "503"},
          "debug": true
        },
        {
          "traceId": "86154a4ba6e91385",
          "parentId": "86154a4ba6e91385",
          "id": "4d1e00c0db9010db",
          "kind": "SERVER",
          "name": "get /inventory",
          "timestamp": 1700000000000500,
          "duration": 1500,
          "localEndpoint": {"serviceName": "inventory", "ipv6": "2001:db8::c001"},
          "remoteEndpoint": {"ipv4": "10.0.0.1", "port": 51234},
          "shared": true
        },
        {
          "traceId": "463ac35c9f6413ad48485a3953bb6124",
          "id": "a2fb4a1d1a96d312",
          "name": "consume",
          "kind": "CONSUMER",
          "timestamp": 1700000001000000,
          "localEndpoint": {"serviceName": "frontend"}
        },
        {
          "traceId": "463ac35c9f6413ad48485a3953bb6124",
          "id": "a2fb4a1d1a96d313",
          "parentId": "a2fb4a1d1a96d312",
          "name": "work",
          "timestamp": 1700000001000100,
          "duration": 10
        }
      ]
      """;

  private final ZipkinDecoder decoder = new ZipkinDecoder(IngestLimits.defaults());

  @Test
  void decodeJsonV2_sample_mapsSpansEndpointsTagsAndAnnotations() throws Exception {
    DecodeResult result = decoder.decodeJsonV2(SAMPLE.getBytes(StandardCharsets.UTF_8));

    assertThat(result.rejected()).isZero();
    assertThat(result.events()).hasSize(4);

    Event client = result.events().get(0);
    assertThat(client.traceId()).isEqualTo(new TraceId(0, 0x86154a4ba6e91385L));
    assertThat(client.spanId()).isEqualTo(SpanId.fromHex("4d1e00c0db9010db"));
    assertThat(client.parentSpanId()).isEqualTo(SpanId.fromHex("86154a4ba6e91385"));
    assertThat(client.spanKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(client.name()).isEqualTo("get /inventory"); // Zipkin's codec lowercases names
    assertThat(client.timeUnixNano()).isEqualTo(1_700_000_000_000_123_000L);
    assertThat(client.durationNanos()).isEqualTo(2_500_000L);
    assertThat(client.serviceName()).isEqualTo("frontend");
    assertThat(client.status()).isEqualTo(StatusCode.ERROR);
    assertThat(client.statusMessage()).isEqualTo("503");
    assertThat(client.attributes().asMap())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "zipkin.local_endpoint.ip", "10.0.0.1",
                "peer.service", "inventory",
                "server.address", "10.0.0.2",
                "server.port", 8080L,
                "http.method", "GET",
                "http.status_code", "503",
                "error", "503",
                "zipkin.debug", true));
    assertThat(client.events())
        .containsExactly(new SpanEvent(1_700_000_000_000_200_000L, "ws", Attributes.empty()));

    Event server = result.events().get(1);
    assertThat(server.spanKind()).isEqualTo(SpanKind.SERVER);
    // The shared server half gets its own stable id, as the client span's child.
    assertThat(server.spanId()).isNotEqualTo(client.spanId());
    assertThat(server.spanId()).isEqualTo(ZipkinDecoder.serverHalfOf(client.spanId()));
    assertThat(server.parentSpanId()).isEqualTo(client.spanId());
    assertThat(server.serviceName()).isEqualTo("inventory");
    assertThat(server.status()).isEqualTo(StatusCode.UNSET);
    assertThat(server.attributes().asMap())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "zipkin.local_endpoint.ip",
                "2001:db8::c001",
                "client.address",
                "10.0.0.1",
                "client.port",
                51234L,
                "zipkin.shared",
                true));

    Event consumer = result.events().get(2);
    assertThat(consumer.traceId()).isEqualTo(TraceId.fromHex("463ac35c9f6413ad48485a3953bb6124"));
    assertThat(consumer.spanKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(consumer.durationNanos()).isZero();
    assertThat(consumer.attributes().isEmpty()).isTrue();
    assertThat(consumer.resource()).isSameAs(client.resource());

    Event internal = result.events().get(3);
    assertThat(internal.spanKind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(internal.serviceName()).isEqualTo("unknown_service");
  }

  @Test
  void decodeJsonV2_tooManyTags_rejectsThatSpanOnly() throws Exception {
    String tags =
        IntStream.range(0, 5)
            .mapToObj(i -> "\"k" + i + "\":\"v\"")
            .collect(Collectors.joining(","));
    String json =
        """
        [{"traceId":"86154a4ba6e91385","id":"0000000000000001","timestamp":1,"tags":{%s}},
         {"traceId":"86154a4ba6e91385","id":"0000000000000002","timestamp":1,"tags":{"k":"v"}}]
        """
            .formatted(tags);

    DecodeResult result =
        new ZipkinDecoder(new IngestLimits(1 << 20, 100, 4, 100, 100))
            .decodeJsonV2(json.getBytes(StandardCharsets.UTF_8));

    assertThat(result.events())
        .extracting(e -> e.spanId().toHex())
        .containsExactly("0000000000000002");
    assertThat(result.rejectionMessage())
        .isEqualTo("1 span rejected: span 1 has 5 attributes, more than the limit of 4");
  }

  @Test
  void decodeJsonV2_tagValueTooLong_rejectsThatSpan() throws Exception {
    String json =
        """
        [{"traceId":"86154a4ba6e91385","id":"0000000000000001","timestamp":1,
          "tags":{"sql":"select * from a_table_with_a_long_name"}}]
        """;

    DecodeResult result =
        new ZipkinDecoder(new IngestLimits(1 << 20, 100, 100, 100, 10))
            .decodeJsonV2(json.getBytes(StandardCharsets.UTF_8));

    assertThat(result.events()).isEmpty();
    assertThat(result.rejectionMessage())
        .isEqualTo(
            "1 span rejected: span 1 has attribute \"sql\" with a value longer than 10 characters");
  }

  @Test
  void decodeJsonV2_moreSpansThanTheLimit_rejectsTheLast() throws Exception {
    String json =
        IntStream.rangeClosed(1, 5)
            .mapToObj(
                i ->
                    "{\"traceId\":\"86154a4ba6e91385\",\"id\":\"000000000000000%d\",\"timestamp\":1}"
                        .formatted(i))
            .collect(Collectors.joining(",", "[", "]"));

    DecodeResult result =
        new ZipkinDecoder(new IngestLimits(1 << 20, 3, 100, 100, 100))
            .decodeJsonV2(json.getBytes(StandardCharsets.UTF_8));

    assertThat(result.events()).hasSize(3);
    assertThat(result.rejectionMessage())
        .isEqualTo("request has 5 spans, more than the limit of 3; the last 2 were rejected");
  }

  @Test
  void decodeJsonV2_spanWithoutTimestamp_isRejected() throws Exception {
    String json =
        """
        [{"traceId":"86154a4ba6e91385","id":"0000000000000001","name":"fragment"},
         {"traceId":"86154a4ba6e91385","id":"0000000000000002","timestamp":5}]
        """;

    DecodeResult result = decoder.decodeJsonV2(json.getBytes(StandardCharsets.UTF_8));

    assertThat(result.events()).hasSize(1);
    assertThat(result.rejectionMessage()).isEqualTo("1 span rejected: span 1 has no timestamp");
  }

  @Test
  void decodeJsonV2_malformedSpans_areRejectedAlone_andTheGoodOnesKept() throws Exception {
    String json =
        """
        [{"traceId":"86154a4ba6e91385","id":"0000000000000001","timestamp":1},
         {"traceId":"NOT-HEX","id":"0000000000000002","timestamp":1},
         {"traceId":"ab","id":"0000000000000003","timestamp":1},
         {"traceId":"00000000000000000000000000000000","id":"0000000000000004","timestamp":1},
         {"traceId":"86154a4ba6e91385","id":"ab","timestamp":1},
         {"traceId":"86154a4ba6e91385","id":"0000000000000006","parentId":"0000000000000000","timestamp":1},
         {"traceId":"86154a4ba6e91385","id":"0000000000000007","timestamp":"yesterday"},
         17,
         {"traceId":"86154a4ba6e91385","id":"0000000000000009","timestamp":1}]
        """;

    DecodeResult r = decoder.decodeJsonV2(json.getBytes(StandardCharsets.UTF_8));
    assertThat(r.events())
        .extracting(e -> e.spanId().toHex())
        .containsExactly("0000000000000001", "0000000000000009");
    assertThat(r.rejected()).isEqualTo(7);
    assertThat(r.rejectionMessage())
        .isEqualTo(
            "7 spans rejected; first: span 2 is malformed: traceId \"NOT-HEX\" is not 16 or 32 lower-case"
                + " hex digits");
  }

  @Test
  void decodeJsonV2_invalidUtf8_refusesTheRequest() {
    byte[] json =
        "[{\"traceId\":\"86154a4ba6e91385\",\"id\":\"0000000000000001\",\"timestamp\":1,\"name\":\"x\"}]"
            .getBytes(StandardCharsets.UTF_8);
    json[json.length - 4] = (byte) 0xC3; // the name's 'x' becomes half of a two-byte character
    assertThatThrownBy(() -> decoder.decodeJsonV2(json))
        .isInstanceOf(MalformedRequestException.class)
        .hasMessageContaining("not valid UTF-8");
  }

  @Test
  void decodeJsonV2_notAList_throwsMalformedRequest() {
    assertThatThrownBy(() -> decoder.decodeJsonV2("{}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MalformedRequestException.class)
        .hasMessage(
            "request body is not a valid Zipkin v2 JSON span list: it is not a JSON array of span"
                + " objects");
  }

  @Test
  void decodeJsonV2_zipkinsOwnEncoding_withTrailingNulBytes_isDecoded() throws Exception {
    // Found by ZipkinFuzzTest: Zipkin's encoder (zipkin2 3.6.0) sizes U+0080 followed by U+2028
    // one byte too large per escape and leaves NUL bytes after the closing bracket; its reporters
    // send that buffer as is.
    byte[] json =
        zipkin2.codec.SpanBytesEncoder.JSON_V2.encodeList(
            List.of(
                zipkin2.Span.newBuilder()
                    .traceId("0000000000000001")
                    .id("0000000000000001")
                    .timestamp(1_796_566_535_000_000L)
                    .localEndpoint(
                        zipkin2.Endpoint.newBuilder().serviceName("\u0080\u2028").build())
                    .build()));
    assertThat(json[json.length - 1]).as("the encoder's padding").isZero();
    DecodeResult r = decoder.decodeJsonV2(json);
    assertThat(r.rejectionMessage()).isEmpty();
    assertThat(r.events()).hasSize(1);
    assertThat(r.events().get(0).resource().serviceName()).isEqualTo("\u0080\u2028");
  }
}
