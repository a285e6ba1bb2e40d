package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.client.grpc.GrpcClients;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.sextant.ingest.IngestLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values that cannot be used are refused, not stored or ignored (issue 13, points 6 and 7): Zipkin
 * spans one by one, a span without a start time, a severity out of range, a query's limit, gRPC
 * failures with a status and a message.
 */
class StrictInputIT {
  @TempDir Path dir;
  TestServer server;

  @BeforeEach
  void start() {
    server =
        new TestServer(
            TestServer.ports(ServerConfig.defaults(dir))
                .withLimits(new IngestLimits(64 * 1024, 10_000, 128, 256, 65_536)),
            UnaryOperator.identity());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private TestServer.Reply query(String json) throws Exception {
    return TestServer.post(
        server.api("/api/v1/query"), "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void queryJson_isValidatedStrictly() throws Exception {
    assertThat(query("{\"last\":\"1h\",\"limit\":5}").status()).isEqualTo(200);
    TestServer.Reply negative = query("{\"last\":\"1h\",\"limit\":-1}");
    assertThat(negative.status()).isEqualTo(400);
    assertThat(negative.json().path("error").asText())
        .isEqualTo("limit must be a whole number of at least 1, not -1");
    assertThat(query("{\"limit\":\"10; DROP TABLE events\"}").json().path("error").asText())
        .contains("limit must be a whole number");
    assertThat(query("{\"limit\":2.5}").status()).isEqualTo(400);
    assertThat(query("{\"limit\":0}").status()).isEqualTo(400);
    assertThat(query("{\"limt\":5}").json().path("error").asText())
        .startsWith("unknown field 'limt' in the question");
    assertThat(query("{\"series\":\"yes\"}").status()).isEqualTo(400);
    assertThat(query("{\"last\":60}").status()).isEqualTo(400);
    assertThat(server.get("/api/v1/traces?limit=-1").status()).isEqualTo(400);
    TestServer.Reply farFuture =
        query("{\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"9999-12-31T00:00:00Z\"}");
    assertThat(farFuture.status()).isEqualTo(400);
    assertThat(farFuture.json().path("error").asText())
        .isEqualTo(
            "to \"9999-12-31T00:00:00Z\" is outside the years 1677 to 2262 that Sextant can store");
    TestServer.Reply services = server.get("/api/v1/services?to=9999-12-31T00:00:00Z");
    assertThat(services.status()).isEqualTo(400);
    assertThat(services.body()).contains("1677 to 2262");
    assertThat(server.get("/api/v1/traces?limit=3").status()).isEqualTo(200);
  }

  @Test
  void zipkin_storesTheGoodSpans_andRejectsAndCountsTheBadOnes() throws Exception {
    long ts = System.currentTimeMillis() * 1000;
    String body =
        """
        [{"traceId":"%1$s","id":"00000000000000a1","name":"good","timestamp":%2$d,"duration":5,
          "localEndpoint":{"serviceName":"zip"}},
         {"traceId":"00000000000000000000000000000000","id":"00000000000000a2","name":"zero",
          "timestamp":%2$d,"duration":5},
         {"traceId":"ab","id":"00000000000000a3","name":"short","timestamp":%2$d,"duration":5},
         {"traceId":"%1$s","id":"00000000000000a4","name":"good2","timestamp":%2$d,"duration":5,
          "localEndpoint":{"serviceName":"zip"}}]
        """
            .formatted("c1c2c3c4c5c6c7c8c9cacbcccdcecfd0", ts);
    TestServer.Reply r =
        TestServer.post(
            server.zipkin("/api/v2/spans"),
            "application/json",
            body.getBytes(StandardCharsets.UTF_8));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body())
        .isEqualTo("2 spans rejected; first: span 2 is malformed: traceId is all zeros");
    JsonNode trace = server.get("/api/v1/traces/c1c2c3c4c5c6c7c8c9cacbcccdcecfd0").json();
    assertThat(trace.path("events")).hasSize(2);
    assertThat(server.get("/api/v1/status").json().at("/ingest/spans_rejected").asLong())
        .isEqualTo(2);
  }

  @Test
  void otlp_zeroStartTime_andBadSeverity_areRejectedAsPartialSuccess() throws Exception {
    long now = System.currentTimeMillis() * 1_000_000L;
    String traces =
        """
        {"resourceSpans":[{"scopeSpans":[{"spans":[
          {"traceId":"d1c2c3c4c5c6c7c8c9cacbcccdcecfd0","spanId":"00000000000000b1","name":"ok",
           "startTimeUnixNano":"%d","endTimeUnixNano":"%d"},
          {"traceId":"d1c2c3c4c5c6c7c8c9cacbcccdcecfd0","spanId":"00000000000000b2","name":"epoch",
           "startTimeUnixNano":"0","endTimeUnixNano":"0"}]}]}]}
        """
            .formatted(now, now + 1000);
    TestServer.Reply t =
        TestServer.post(
            server.otlpHttp("/v1/traces"),
            "application/json",
            traces.getBytes(StandardCharsets.UTF_8));
    assertThat(t.status()).isEqualTo(200);
    assertThat(t.json().at("/partialSuccess/rejectedSpans").asLong()).isEqualTo(1);
    assertThat(t.json().at("/partialSuccess/errorMessage").asText())
        .contains("span 2 has no start time");

    String logs =
        """
        {"resourceLogs":[{"scopeLogs":[{"logRecords":[
          {"timeUnixNano":"%d","severityNumber":-5,"body":{"stringValue":"x"}},
          {"timeUnixNano":"%d","severityNumber":9,"body":{"stringValue":"y"}}]}]}]}
        """
            .formatted(now, now);
    TestServer.Reply l =
        TestServer.post(
            server.otlpHttp("/v1/logs"), "application/json", logs.getBytes(StandardCharsets.UTF_8));
    assertThat(l.status()).isEqualTo(200);
    assertThat(l.json().at("/partialSuccess/rejectedLogRecords").asLong()).isEqualTo(1);
    assertThat(l.json().at("/partialSuccess/errorMessage").asText())
        .contains("severity_number -5, outside the OTLP range 0 to 24");
  }

  @Test
  void grpc_failures_haveAStatusAndAMessage() throws Exception {
    List<io.opentelemetry.proto.trace.v1.Span> spans = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      spans.add(
          Otlp.span(
                  "e1c2c3c4c5c6c7c8c9cacbcccdcecfd0",
                  String.format("%016x", i + 1),
                  "x".repeat(300))
              .build());
    }
    ExportTraceServiceRequest big = Otlp.request("svc", spans);
    assertThat(big.getSerializedSize()).isGreaterThan(64 * 1024);
    TraceServiceGrpc.TraceServiceBlockingStub stub =
        GrpcClients.builder(server.grpcEndpoint())
            .build(TraceServiceGrpc.TraceServiceBlockingStub.class);
    assertThatThrownBy(() -> stub.export(big))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode())
                  .as(e.getStatus().toString())
                  .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
              assertThat(e.getStatus().getDescription()).isNotBlank();
            });

    // A message flagged as compressed with gzip that is not gzip.
    byte[] garbage = "this is not gzip at all".getBytes(StandardCharsets.UTF_8);
    byte[] frame = new byte[5 + garbage.length];
    frame[0] = 1;
    frame[4] = (byte) garbage.length;
    System.arraycopy(garbage, 0, frame, 5, garbage.length);
    AggregatedHttpResponse r =
        WebClient.of("h2c://127.0.0.1:" + server.config.otlpGrpcPort())
            .execute(
                RequestHeaders.builder(
                        HttpMethod.POST,
                        "/opentelemetry.proto.collector.trace.v1.TraceService/Export")
                    .contentType(com.linecorp.armeria.common.MediaType.parse("application/grpc"))
                    .add("grpc-encoding", "gzip")
                    .add("te", "trailers")
                    .build(),
                HttpData.wrap(frame))
            .aggregate()
            .join();
    String status = r.trailers().get("grpc-status", r.headers().get("grpc-status"));
    String message = r.trailers().get("grpc-message", r.headers().get("grpc-message"));
    assertThat(status).isEqualTo(String.valueOf(Status.Code.INVALID_ARGUMENT.value()));
    assertThat(message).isNotBlank();
  }

  @Test
  void otlpHttp_oversizeBody_isAGoogleRpcStatus() throws Exception {
    byte[] big = new byte[100 * 1024];
    java.util.Arrays.fill(big, (byte) ' ');
    big[0] = '{';
    big[big.length - 1] = '}';
    TestServer.Reply json = TestServer.post(server.otlpHttp("/v1/traces"), "application/json", big);
    assertThat(json.status()).isEqualTo(413);
    assertThat(json.json().path("code").asInt())
        .isEqualTo(com.google.rpc.Code.RESOURCE_EXHAUSTED_VALUE);
    assertThat(json.json().path("message").asText()).contains("larger than 65536 bytes");
    TestServer.Reply proto =
        TestServer.post(server.otlpHttp("/v1/logs"), "application/x-protobuf", big);
    assertThat(proto.status()).isEqualTo(413);
    com.google.rpc.Status s = com.google.rpc.Status.parseFrom(proto.bytes());
    assertThat(s.getCode()).isEqualTo(com.google.rpc.Code.RESOURCE_EXHAUSTED_VALUE);
    assertThat(s.getMessage()).contains("larger than 65536 bytes");
  }
}
