package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.Status;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.Span;
import io.sextant.ingest.IngestLimits;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile and broken input gets the right status and one sentence; valid items are kept. */
class BadInputIT {
  static final String PROTOBUF = "application/x-protobuf";
  static final String TRACE_A = "0af7651916cd43dd8448eb211c80319c";
  static final String TRACE_B = "1af7651916cd43dd8448eb211c80319c";

  @TempDir Path dir;
  TestServer server;

  @BeforeEach
  void start() {
    server =
        new TestServer(
            TestServer.ports(
                ServerConfig.defaults(dir)
                    .withLimits(new IngestLimits(64 * 1024, 1000, 16, 256, 1024))),
            UnaryOperator.identity());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  TestServer.Reply postTraces(byte[] body) throws Exception {
    return TestServer.post(server.otlpHttp("/v1/traces"), PROTOBUF, body);
  }

  static List<Span> threeSpans(String traceId, Span.Builder middle) {
    return List.of(
        Otlp.span(traceId, "00000000000000a1", "first").build(),
        middle.build(),
        Otlp.span(traceId, "00000000000000a3", "third").build());
  }

  void assertOnlyGoodSpansStored(String traceId) throws Exception {
    var events = server.get("/api/v1/traces/" + traceId).json().get("events");
    List<String> names = new ArrayList<>();
    events.forEach(e -> names.add(e.get("name").asText()));
    assertThat(names).containsExactlyInAnyOrder("first", "third");
  }

  static ExportTraceServiceResponse partial(TestServer.Reply r) throws Exception {
    assertThat(r.status()).isEqualTo(200);
    return ExportTraceServiceResponse.parseFrom(r.bytes());
  }

  @Test
  void truncatedProtobuf_is400WithASentence() throws Exception {
    byte[] whole =
        Otlp.request("svc", threeSpans(TRACE_A, Otlp.span(TRACE_A, "00000000000000a2", "x")))
            .toByteArray();
    TestServer.Reply r = postTraces(Arrays.copyOf(whole, whole.length - 7));
    assertThat(r.status()).isEqualTo(400);
    Status status = Status.parseFrom(r.bytes());
    assertThat(status.getMessage()).contains("not a valid OTLP").doesNotContain("Exception");
    assertThat(server.get("/api/v1/traces/" + TRACE_A).status()).isEqualTo(404);
  }

  @Test
  void wrongContentType_is415NamingTheTypesAccepted() throws Exception {
    TestServer.Reply r =
        TestServer.post(server.otlpHttp("/v1/traces"), "text/plain", "hello".getBytes());
    assertThat(r.status()).isEqualTo(415);
    assertThat(Status.parseFrom(r.bytes()).getMessage())
        .contains("text/plain")
        .contains("application/x-protobuf");
  }

  @Test
  void oversizedBody_is413() throws Exception {
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      spans.add(Otlp.span(TRACE_A, String.format("%016x", i + 1), "s".repeat(100)).build());
    }
    byte[] body = Otlp.request("svc", spans).toByteArray();
    assertThat(body.length).isGreaterThan(64 * 1024);
    assertThat(postTraces(body).status()).isEqualTo(413);
  }

