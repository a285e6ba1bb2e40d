package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real OpenTelemetry Java SDK exports metrics over OTLP/HTTP and OTLP/gRPC to a real server;
 * the points are asked back with the query docs/query.md shows for metrics.
 */
class MetricsIngestIT {
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

  @Test
  void otlpHttp_sdkMetrics_areStoredAndAnsweredByTheQuery() throws Exception {
    exportAndQuery(
        OtlpHttpMetricExporter.builder().setEndpoint(server.otlpHttp("/v1/metrics")).build());
  }

  @Test
  void otlpGrpc_sdkMetrics_areStoredAndAnsweredByTheQuery() throws Exception {
    exportAndQuery(OtlpGrpcMetricExporter.builder().setEndpoint(server.grpcEndpoint()).build());
  }

  private void exportAndQuery(MetricExporter exporter) throws Exception {
    Resource resource =
        Resource.getDefault()
            .merge(
                Resource.create(
                    Attributes.of(AttributeKey.stringKey("service.name"), "orders-service")));
    SdkMeterProvider meters =
        SdkMeterProvider.builder()
            .setResource(resource)
            .registerMetricReader(
                PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build())
            .build();
    Meter meter = meters.get("io.opentelemetry.jdbc");
    LongUpDownCounter connections =
        meter.upDownCounterBuilder("db.client.connection.count").setUnit("{connection}").build();
    LongCounter requests = meter.counterBuilder("http.server.requests").build();
    DoubleHistogram duration =
        meter.histogramBuilder("http.server.request.duration").setUnit("s").build();
    AttributeKey<String> pool = AttributeKey.stringKey("pool.name");
    AttributeKey<String> state = AttributeKey.stringKey("state");
    connections.add(7, Attributes.of(pool, "orders-db", state, "used"));
    connections.add(2, Attributes.of(pool, "orders-db", state, "idle"));
    connections.add(4, Attributes.of(pool, "users-db", state, "used"));
    requests.add(5, Attributes.of(AttributeKey.stringKey("http.route"), "/orders"));
    for (double d : new double[] {0.004, 0.02, 0.02, 0.3, 1.7}) {
      duration.record(d, Attributes.of(AttributeKey.stringKey("http.route"), "/orders"));
    }

    assertThat(ok(meters.forceFlush())).as("metric export acknowledged").isTrue();

    // Acknowledged means durable: the question is answered at once.
    JsonNode answer =
        query(
            "where kind = metric and metric.name = db.client.connection.count"
                + " | max(value) by pool.name | every 1m | last 15m");
    assertThat(rows(answer)).isEqualTo("[[orders-db, 7], [users-db, 4]]");
    JsonNode groups = answer.get("series").get("groups");
    assertThat(groups).hasSize(2);
    long nonEmpty = 0;
    for (JsonNode v : groups.get(0).get("values").get("max(value)")) {
      nonEmpty += v.isNull() ? 0 : 1;
    }
    assertThat(nonEmpty).isEqualTo(1);

    JsonNode sums =
        query(
            "where kind = metric and metric.type = sum | count(), sum(value) by metric.name,"
                + " metric.monotonic, metric.temporality, service.name | last 15m");
    assertThat(rows(sums))
        .isEqualTo(
            "[[db.client.connection.count, false, cumulative, orders-service, 3, 13],"
                + " [http.server.requests, true, cumulative, orders-service, 1, 5]]");

    JsonNode histogram =
        query(
            "where kind = metric and metric.type = histogram | max(metric.count), max(metric.sum)"
                + " by metric.name, metric.unit, metric.bucket_counts, http.route | last 15m");
    JsonNode row = histogram.get("rows").get(0);
    assertThat(row.get(0).asText()).isEqualTo("http.server.request.duration");
    assertThat(row.get(1).asText()).isEqualTo("s");
    // The SDK's default bounds start 0, 5, 10, …: every one of these seconds is in (0, 5].
    assertThat(row.get(2).asText()).startsWith("[0,5,0,0,");
    assertThat(row.get(3).asText()).isEqualTo("/orders");
    assertThat(row.get(4).asLong()).isEqualTo(5);
    assertThat(row.get(5).asDouble())
        .isCloseTo(2.044, org.assertj.core.api.Assertions.within(1e-9));

    JsonNode status = server.get("/api/v1/status").json();
    assertThat(status.toString()).contains("\"metric_points_accepted\":5");
    // (Shut down only now: a shutdown exports the cumulative points once more.)
    meters.shutdown().join(10, TimeUnit.SECONDS);
  }

