package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.server.metrics.PrometheusText;
import io.sextant.server.metrics.PrometheusText.Family;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics} parses as Prometheus text, and its counters move under real ingest. */
class SelfMetricsIT {
  @TempDir Path dir;
  TestServer server;

  @BeforeEach
  void start() {
    server = new TestServer(dir);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  Map<String, Family> scrape() throws Exception {
    HttpResponse<String> r =
        TestServer.HTTP.send(
            HttpRequest.newBuilder(URI.create(server.api("/metrics"))).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElse(""))
        .startsWith("text/plain; version=0.0.4");
    return PrometheusText.parse(r.body());
  }

  static double value(Map<String, Family> f, String family, String sample, String... labels) {
    for (PrometheusText.Sample s : f.get(family).samples()) {
      boolean match = s.name().equals(sample);
      for (int i = 0; i < labels.length; i += 2) {
        match &= labels[i + 1].equals(s.labels().get(labels[i]));
      }
      if (match) {
        return s.value();
      }
    }
    throw new AssertionError("no sample " + sample + " " + String.join(",", labels));
  }

  @Test
  void metrics_parseAsPrometheusText_andCountersMoveUnderIngest() throws Exception {
    Map<String, Family> before = scrape();
    assertThat(before.get("sextant_ingest_accepted_total").type()).isEqualTo("counter");
    assertThat(before.get("sextant_store_write_seconds").type()).isEqualTo("histogram");
    assertThat(
            value(
                before,
                "sextant_ingest_accepted_total",
                "sextant_ingest_accepted_total",
                "signal",
                "logs"))
        .isZero();

    long now = System.currentTimeMillis();
    String lines =
        "{\"ts\":"
            + now
            + ",\"msg\":\"a\",\"service\":\"cart\"}\n"
            + "{\"ts\":"
            + now
            + ",\"msg\":\"b\",\"service\":\"cart\"}\n"
            + "not json\n";
    TestServer.Reply logs =
        TestServer.post(
            server.otlpHttp("/v1/logs/jsonl"),
            "application/x-ndjson",
            lines.getBytes(StandardCharsets.UTF_8));
    assertThat(logs.status()).as(logs.body()).isEqualTo(200);
    TestServer.Reply garbage =
        TestServer.post(
            server.otlpHttp("/v1/traces"),
            "application/x-protobuf",
            new byte[] {(byte) 0xff, 0x01, 0x02});
    assertThat(garbage.status()).isEqualTo(400);
    TestServer.Reply q =
        TestServer.post(
            server.api("/api/v1/query"),
            "application/json",
            "{\"q\":\"where service.name = cart | count()\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(q.status()).as(q.body()).isEqualTo(200);

    Map<String, Family> after = scrape();
    assertThat(
            value(
                after,
                "sextant_ingest_accepted_total",
                "sextant_ingest_accepted_total",
                "signal",
                "logs"))
        .isEqualTo(2);
    assertThat(
            value(
                after,
                "sextant_ingest_rejected_total",
                "sextant_ingest_rejected_total",
                "signal",
                "logs"))
        .isEqualTo(1);
    assertThat(
            value(
                after,
                "sextant_ingest_requests_refused_total",
                "sextant_ingest_requests_refused_total",
                "reason",
                "malformed"))
        .isEqualTo(1);
    // Accepted means written: the batch's write was timed.
    assertThat(value(after, "sextant_store_write_seconds", "sextant_store_write_seconds_count"))
        .isGreaterThanOrEqualTo(1);
    assertThat(
            value(
                after,
                "sextant_pipeline_written_events_total",
                "sextant_pipeline_written_events_total"))
        .isGreaterThanOrEqualTo(2);
    assertThat(
            value(
                after,
                "sextant_query_seconds",
                "sextant_query_seconds_count",
                "operation",
                "question"))
        .isGreaterThanOrEqualTo(1);
    assertThat(value(after, "sextant_pipeline_queued_events", "sextant_pipeline_queued_events"))
        .isGreaterThanOrEqualTo(0);
  }
}