  @Test
  void gzipBombBeyondTheLimit_is413() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(new byte[1024 * 1024]);
    }
    TestServer.Reply r =
        TestServer.post(
            server.otlpHttp("/v1/traces"), PROTOBUF, out.toByteArray(), "Content-Encoding", "gzip");
    assertThat(r.status()).isEqualTo(413);
    assertThat(Status.parseFrom(r.bytes()).getMessage()).contains("after gzip decompression");
  }

  @Test
  void gzipBody_isAccepted() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(
          Otlp.request("svc", threeSpans(TRACE_B, Otlp.span(TRACE_B, "00000000000000a2", "second")))
              .toByteArray());
    }
    TestServer.Reply r =
        TestServer.post(
            server.otlpHttp("/v1/traces"), PROTOBUF, out.toByteArray(), "Content-Encoding", "gzip");
    assertThat(partial(r).hasPartialSuccess()).isFalse();
    assertThat(server.get("/api/v1/traces/" + TRACE_B).json().get("events")).hasSize(3);
  }

  @Test
  void invalidTraceIdInOneSpan_rejectsOnlyThatSpan() throws Exception {
    Span.Builder bad =
        Otlp.span(TRACE_A, "00000000000000a2", "bad")
            .setTraceId(com.google.protobuf.ByteString.copyFrom(new byte[5]));
    ExportTraceServiceResponse resp =
        partial(postTraces(Otlp.request("svc", threeSpans(TRACE_A, bad)).toByteArray()));
    assertThat(resp.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
    assertThat(resp.getPartialSuccess().getErrorMessage()).contains("trace id");
    assertOnlyGoodSpansStored(TRACE_A);
  }

  @Test
  void tooManyAttributesOnOneSpan_rejectsOnlyThatSpan() throws Exception {
    Span.Builder bad = Otlp.span(TRACE_A, "00000000000000a2", "bad");
    for (int i = 0; i < 20; i++) {
      bad.addAttributes(Otlp.attr("k" + i, "v"));
    }
    ExportTraceServiceResponse resp =
        partial(postTraces(Otlp.request("svc", threeSpans(TRACE_A, bad)).toByteArray()));
    assertThat(resp.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
    assertThat(resp.getPartialSuccess().getErrorMessage()).contains("20 attributes").contains("16");
    assertOnlyGoodSpansStored(TRACE_A);
  }

  @Test
  void invalidUtf8InOneSpan_rejectsOnlyThatSpan() throws Exception {
    Span.Builder bad = Otlp.span(TRACE_A, "00000000000000a2", "PLACEHOLDER");
    byte[] body = Otlp.request("svc", threeSpans(TRACE_A, bad)).toByteArray();
    byte[] marker = "PLACEHOLDER".getBytes(StandardCharsets.UTF_8);
    int at = indexOf(body, marker);
    body[at] = (byte) 0xC3;
    body[at + 1] = (byte) 0x28; // an invalid two-byte sequence
    ExportTraceServiceResponse resp = partial(postTraces(body));
    assertThat(resp.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
    assertThat(resp.getPartialSuccess().getErrorMessage()).containsIgnoringCase("utf-8");
    assertOnlyGoodSpansStored(TRACE_A);
  }

  @Test
  void otlpJson_withHexIds_isAccepted_andMalformedJsonIs400() throws Exception {
    String json =
        """
        {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"web"}}]},
         "scopeSpans":[{"spans":[{"traceId":"%s","spanId":"00000000000000b1","name":"GET /",
          "kind":2,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000001000000"}]}]}]}
        """
            .formatted(TRACE_B);
    TestServer.Reply ok =
        TestServer.post(server.otlpHttp("/v1/traces"), "application/json", json.getBytes());
    assertThat(ok.status()).isEqualTo(200);
    assertThat(
            server
                .get("/api/v1/traces/" + TRACE_B)
                .json()
                .get("events")
                .get(0)
                .get("name")
                .asText())
        .isEqualTo("GET /");
    TestServer.Reply bad =
        TestServer.post(
            server.otlpHttp("/v1/traces"), "application/json", "{\"resourceSpans\":[".getBytes());
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("message").asText()).contains("not valid OTLP JSON");
  }

  @Test
  void zipkinMalformedJson_is400_andTraceApiRejectsBadIds() throws Exception {
    TestServer.Reply r =
        TestServer.post(
            server.zipkin("/api/v2/spans"), "application/json", "[{\"traceId\":".getBytes());
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body()).isNotBlank();
    TestServer.Reply id = server.get("/api/v1/traces/not-a-trace-id");
    assertThat(id.status()).isEqualTo(400);
    assertThat(id.json().get("error").asText()).contains("invalid trace id");
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalStateException("marker not found");
  }
}
