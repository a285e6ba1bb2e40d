package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zipkin2.Endpoint;
import zipkin2.Span;
import zipkin2.reporter.AsyncReporter;
import zipkin2.reporter.urlconnection.URLConnectionSender;

/** A real Zipkin reporter posts v2 JSON to /api/v2/spans; the trace is read back by the API. */
class ZipkinReporterIT {
  @TempDir Path dir;

  @Test
  void zipkinReporter_spansAreStoredWithIdsParentageTagsAndDurations() throws Exception {
    try (TestServer server = new TestServer(dir)) {
      long startMicros = System.currentTimeMillis() * 1000;
      Span root =
          Span.newBuilder()
              .traceId("463ac35c9f6413ad48485a3953bb6124")
              .id("48485a3953bb6124")
              .name("get /api")
              .kind(Span.Kind.SERVER)
              .localEndpoint(Endpoint.newBuilder().serviceName("frontend").ip("10.0.0.1").build())
              .timestamp(startMicros)
              .duration(20_000L)
              .putTag("http.route", "/api")
              .putTag("user_id", "u-9")
              .build();
      Span child =
          Span.newBuilder()
              .traceId("463ac35c9f6413ad48485a3953bb6124")
              .parentId("48485a3953bb6124")
              .id("0000000000000002")
              .name("get /inventory")
              .kind(Span.Kind.CLIENT)
              .localEndpoint(Endpoint.newBuilder().serviceName("frontend").build())
              .remoteEndpoint(
                  Endpoint.newBuilder().serviceName("inventory").ip("10.0.0.9").port(8080).build())
              .timestamp(startMicros + 1_000)
              .duration(5_000L)
              .putTag("error", "timeout")
              .addAnnotation(startMicros + 2_000, "retry")
              .build();
      try (URLConnectionSender sender = URLConnectionSender.create(server.zipkin("/api/v2/spans"));
          // Sent by flush() on this thread (no background flusher that close() would cut off after
          // its default second: on a loaded machine the durable answer takes longer).
          AsyncReporter<Span> reporter =
              AsyncReporter.builder(sender)
                  .messageTimeout(0, TimeUnit.MILLISECONDS)
                  .closeTimeout(30, TimeUnit.SECONDS)
                  .build()) {
        reporter.report(root);
        reporter.report(child);
        reporter.flush();
      }

      JsonNode trace = server.get("/api/v1/traces/463ac35c9f6413ad48485a3953bb6124").json();
      Map<String, JsonNode> byId = new HashMap<>();
      trace.get("events").forEach(e -> byId.put(e.get("span_id").asText(), e));
      assertThat(byId).hasSize(2);
      JsonNode r = byId.get("48485a3953bb6124");
      assertThat(r.get("service.name").asText()).isEqualTo("frontend");
      assertThat(r.get("span.kind").asText()).isEqualTo("server");
      assertThat(r.get("time_unix_nano").asText()).isEqualTo(Long.toString(startMicros * 1000));
      assertThat(r.get("duration_nanos").asLong()).isEqualTo(20_000_000L);
      assertThat(r.get("attributes").get("user_id").asText()).isEqualTo("u-9");
      JsonNode c = byId.get("0000000000000002");
      assertThat(c.get("parent_span_id").asText()).isEqualTo("48485a3953bb6124");
      assertThat(c.get("status").asText()).isEqualTo("error");
      assertThat(c.get("status_message").asText()).isEqualTo("timeout");
      assertThat(c.get("attributes").get("peer.service").asText()).isEqualTo("inventory");
      assertThat(c.get("attributes").get("server.address").asText()).isEqualTo("10.0.0.9");
      assertThat(c.get("attributes").get("server.port").asLong()).isEqualTo(8080);
      assertThat(c.get("events").get(0).get("name").asText()).isEqualTo("retry");
    }
  }
}
