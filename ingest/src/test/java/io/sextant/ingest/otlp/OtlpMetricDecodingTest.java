package io.sextant.ingest.otlp;

import static io.sextant.ingest.otlp.OtlpFixtures.kv;
import static io.sextant.ingest.otlp.OtlpFixtures.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import io.sextant.ingest.DecodeResult;
import io.sextant.ingest.IngestLimits;
import io.sextant.ingest.MalformedRequestException;
import io.sextant.model.Event;
import io.sextant.model.EventKind;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtlpMetricDecodingTest {
  private static final long T = 1_700_000_000_000_000_000L;

  private final OtlpDecoder decoder = new OtlpDecoder(IngestLimits.defaults(), Clock.systemUTC());

  private static ExportMetricsServiceRequest request(Metric... metrics) {
    ScopeMetrics.Builder scope =
        ScopeMetrics.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("io.opentelemetry.jdbc"));
    for (Metric m : metrics) {
      scope.addMetrics(m);
    }
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(kv("service.name", "orders"))
                        .addAttributes(kv("host.name", "h1")))
                .addScopeMetrics(scope))
        .build();
  }

  private static NumberDataPoint.Builder point(long time) {
    return NumberDataPoint.newBuilder().setStartTimeUnixNano(T - 60).setTimeUnixNano(time);
  }

  @Test
  void decodeMetrics_gaugeAndSum_onePointEach_withTheirFields() throws Exception {
    Metric gauge =
        Metric.newBuilder()
            .setName("jvm.memory.used")
            .setUnit("By")
            .setGauge(
                Gauge.newBuilder()
                    .addDataPoints(point(T).setAsDouble(1.5e6).addAttributes(kv("pool", "eden"))))
            .build();
    Metric sum =
        Metric.newBuilder()
            .setName("db.client.connection.count")
            .setUnit("{connection}")
            .setSum(
                Sum.newBuilder()
                    .setAggregationTemporality(
                        AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                    .setIsMonotonic(false)
                    .addDataPoints(
                        point(T + 1)
                            .setAsInt(7)
                            .addAttributes(kv("pool.name", "orders-db"))
                            .addAttributes(kv("state", "used")))
                    .addDataPoints(
                        point(T + 1)
                            .setAsInt(3)
                            .addAttributes(kv("pool.name", "orders-db"))
                            .addAttributes(kv("state", "idle"))))
            .build();

    DecodeResult r = decoder.decodeMetrics(request(gauge, sum).toByteArray());

    assertThat(r.rejected()).isZero();
    assertThat(r.events()).hasSize(3);
    Event g = r.events().get(0);
    assertThat(g.kind()).isEqualTo(EventKind.METRIC);
    assertThat(g.timeUnixNano()).isEqualTo(T);
    assertThat(g.serviceName()).isEqualTo("orders");
    assertThat(g.resource().attributes().get("host.name")).isEqualTo("h1");
    assertThat(g.scope().name()).isEqualTo("io.opentelemetry.jdbc");
    assertThat(g.name()).isEqualTo("jvm.memory.used");
    assertThat(g.attributes().asMap())
        .containsEntry("pool", "eden")
        .containsEntry("metric.name", "jvm.memory.used")
        .containsEntry("metric.unit", "By")
        .containsEntry("metric.type", "gauge")
        .containsEntry("value", 1.5e6)
        .doesNotContainKey("metric.temporality");
    assertThat(g.isError()).isFalse();

    Event used = r.events().get(1);
    assertThat(used.attributes().asMap())
        .containsEntry("pool.name", "orders-db")
        .containsEntry("state", "used")
        .containsEntry("metric.type", "sum")
        .containsEntry("metric.temporality", "cumulative")
        .containsEntry("metric.monotonic", false)
        .containsEntry("metric.start_time", T - 60)
        .containsEntry("value", 7L);
    assertThat(r.events().get(2).attributes().get("value")).isEqualTo(3L);
  }

  @Test
  void decodeMetrics_histogram_keepsCountSumMinMaxAndBuckets() throws Exception {
    Metric h =
        Metric.newBuilder()
            .setName("http.server.request.duration")
            .setUnit("s")
            .setHistogram(
                Histogram.newBuilder()
                    .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                    .addDataPoints(
                        HistogramDataPoint.newBuilder()
                            .setTimeUnixNano(T)
                            .setCount(6)
                            .setSum(1.25)
                            .setMin(0.01)
                            .setMax(0.9)
                            .addAllExplicitBounds(List.of(0.1, 0.5))
                            .addAllBucketCounts(List.of(3L, 2L, 1L))
                            .addAttributes(kv("http.route", "/cart"))))
            .build();

    Event e = decoder.decodeMetrics(request(h).toByteArray()).events().get(0);

    assertThat(e.attributes().asMap())
        .containsEntry("http.route", "/cart")
        .containsEntry("metric.type", "histogram")
        .containsEntry("metric.temporality", "delta")
        .containsEntry("metric.count", 6L)
        .containsEntry("metric.sum", 1.25)
        .containsEntry("metric.min", 0.01)
        .containsEntry("metric.max", 0.9)
        .containsEntry("metric.bucket_bounds", "[0.1,0.5]")
        .containsEntry("metric.bucket_counts", "[3,2,1]")
        .doesNotContainKey("value");
  }

  @Test
  void decodeMetrics_exponentialHistogramAndSummary() throws Exception {
    Metric exp =
        Metric.newBuilder()
            .setName("rpc.duration")
            .setExponentialHistogram(
                ExponentialHistogram.newBuilder()
                    .setAggregationTemporality(
                        AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                    .addDataPoints(
                        ExponentialHistogramDataPoint.newBuilder()
                            .setTimeUnixNano(T)
                            .setCount(5)
                            .setSum(12)
                            .setScale(3)
                            .setZeroCount(1)
                            .setPositive(
                                ExponentialHistogramDataPoint.Buckets.newBuilder()
                                    .setOffset(-2)
                                    .addAllBucketCounts(List.of(1L, 3L)))))
            .build();
    Metric summary =
        Metric.newBuilder()
            .setName("legacy.latency")
            .setSummary(
                Summary.newBuilder()
                    .addDataPoints(
                        SummaryDataPoint.newBuilder()
                            .setTimeUnixNano(T)
                            .setCount(10)
                            .setSum(4.5)
                            .addQuantileValues(
                                SummaryDataPoint.ValueAtQuantile.newBuilder()
                                    .setQuantile(0.99)
                                    .setValue(0.8))
                            .addQuantileValues(
                                SummaryDataPoint.ValueAtQuantile.newBuilder()
                                    .setQuantile(1)
                                    .setValue(1.1))))
            .build();

    List<Event> events = decoder.decodeMetrics(request(exp, summary).toByteArray()).events();

    assertThat(events.get(0).attributes().asMap())
        .containsEntry("metric.type", "exponential_histogram")
        .containsEntry("metric.count", 5L)
        .containsEntry("metric.sum", 12.0)
        .containsEntry("metric.scale", 3L)
        .containsEntry("metric.zero_count", 1L)
        .containsEntry("metric.positive_offset", -2L)
        .containsEntry("metric.positive_bucket_counts", "[1,3]")
        .containsEntry("metric.negative_bucket_counts", "[]");
    assertThat(events.get(1).attributes().asMap())
        .containsEntry("metric.type", "summary")
        .containsEntry("metric.count", 10L)
        .containsEntry("metric.quantiles", "{\"0.99\":0.8,\"1\":1.1}");
  }

  @Test
  void decodeMetrics_badPoints_areRejectedAloneAndCounted() throws Exception {
    Metric gauge =
        Metric.newBuilder()
            .setName("queue.depth")
            .setGauge(
                Gauge.newBuilder()
                    .addDataPoints(point(T).setAsInt(1))
                    .addDataPoints(point(0).setAsInt(2)) // no time
                    .addDataPoints(point(T).setAsInt(3).addAttributes(kv("k".repeat(300), "v"))))
            .build();
    Metric nameless =
        Metric.newBuilder()
            .setGauge(Gauge.newBuilder().addDataPoints(point(T).setAsInt(4)))
            .build();

    DecodeResult r = decoder.decodeMetrics(request(gauge, nameless).toByteArray());

    assertThat(r.events()).hasSize(1);
    assertThat(r.rejected()).isEqualTo(3);
    assertThat(r.rejectionMessage())
        .isEqualTo("3 data points rejected; first: data point 2 has no time");
    ExportMetricsServiceResponse response =
        ExportMetricsServiceResponse.parseFrom(
            OtlpResponses.metrics(r.rejected(), r.rejectionMessage()));
    assertThat(response.getPartialSuccess().getRejectedDataPoints()).isEqualTo(3);
    assertThat(new String(OtlpResponses.metricsJson(0, ""), StandardCharsets.UTF_8))
        .isEqualTo("{}");
  }

  @Test
  void decodeMetrics_tooManyPoints_theRestAreRejected() throws Exception {
    OtlpDecoder small =
        new OtlpDecoder(new IngestLimits(1 << 20, 2, 128, 256, 1024), Clock.systemUTC());
    Gauge.Builder g = Gauge.newBuilder();
    for (int i = 0; i < 5; i++) {
      g.addDataPoints(point(T + i).setAsInt(i));
    }
    DecodeResult r =
        small.decodeMetrics(
            request(Metric.newBuilder().setName("n").setGauge(g).build()).toByteArray());
    assertThat(r.events()).hasSize(2);
    assertThat(r.rejected()).isEqualTo(3);
    assertThat(r.rejectionMessage()).contains("more than the limit of 2");
  }

  @Test
  void decodeMetrics_resourceOverTheLimits_rejectsItsPoints() throws Exception {
    OtlpDecoder small =
        new OtlpDecoder(new IngestLimits(1 << 20, 100, 1, 256, 1024), Clock.systemUTC());
    DecodeResult r =
        small.decodeMetrics(
            request(
                    Metric.newBuilder()
                        .setName("n")
                        .setGauge(Gauge.newBuilder().addDataPoints(point(T).setAsInt(1)))
                        .build())
                .toByteArray());
    assertThat(r.events()).isEmpty();
    assertThat(r.rejectionMessage())
        .isEqualTo(
            "1 data point rejected: resource 1 has 2 attributes, more than the limit of 1, so its"
                + " data points were rejected");
  }

  @Test
  void decodeMetrics_truncatedProtobuf_isMalformed() {
    byte[] body =
        request(
                Metric.newBuilder()
                    .setName("n")
                    .setGauge(Gauge.newBuilder().addDataPoints(point(T).setAsInt(1)))
                    .build())
            .toByteArray();
    byte[] cut = java.util.Arrays.copyOf(body, body.length - 3);
    assertThatThrownBy(() -> decoder.decodeMetrics(cut))
        .isInstanceOf(MalformedRequestException.class)
        .hasMessage(
            "request body is not a valid OTLP ExportMetricsServiceRequest: truncated message");
  }

  /** Modelled on the OTLP repository's examples/metrics.json (written from memory, shortened). */
  @Test
  void decodeMetricsJson_specExample_equalsTheProtobufDecoding() throws Exception {
    String json =
        """
        {
          "resourceMetrics": [{
            "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "my.service"}}]},
            "scopeMetrics": [{
              "scope": {"name": "my.library", "version": "1.0.0",
                        "attributes": [{"key": "my.scope.attribute", "value": {"stringValue": "some scope attribute"}}]},
              "metrics": [
                {"name": "my.counter", "unit": "1", "description": "I am a Counter",
                 "sum": {"aggregationTemporality": 1, "isMonotonic": true,
                   "dataPoints": [{"asDouble": 5, "startTimeUnixNano": "1544712660300000000",
                     "timeUnixNano": "1544712660300000000",
                     "attributes": [{"key": "my.counter.attr", "value": {"stringValue": "some value"}}],
                     "exemplars": [{"asDouble": 5, "timeUnixNano": "1544712660300000000",
                       "traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174"}]}]}},
                {"name": "my.gauge", "unit": "1", "description": "I am a Gauge",
                 "gauge": {"dataPoints": [{"asInt": "10", "timeUnixNano": "1544712660300000000",
                   "attributes": [{"key": "my.gauge.attr", "value": {"stringValue": "some value"}}]}]}},
                {"name": "my.histogram", "unit": "1", "description": "I am a Histogram",
                 "histogram": {"aggregationTemporality": "AGGREGATION_TEMPORALITY_DELTA",
                   "dataPoints": [{"startTimeUnixNano": "1544712660300000000",
                     "timeUnixNano": "1544712660300000000", "count": "2", "sum": 2,
                     "bucketCounts": ["1", "1"], "explicitBounds": [1], "min": 0, "max": 2,
                     "attributes": [{"key": "my.histogram.attr", "value": {"stringValue": "some value"}}]}]}}
              ]
            }]
          }]
        }
        """;

    DecodeResult fromJson = decoder.decodeMetricsJson(json.getBytes(StandardCharsets.UTF_8));

    assertThat(fromJson.rejected()).isZero();
    assertThat(fromJson.events()).hasSize(3);
    Map<String, Object> counter = fromJson.events().get(0).attributes().asMap();
    assertThat(counter)
        .containsEntry("my.counter.attr", "some value")
        .containsEntry("metric.type", "sum")
        .containsEntry("metric.temporality", "delta")
        .containsEntry("metric.monotonic", true)
        .containsEntry("value", 5.0);
    assertThat(fromJson.events().get(0).timeUnixNano()).isEqualTo(1544712660300000000L);
    assertThat(fromJson.events().get(0).scope().version()).isEqualTo("1.0.0");
    assertThat(fromJson.events().get(1).attributes().get("value")).isEqualTo(10L);
    assertThat(fromJson.events().get(2).attributes().asMap())
        .containsEntry("metric.bucket_bounds", "[1.0]")
        .containsEntry("metric.bucket_counts", "[1,1]")
        .containsEntry("metric.min", 0.0)
        .containsEntry("metric.temporality", "delta");

    // The same request as protobuf gives the same events (exemplars are not kept).
    ExportMetricsServiceRequest.Builder proto = ExportMetricsServiceRequest.newBuilder();
    // (Hex ids are valid base64 too, so the standard parser reads the exemplar, wrongly but
    // harmlessly: exemplars are dropped.)
    com.google.protobuf.util.JsonFormat.parser().merge(json, proto);
    assertThat(decoder.decodeMetrics(proto.build().toByteArray()).events())
        .isEqualTo(fromJson.events());
  }

  @Test
  void decodeMetricsJson_notJson_isMalformed() {
    assertThatThrownBy(() -> decoder.decodeMetricsJson("{\"resourceMetrics\": [".getBytes()))
        .isInstanceOf(MalformedRequestException.class)
        .hasMessageStartingWith("request body is not valid OTLP JSON");
    assertThatThrownBy(() -> decoder.decodeMetricsJson("{\"resourceMetrics\": 3}".getBytes()))
        .isInstanceOf(MalformedRequestException.class);
  }

  @Test
  void decodeMetrics_pointAttributesNamedLikeMetricFields_areOverwritten() throws Exception {
    Metric g =
        Metric.newBuilder()
            .setName("real")
            .setGauge(
                Gauge.newBuilder()
                    .addDataPoints(
                        point(T)
                            .setAsInt(1)
                            .addAttributes(kv("metric.name", string("fake")))
                            .addAttributes(kv("value", "text"))))
            .build();
    Event e = decoder.decodeMetrics(request(g).toByteArray()).events().get(0);
    assertThat(e.attributes().get("metric.name")).isEqualTo("real");
    assertThat(e.attributes().get("value")).isEqualTo(1L);
  }
}
