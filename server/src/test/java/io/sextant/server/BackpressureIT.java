package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Span;
import io.sextant.pipeline.BatchingWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With a slowed real store, overload is answered 429 and nothing acknowledged is lost. */
class BackpressureIT {
  @TempDir Path dir;

  @Test
  void overload_yields429WithRetryAfter_andEveryAcknowledgedSpanIsStored() throws Exception {
    ServerConfig config =
        TestServer.ports(ServerConfig.defaults(dir))
            .withPipeline(new BatchingWriter.Config(3_000, 122_880));
    try (TestServer server = new TestServer(config, TestServer.slowedBy(300));
        ExecutorService pool = Executors.newFixedThreadPool(16)) {
      int requests = 40;
      int spansPerRequest = 500;
      List<String> traceIds = new ArrayList<>();
      List<Future<TestServer.Reply>> replies = new ArrayList<>();
      for (int r = 0; r < requests; r++) {
        String traceId = String.format("%032x", r + 1);
        traceIds.add(traceId);
        List<Span> spans = new ArrayList<>();
        for (int s = 0; s < spansPerRequest; s++) {
          spans.add(Otlp.span(traceId, String.format("%016x", s + 1), "op").build());
        }
        byte[] body = Otlp.request("load", spans).toByteArray();
        replies.add(
            pool.submit(
                () ->
                    TestServer.post(
                        server.otlpHttp("/v1/traces"), "application/x-protobuf", body)));
      }
      int acked = 0;
      int refused = 0;
      for (int r = 0; r < requests; r++) {
        TestServer.Reply reply = replies.get(r).get();
        var stored = server.get("/api/v1/traces/" + traceIds.get(r));
        if (reply.status() == 200) {
          acked++;
          assertThat(stored.json().get("events")).hasSize(spansPerRequest);
        } else {
          assertThat(reply.status()).isEqualTo(429);
          assertThat(reply.retryAfter()).isNotNull();
          assertThat(stored.status()).as("a refused request leaves nothing").isEqualTo(404);
          refused++;
        }
      }
      assertThat(acked).isPositive();
      assertThat(refused).isPositive();
      var status = server.get("/api/v1/status").json();
      assertThat(status.get("ingest").get("requests_overloaded").asInt()).isEqualTo(refused);
      assertThat(status.get("ingest").get("spans_accepted").asLong())
          .isEqualTo((long) acked * spansPerRequest);
    }
  }
}
