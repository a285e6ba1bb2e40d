package io.sextant.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.ingest.DecodeResult;
import io.sextant.ingest.IngestLimits;
import io.sextant.ingest.MalformedRequestException;
import io.sextant.ingest.zipkin.ZipkinDecoder;
import io.sextant.model.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import zipkin2.Endpoint;
import zipkin2.Span;
import zipkin2.codec.SpanBytesEncoder;

/**
 * The Zipkin v2 JSON decoder: every input is decoded or refused with {@link
 * MalformedRequestException}; spans written by Zipkin's own encoder are stored or refused one by
 * one, and a stored one keeps its ids and name.
 */
class ZipkinFuzzTest {
  private static final List<String> WORDS =
      List.of(
          "\"traceId\"",
          "\"id\"",
          "\"parentId\"",
          "\"name\"",
          "\"kind\"",
          "\"timestamp\"",
          "\"duration\"",
          "\"localEndpoint\"",
          "\"remoteEndpoint\"",
          "\"serviceName\"",
          "\"ipv4\"",
          "\"ipv6\"",
          "\"port\"",
          "\"annotations\"",
          "\"value\"",
          "\"tags\"",
          "\"debug\"",
          "\"shared\"",
          "\"CLIENT\"",
          "\"SERVER\"",
          "\"PRODUCER\"",
          "\"CONSUMER\"");

  private final ZipkinDecoder decoder = new ZipkinDecoder(IngestLimits.defaults());

  @Test
  void mutants() {
    Random random = Fuzz.random("zipkin");
    Mutator mutator = new Mutator(random, Corpus.seeds("zipkin"), WORDS);
    Fuzz<byte[]> fuzz =
        Fuzz.bytes("zipkin-json", decoder::decodeJsonV2, MalformedRequestException.class);
    for (int i = 0; i < Fuzz.executions(); i++) {
      fuzz.check(random.nextBoolean() ? mutator.bytes() : mutator.json());
    }
    fuzz.report();
  }

  @Test
  void zipkinsOwnEncoding_isStoredOrRefusedSpanBySpan() throws Exception {
    Random random = Fuzz.random("zipkin-encoder");
    Fuzz<byte[]> fuzz = Fuzz.bytes("zipkin-json-encoder", decoder::decodeJsonV2);
    for (int i = 0; i < Fuzz.executions(); i++) {
      List<Span> spans = new ArrayList<>();
      for (int s = 0, n = 1 + random.nextInt(5); s < n; s++) {
        spans.add(span(random));
      }
      byte[] body = SpanBytesEncoder.JSON_V2.encodeList(spans);
      fuzz.check(body);
      DecodeResult result = decoder.decodeJsonV2(body);
      assertThat(result.events().size() + result.rejected()).isEqualTo(spans.size());
      for (Event e : result.events()) {
        assertThat(spans)
            .anySatisfy(
                s -> {
                  // the server half of a shared span gets an id of its own (ZipkinDecoder)
                  if (!Boolean.TRUE.equals(s.shared()) || s.kind() != Span.Kind.SERVER) {
                    assertThat(e.spanId().toHex()).isEqualTo(s.id());
                  }
                  assertThat(e.traceId().toHex()).endsWith(s.traceId());
                  assertThat(e.name()).isEqualTo(s.name() == null ? "" : s.name());
                });
      }
    }
    fuzz.report();
  }

  private static Span span(Random random) {
    Span.Builder b =
        Span.newBuilder()
            .traceId(random.nextBoolean() ? hex(random, 16) : hex(random, 32))
            .id(hex(random, 16))
            .name(text(random))
            .timestamp(
                random.nextInt(10) == 0 ? 0 : 1_700_000_000_000_000L + random.nextInt(1 << 30))
            .duration(random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(10_000_000));
    if (random.nextBoolean()) {
      b.parentId(hex(random, 16));
    }
    if (random.nextBoolean()) {
      b.kind(Span.Kind.values()[random.nextInt(Span.Kind.values().length)]);
    }
    b.localEndpoint(
        Endpoint.newBuilder()
            .serviceName(text(random))
            .ip(random.nextBoolean() ? "10.0.0." + random.nextInt(256) : "2001:db8::1")
            .port(random.nextInt(65536))
            .build());
    for (int i = 0, n = random.nextInt(4); i < n; i++) {
      b.putTag(text(random) + i, text(random));
    }
    for (int i = 0, n = random.nextInt(3); i < n; i++) {
      b.addAnnotation(1_700_000_000_000_000L + random.nextInt(1000), text(random) + "x");
    }
    if (random.nextInt(5) == 0) {
      b.debug(true);
    }
    if (random.nextInt(5) == 0) {
      b.shared(true);
    }
    return b.build();
  }

  private static String hex(Random random, int digits) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < digits; i++) {
      s.append(Character.forDigit(random.nextInt(16), 16));
    }
    return s.charAt(0) == '0' && s.chars().allMatch(c -> c == '0')
        ? "1" + s.substring(1)
        : s.toString();
  }

  private static final String[] PIECES = {
    "", "a", "get /api", "ü", "日本", "😀", "\u0000", "\u0080", "\u2028", "\"", "\\", "\t", "x y"
  };

  private static String text(Random random) {
    return Mutator.pieces(random, PIECES);
  }
}
