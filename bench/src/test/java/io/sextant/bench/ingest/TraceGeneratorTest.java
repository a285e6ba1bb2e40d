package io.sextant.bench.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import zipkin2.codec.SpanBytesDecoder;

class TraceGeneratorTest {
  private static final long NOW = 1_800_000_000_000_000_000L;

  private static List<List<GeneratedSpan>> requests(
      long seed, long salt, long spans, int perRequest) {
    TraceGenerator gen = new TraceGenerator(seed, salt, NOW, 1_000_000);
    List<List<GeneratedSpan>> out = new ArrayList<>();
    long left = spans;
    while (left > 0) {
      List<GeneratedSpan> r = gen.nextRequest(perRequest, left);
      out.add(r);
      left -= r.size();
    }
    return out;
  }

  private static String traceId(GeneratedSpan s) {
    return Ids.hex16(s.traceIdHigh()) + Ids.hex16(s.traceIdLow());
  }

  @Test
  void run_holdsExactlyTheSpansAskedFor_inWholeTracesThatNoOtherRequestShares() {
    List<List<GeneratedSpan>> requests = requests(42, 0, 100_003, 1000);
    assertThat(requests.stream().mapToInt(List::size).sum()).isEqualTo(100_003);
    Map<String, Integer> requestOfTrace = new HashMap<>();
    Set<Long> spanIds = new HashSet<>();
    for (int i = 0; i < requests.size(); i++) {
      assertThat(requests.get(i).size()).isLessThanOrEqualTo(1000);
      for (GeneratedSpan s : requests.get(i)) {
        Integer before = requestOfTrace.putIfAbsent(traceId(s), i);
        assertThat(before == null || before == i).as("trace %s split", traceId(s)).isTrue();
        assertThat(spanIds.add(s.spanId())).isTrue();
      }
    }
    assertThat(requests.size()).isBetween(101, 103); // whole traces leave a few spans of room
  }

  @Test
  void spans_lookLikeTheBrief_sizesAttributesDatabaseAndErrors() {
    List<GeneratedSpan> all = requests(7, 0, 200_000, 1000).stream().flatMap(List::stream).toList();
    Map<String, Integer> perTrace = new HashMap<>();
    Set<String> names = new HashSet<>();
    Set<String> users = new HashSet<>();
    long attributes = 0;
    long db = 0;
    long errors = 0;
    for (GeneratedSpan s : all) {
      perTrace.merge(traceId(s), 1, Integer::sum);
      names.add(s.name());
      attributes += s.attributes().size();
      for (GeneratedSpan.Attribute a : s.attributes()) {
        if (a.key().equals("db.system")) {
          db++;
        }
        if (a.key().equals("user_id")) {
          users.add((String) a.value());
        }
      }
      errors += s.error() ? 1 : 0;
      assertThat(s.endNanos()).isGreaterThanOrEqualTo(s.startNanos());
    }
    perTrace.remove(traceId(all.getLast())); // the last trace may be cut to fit the count
    assertThat(perTrace.values()).allSatisfy(n -> assertThat(n).isBetween(4, 16));
    double mean = perTrace.values().stream().mapToInt(Integer::intValue).average().orElseThrow();
    assertThat(mean).isBetween(9.5, 10.5);
    assertThat(attributes / (double) all.size()).isBetween(9.0, 11.0);
    assertThat(db / (double) all.size()).isBetween(0.25, 0.35);
    assertThat(errors / (double) all.size()).isBetween(0.01, 0.03);
    assertThat(names.size()).isBetween(90, 110);
    assertThat(users.size()).isGreaterThan(15_000);
  }

  @Test
  void sameSeed_sameData_andANewSaltGivesNewIds() {
    List<GeneratedSpan> a = requests(42, 1, 5_000, 500).stream().flatMap(List::stream).toList();
    List<GeneratedSpan> b = requests(42, 1, 5_000, 500).stream().flatMap(List::stream).toList();
    List<GeneratedSpan> c = requests(42, 2, 5_000, 500).stream().flatMap(List::stream).toList();
    assertThat(a).isEqualTo(b);
    assertThat(c.stream().map(GeneratedSpan::name).toList())
        .isEqualTo(a.stream().map(GeneratedSpan::name).toList());
    Set<String> ids = new HashSet<>();
    a.forEach(s -> ids.add(traceId(s)));
    assertThat(c).noneMatch(s -> ids.contains(traceId(s)));
  }

  @Test
  void bodies_decodeBackToTheSameSpans() throws Exception {
    List<GeneratedSpan> request = requests(3, 0, 1000, 1000).getFirst();
    ExportTraceServiceRequest otlp =
        ExportTraceServiceRequest.parseFrom(new OtlpBodies().http(request));
    assertThat(
            otlp.getResourceSpansList().stream()
                .mapToInt(r -> r.getScopeSpans(0).getSpansCount())
                .sum())
        .isEqualTo(request.size());
    assertThat(otlp.getResourceSpansCount())
        .isEqualTo((int) request.stream().map(GeneratedSpan::service).distinct().count());

    byte[] grpc = new OtlpBodies().grpc(request);
    assertThat(grpc[0]).isZero();
    assertThat(ByteBuffer.wrap(grpc, 1, 4).getInt()).isEqualTo(grpc.length - 5);

    List<zipkin2.Span> zipkin = SpanBytesDecoder.JSON_V2.decodeList(ZipkinBodies.json(request));
    assertThat(zipkin).hasSize(request.size());
    assertThat(zipkin.getFirst().traceId()).isEqualTo(traceId(request.getFirst()));
    assertThat(zipkin.getFirst().tags()).containsKey("user_id");
  }
}