  private SdkMeterProvider instance(String id) {
    Resource resource =
        Resource.getDefault()
            .merge(
                Resource.create(
                    Attributes.of(
                        AttributeKey.stringKey("service.name"),
                        "checkout",
                        AttributeKey.stringKey("service.instance.id"),
                        id)));
    return SdkMeterProvider.builder()
        .setResource(resource)
        .registerView(
            InstrumentSelector.builder().setName("checkout.duration").build(),
            View.builder()
                .setAggregation(Aggregation.explicitBucketHistogram(List.of(0.01, 0.1, 1.0)))
                .build())
        .registerView(
            InstrumentSelector.builder().setName("checkout.size").build(),
            View.builder().setAggregation(Aggregation.base2ExponentialBucketHistogram()).build())
        .registerMetricReader(
            PeriodicMetricReader.builder(
                    OtlpHttpMetricExporter.builder()
                        .setEndpoint(server.otlpHttp("/v1/metrics"))
                        .build())
                .setInterval(Duration.ofHours(1))
                .build())
        .build();
  }

  /**
   * Two instances of a service export their histograms (cumulative, as SDKs do by default); the p99
   * over both merges their buckets: 99 fast calls on one and one slow call on the other give a fast
   * p99, which averaging the two instances' percentiles would not.
   */
  @Test
  void sdkHistograms_percentilesMergeBucketsAcrossInstancesAndExports() throws Exception {
    SdkMeterProvider a = instance("a");
    SdkMeterProvider b = instance("b");
    DoubleHistogram onA = a.get("shop").histogramBuilder("checkout.duration").setUnit("s").build();
    DoubleHistogram onB = b.get("shop").histogramBuilder("checkout.duration").setUnit("s").build();
    for (int i = 1; i <= 99; i++) {
      onA.record(0.01 + 0.0009 * i); // (0.01, 0.1]: 0.0109 … 0.0991
    }
    onB.record(0.5);
    assertThat(ok(a.forceFlush())).isTrue();
    assertThat(ok(b.forceFlush())).isTrue();
    String q =
        "where metric.name = checkout.duration"
            + " | p50(metric.histogram), p99(metric.histogram), p999(metric.histogram),"
            + " count() by service.name | last 15m";
    JsonNode row = query(q).get("rows").get(0);
    assertThat(row.get(0).asText()).isEqualTo("checkout");
    // 99 counts spread over A's [min 0.0109, max 0.0991]; the 50th of 100 is 50/99 of the way.
    assertThat(row.get(1).asDouble())
        .isCloseTo(0.0109 + 0.0882 * 50 / 99, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(row.get(2).asDouble())
        .isCloseTo(0.0991, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(row.get(3).asDouble()).isGreaterThan(0.1).isLessThanOrEqualTo(0.5);
    assertThat(row.get(4).asLong()).isEqualTo(2);

    // A second export of A's cumulative series, with 100 slow calls more: counted once, not added
    // to the first export's totals (which would keep the median among the fast calls).
    for (int i = 0; i < 100; i++) {
      onA.record(0.7);
    }
    assertThat(ok(a.forceFlush())).isTrue();
    row = query(q).get("rows").get(0);
    assertThat(row.get(4).asLong()).isEqualTo(3);
    assertThat(row.get(1).asDouble()).isGreaterThan(0.1).isLessThanOrEqualTo(0.7);

    // Exponential buckets: 1 … 1000 recorded once each; the SDK picks the scale.
    DoubleHistogram size = a.get("shop").histogramBuilder("checkout.size").build();
    for (int i = 1; i <= 1000; i++) {
      size.record(i);
    }
    assertThat(ok(a.forceFlush())).isTrue();
    JsonNode exp =
        query(
                "where metric.name = checkout.size and metric.type = exponential_histogram"
                    + " | p50(metric.histogram), p90(metric.histogram) | last 15m")
            .get("rows")
            .get(0);
    assertThat(exp.get(0).asDouble()).isCloseTo(500, org.assertj.core.api.Assertions.within(25.0));
    assertThat(exp.get(1).asDouble()).isCloseTo(900, org.assertj.core.api.Assertions.within(45.0));
    a.shutdown().join(10, TimeUnit.SECONDS);
    b.shutdown().join(10, TimeUnit.SECONDS);
  }

  @Test
  void otlpHttp_jsonAndPartialSuccess_andErrors() throws Exception {
    long now = System.currentTimeMillis() * 1_000_000L;
    String json =
        """
        {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"cart"}}]},
          "scopeMetrics":[{"metrics":[{"name":"queue.depth","gauge":{"dataPoints":[
            {"asInt":"12","timeUnixNano":"%d","attributes":[{"key":"queue","value":{"stringValue":"q1"}}]},
            {"asInt":"13","timeUnixNano":"0"}]}}]}]}]}
        """
            .formatted(now);
    TestServer.Reply reply =
        TestServer.post(
            server.otlpHttp("/v1/metrics"),
            "application/json",
            json.getBytes(StandardCharsets.UTF_8));
    assertThat(reply.status()).isEqualTo(200);
    JsonNode partial = reply.json().get("partialSuccess");
    assertThat(partial.get("rejectedDataPoints").asText()).isEqualTo("1");
    assertThat(partial.get("errorMessage").asText())
        .isEqualTo("1 data point rejected: data point 2 has no time");

    // Protobuf, one good point: 200 with an empty ExportMetricsServiceResponse.
    ExportMetricsServiceRequest request =
        ExportMetricsServiceRequest.newBuilder()
            .addResourceMetrics(
                ResourceMetrics.newBuilder()
                    .addScopeMetrics(
                        ScopeMetrics.newBuilder()
                            .addMetrics(
                                Metric.newBuilder()
                                    .setName("queue.depth")
                                    .setGauge(
                                        Gauge.newBuilder()
                                            .addDataPoints(
                                                NumberDataPoint.newBuilder()
                                                    .setTimeUnixNano(now + 1)
                                                    .setAsDouble(2.5)
                                                    .addAttributes(
                                                        KeyValue.newBuilder()
                                                            .setKey("queue")
                                                            .setValue(
                                                                AnyValue.newBuilder()
                                                                    .setStringValue("q2"))))))))
            .build();
    TestServer.Reply proto =
        TestServer.post(
            server.otlpHttp("/v1/metrics"), "application/x-protobuf", request.toByteArray());
    assertThat(proto.status()).isEqualTo(200);
    assertThat(ExportMetricsServiceResponse.parseFrom(proto.bytes()).hasPartialSuccess()).isFalse();

    JsonNode answer =
        query("where kind = metric and metric.name = queue.depth | max(value) by queue | last 15m");
    assertThat(rows(answer)).isEqualTo("[[q1, 12], [q2, 2.5]]");

    TestServer.Reply bad =
        TestServer.post(
            server.otlpHttp("/v1/metrics"),
            "application/x-protobuf",
            new byte[] {0x0a, 0x7f, 0x01});
    assertThat(bad.status()).isEqualTo(400);
    TestServer.Reply unsupported =
        TestServer.post(server.otlpHttp("/v1/metrics"), "text/csv", new byte[] {1});
    assertThat(unsupported.status()).isEqualTo(415);
  }

  /** The rows as text, numbers without a needless {@code .0}, so either engine's form reads. */
  static String rows(JsonNode answer) {
    java.util.List<java.util.List<String>> out = new java.util.ArrayList<>();
    for (JsonNode row : answer.get("rows")) {
      java.util.List<String> cells = new java.util.ArrayList<>();
      for (JsonNode c : row) {
        cells.add(
            c.isNumber() && c.asDouble() == Math.rint(c.asDouble())
                ? Long.toString(c.asLong())
                : c.asText());
      }
      out.add(cells);
    }
    return out.toString();
  }

  private JsonNode query(String q) throws Exception {
    ObjectNode body = TestServer.JSON.createObjectNode().put("q", q);
    TestServer.Reply r =
        TestServer.post(
            server.api("/api/v1/query"),
            "application/json",
            TestServer.JSON.writeValueAsBytes(body));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private static boolean ok(CompletableResultCode code) {
    return code.join(30, TimeUnit.SECONDS).isSuccess();
  }
}
