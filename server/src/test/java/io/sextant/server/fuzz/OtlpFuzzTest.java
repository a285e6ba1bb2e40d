package io.sextant.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.sextant.ingest.DecodeResult;
import io.sextant.ingest.IngestLimits;
import io.sextant.ingest.MalformedRequestException;
import io.sextant.ingest.otlp.OtlpDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The OTLP decoders, protobuf and JSON, for traces, logs and metrics: every input is decoded or
 * refused with {@link MalformedRequestException}; a generated request decodes the same from
 * protobuf and from OTLP/JSON, and each of its spans is stored or counted as refused.
 */
class OtlpFuzzTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> WORDS =
      List.of(
          "\"resourceSpans\"",
          "\"scopeSpans\"",
          "\"spans\"",
          "\"traceId\"",
          "\"spanId\"",
          "\"parentSpanId\"",
          "\"startTimeUnixNano\"",
          "\"endTimeUnixNano\"",
          "\"attributes\"",
          "\"key\"",
          "\"value\"",
          "\"stringValue\"",
          "\"intValue\"",
          "\"doubleValue\"",
          "\"boolValue\"",
          "\"arrayValue\"",
          "\"kvlistValue\"",
          "\"bytesValue\"",
          "\"values\"",
          "\"status\"",
          "\"code\"",
          "\"kind\"",
          "\"events\"",
          "\"links\"",
          "\"resourceLogs\"",
          "\"scopeLogs\"",
          "\"logRecords\"",
          "\"body\"",
          "\"severityNumber\"",
          "\"timeUnixNano\"",
          "\"resourceMetrics\"",
          "\"scopeMetrics\"",
          "\"metrics\"",
          "\"gauge\"",
          "\"sum\"",
          "\"histogram\"",
          "\"exponentialHistogram\"",
          "\"dataPoints\"",
          "\"bucketCounts\"",
          "\"explicitBounds\"",
          "\"asDouble\"",
          "\"asInt\"",
          "\"scale\"",
          "\"positive\"",
          "\"offset\"",
          "\"count\"",
          "\"STATUS_CODE_ERROR\"",
          "\"SPAN_KIND_SERVER\"");
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-06T00:00:00Z"), ZoneOffset.UTC);

  private final OtlpDecoder decoder = new OtlpDecoder(IngestLimits.defaults(), CLOCK);

  @Test
  void tracesProtobuf() throws Exception {
    protobufMutants(
        "otlp-traces-protobuf",
        "otlp-traces",
        ExportTraceServiceRequest::newBuilder,
        decoder::decodeTraces);
  }

  @Test
  void logsProtobuf() throws Exception {
    protobufMutants(
        "otlp-logs-protobuf",
        "otlp-logs",
        ExportLogsServiceRequest::newBuilder,
        decoder::decodeLogs);
  }

  @Test
  void metricsProtobuf() throws Exception {
    protobufMutants(
        "otlp-metrics-protobuf",
        "otlp-metrics",
        ExportMetricsServiceRequest::newBuilder,
        decoder::decodeMetrics);
  }

  @Test
  void tracesJson() {
    jsonMutants("otlp-traces-json", "otlp-traces", decoder::decodeTracesJson);
  }

  @Test
  void logsJson() {
    jsonMutants("otlp-logs-json", "otlp-logs", decoder::decodeLogsJson);
  }

  @Test
  void metricsJson() {
    jsonMutants("otlp-metrics-json", "otlp-metrics", decoder::decodeMetricsJson);
  }

  /**
   * A generated request decodes to the same events from protobuf and from OTLP/JSON; each span is
   * stored or counted as refused, and a stored span keeps its name.
   */
  @Test
  void generatedTraces_protobufAndJsonAgree() throws Exception {
    Random random = Fuzz.random("otlp-generated");
    Fuzz<byte[]> fromProtobuf = Fuzz.bytes("otlp-traces-generated-protobuf", decoder::decodeTraces);
    Fuzz<byte[]> fromJson = Fuzz.bytes("otlp-traces-generated-json", decoder::decodeTracesJson);
    for (int i = 0; i < Fuzz.executions(); i++) {
      ExportTraceServiceRequest request = request(random);
      byte[] protobuf = request.toByteArray();
      byte[] json = otlpJson(request);
      fromProtobuf.check(protobuf);
      fromJson.check(json);
      DecodeResult a = decoder.decodeTraces(protobuf);
      DecodeResult b = decoder.decodeTracesJson(json);
      int spans = spanCount(request);
      assertThat(b.events()).hasSameSizeAs(a.events());
      for (int k = 0; k < a.events().size(); k++) {
        assertThat(b.events().get(k))
            .as("event %d of JSON %s", k, new String(json, StandardCharsets.UTF_8))
            .usingRecursiveComparison()
            .withEqualsForType(Double::equals, Double.class) // NaN is NaN, -0.0 is not 0.0
            .isEqualTo(a.events().get(k));
      }
      assertThat(b.rejected()).isEqualTo(a.rejected());
      assertThat(a.events().size() + a.rejected()).isEqualTo(spans);
      List<String> names = new ArrayList<>();
      request
          .getResourceSpansList()
          .forEach(
              r ->
                  r.getScopeSpansList()
                      .forEach(s -> s.getSpansList().forEach(sp -> names.add(sp.getName()))));
      a.events().forEach(e -> assertThat(names).contains(e.name()));
    }
    fromProtobuf.report();
    fromJson.report();
  }

  private void protobufMutants(
      String name,
      String corpus,
      Supplier<? extends Message.Builder> builder,
      Fuzz.Target<byte[]> target)
      throws Exception {
    List<byte[]> seeds = new ArrayList<>();
    for (byte[] json : Corpus.seeds(corpus)) {
      seeds.add(protobuf(json, builder.get()));
    }
    Random random = Fuzz.random(name);
    Mutator bytes = new Mutator(random, seeds, List.of());
    Mutator trees = new Mutator(random, Corpus.seeds(corpus), WORDS);
    Fuzz<byte[]> fuzz = Fuzz.bytes(name, target, MalformedRequestException.class);
    for (int i = 0; i < Fuzz.executions(); i++) {
      byte[] input = bytes.bytes();
      if (random.nextBoolean()) {
        // a tree mutant that is still the request's JSON mapping reaches the decoder's own rules
        try {
          input = protobuf(trees.json(), builder.get());
        } catch (Exception notAMessage) {
          // keep the byte mutant
        }
      }
      fuzz.check(input);
    }
    fuzz.report();
  }

  private static void jsonMutants(String name, String corpus, Fuzz.Target<byte[]> target) {
    Random random = Fuzz.random(name);
    Mutator mutator = new Mutator(random, Corpus.seeds(corpus), WORDS);
    Fuzz<byte[]> fuzz = Fuzz.bytes(name, target, MalformedRequestException.class);
    for (int i = 0; i < Fuzz.executions(); i++) {
      fuzz.check(random.nextBoolean() ? mutator.bytes() : mutator.json());
    }
    fuzz.report();
  }

  /** OTLP/JSON (hex ids) to protobuf, through the standard JSON mapping (base64 bytes). */
  private static byte[] protobuf(byte[] otlpJson, Message.Builder builder) throws Exception {
    JsonNode tree = JSON.readTree(otlpJson);
    convertIds(tree, true);
    JsonFormat.parser().ignoringUnknownFields().merge(JSON.writeValueAsString(tree), builder);
    return builder.build().toByteArray();
  }

  /** The OTLP/JSON encoding of a request: the standard mapping with hex ids. */
  static byte[] otlpJson(Message request) throws Exception {
    JsonNode tree = JSON.readTree(JsonFormat.printer().print(request));
    convertIds(tree, false);
    return JSON.writeValueAsBytes(tree);
  }

  private static void convertIds(JsonNode node, boolean hexToBase64) {
    if (node instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        boolean id =
            f.getKey().equals("traceId")
                || f.getKey().equals("spanId")
                || f.getKey().equals("parentSpanId");
        if (id && f.getValue().isTextual()) {
          String text = f.getValue().asText();
          try {
            f.setValue(
                o.textNode(
                    hexToBase64
                        ? Base64.getEncoder().encodeToString(HexFormat.of().parseHex(text))
                        : HexFormat.of().formatHex(Base64.getDecoder().decode(text))));
          } catch (IllegalArgumentException notHex) {
            // left as it is: the parser refuses it, as it would a client's
          }
        } else {
          convertIds(f.getValue(), hexToBase64);
        }
      }
    } else if (node != null && node.isArray()) {
      node.forEach(child -> convertIds(child, hexToBase64));
    }
  }

  private static int spanCount(ExportTraceServiceRequest request) {
    return request.getResourceSpansList().stream()
        .flatMap(r -> r.getScopeSpansList().stream())
        .mapToInt(ScopeSpans::getSpansCount)
        .sum();
  }

  /** A request of 1–3 resources × 1–2 scopes × 1–5 spans, with any text, ids, times, values. */
  private static ExportTraceServiceRequest request(Random random) {
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    for (int r = 0, nr = 1 + random.nextInt(3); r < nr; r++) {
      ResourceSpans.Builder resource =
          ResourceSpans.newBuilder()
              .setResource(
                  Resource.newBuilder()
                      .addAttributes(keyValue("service.name", text(random)))
                      .addAllAttributes(attributes(random)));
      for (int s = 0, ns = 1 + random.nextInt(2); s < ns; s++) {
        ScopeSpans.Builder scope =
            ScopeSpans.newBuilder()
                .setScope(
                    InstrumentationScope.newBuilder()
                        .setName(text(random))
                        .setVersion(text(random)));
        for (int i = 0, n = 1 + random.nextInt(5); i < n; i++) {
          long start = times(random);
          Span.Builder span =
              Span.newBuilder()
                  .setTraceId(ByteString.copyFrom(id(random, 16)))
                  .setSpanId(ByteString.copyFrom(id(random, 8)))
                  .setName(text(random))
                  .setKindValue(random.nextInt(7))
                  .setStartTimeUnixNano(start)
                  .setEndTimeUnixNano(
                      random.nextInt(10) == 0
                          ? times(random)
                          : start + random.nextInt(1_000_000_000))
                  .addAllAttributes(attributes(random))
                  .setStatus(
                      Status.newBuilder().setCodeValue(random.nextInt(3)).setMessage(text(random)));
          if (random.nextBoolean()) {
            span.setParentSpanId(ByteString.copyFrom(id(random, 8)));
          }
          scope.addSpans(span);
        }
        resource.addScopeSpans(scope);
      }
      request.addResourceSpans(resource);
    }
    return request.build();
  }

  private static byte[] id(Random random, int length) {
    int len = random.nextInt(20) == 0 ? random.nextInt(20) : length;
    byte[] id = new byte[len];
    if (random.nextInt(20) != 0) {
      random.nextBytes(id);
    }
    return id;
  }

  private static long times(Random random) {
    return switch (random.nextInt(10)) {
      case 0 -> 0;
      case 1 -> random.nextLong();
      case 2 -> Long.MAX_VALUE;
      default -> 1_700_000_000_000_000_000L + (random.nextLong() & ((1L << 50) - 1));
    };
  }

  private static List<KeyValue> attributes(Random random) {
    List<KeyValue> out = new ArrayList<>();
    for (int i = 0, n = random.nextInt(6); i < n; i++) {
      out.add(KeyValue.newBuilder().setKey(text(random)).setValue(value(random, 0)).build());
    }
    return out;
  }

  private static KeyValue keyValue(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  private static AnyValue value(Random random, int depth) {
    AnyValue.Builder v = AnyValue.newBuilder();
    switch (random.nextInt(depth < 2 ? 7 : 5)) {
      case 0 -> v.setStringValue(text(random));
      case 1 -> v.setIntValue(random.nextInt(3) == 0 ? random.nextLong() : random.nextInt(1000));
      case 2 ->
          v.setDoubleValue(
              switch (random.nextInt(6)) {
                case 0 -> Double.NaN;
                case 1 -> Double.POSITIVE_INFINITY;
                // not -0.0: protobuf's JSON parser reads it through BigDecimal, as 0.0
                case 2 -> Double.MIN_VALUE;
                default -> random.nextGaussian() * 1e6;
              });
      case 3 -> v.setBoolValue(random.nextBoolean());
      case 4 -> {
        byte[] b = new byte[random.nextInt(12)];
        random.nextBytes(b);
        v.setBytesValue(ByteString.copyFrom(b));
      }
      case 5 -> {
        ArrayValue.Builder a = ArrayValue.newBuilder();
        for (int i = 0, n = random.nextInt(4); i < n; i++) {
          a.addValues(value(random, depth + 1));
        }
        v.setArrayValue(a);
      }
      default -> {
        io.opentelemetry.proto.common.v1.KeyValueList.Builder kv =
            io.opentelemetry.proto.common.v1.KeyValueList.newBuilder();
        for (int i = 0, n = random.nextInt(3); i < n; i++) {
          kv.addValues(
              KeyValue.newBuilder().setKey(text(random)).setValue(value(random, depth + 1)));
        }
        v.setKvlistValue(kv);
      }
    }
    return v.build();
  }

  private static final String[] PIECES = {
    "",
    "a",
    "checkout",
    "GET /api/{id}",
    "ü",
    "日本",
    "😀",
    "\u0000",
    "\u2028",
    "\"",
    "\\",
    "password",
    "http.request.header.authorization",
    "service.name",
    " ",
    "%",
    "x.y.z"
  };

  private static String text(Random random) {
    return Mutator.pieces(random, PIECES);
  }
}
