package io.sextant.query.testkit;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.StatusCode;
import io.sextant.model.TraceId;
import io.sextant.store.spi.TimeRange;
import io.sextant.store.testkit.Fixtures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The differential suite's events, drawn from a {@link Random}: traces of spans and logs with
 * attributes of every type, present or not, metric points, and series of histogram points, all in
 * {@link #RANGE}. The same seed gives the same events.
 */
final class RandomEvents {
  static final long S = 1_000_000_000L;
  static final long T0 = Fixtures.T0;

  /** The ten minutes every event lies in. */
  static final TimeRange RANGE = new TimeRange(T0, T0 + 600 * S);

  static final int EVENTS = 3_000;

  static final String[] SERVICES = {"web", "api", "cart", "pay", "db-proxy", "search"};
  static final String[] REGIONS = {"us", "eu", "ap"};
  static final String[] FEATURES = {"classic", "new-checkout", "beta", "dark"};
  static final String[] ROUTES = {"/", "/cart", "/checkout", "/search", "/item/{id}"};
  static final String[] NAMES = {"GET /", "POST /cart", "SELECT", "charge", "render"};
  static final String[] METRICS = {"db.client.connection.count", "jvm.memory.used"};
  static final String[] POOLS = {"orders", "users", "carts"};

  private RandomEvents() {}

  static List<Event> events(Random r) {
    List<Event> out = new ArrayList<>();
    int trace = 0;
    while (out.size() < EVENTS) {
      trace++;
      if (r.nextInt(8) == 0) {
        metricPoints(r, out);
        continue;
      }
      if (r.nextInt(12) == 0) {
        histogramSeries(r, trace, out);
        continue;
      }
      int spans = 1 + r.nextInt(6);
      long start = T0 + (long) (r.nextDouble() * 600 * S);
      for (int s = 0; s < spans; s++) {
        String service = SERVICES[r.nextInt(SERVICES.length)];
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("service.name", service);
        res.put("cloud.region", REGIONS[r.nextInt(REGIONS.length)]);
        if (r.nextInt(3) > 0) {
          res.put("host.name", service + "-" + r.nextInt(3));
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        if (r.nextInt(4) > 0) {
          attrs.put("user_id", "u-" + r.nextInt(40));
        }
        if (r.nextBoolean()) {
          attrs.put("http.response.status_code", (long) (r.nextInt(10) == 0 ? 500 : 200));
        }
        if (r.nextBoolean()) {
          attrs.put("http.route", ROUTES[r.nextInt(ROUTES.length)]);
        }
        if (r.nextInt(3) == 0) {
          attrs.put("retry.count", (long) r.nextInt(4));
        }
        if (r.nextInt(3) == 0) {
          attrs.put("cart.size", Math.round(r.nextDouble() * 1000) / 8.0 + 0.125);
        }
        if (r.nextInt(3) == 0) {
          attrs.put("feature", FEATURES[r.nextInt(FEATURES.length)]);
        }
        if (r.nextInt(4) == 0) {
          attrs.put("cached", r.nextBoolean());
        }
        long at = start + s * (long) (r.nextDouble() * 2 * S);
        if (at >= T0 + 600 * S) {
          at = T0 + 600 * S - 1 - r.nextInt(1000);
        }
        Resource resource = new Resource(Attributes.of(res));
        if (r.nextInt(8) == 0) {
          out.add(
              Event.log()
                  .traceId(new TraceId(7, trace))
                  .resource(resource)
                  .timeUnixNano(at)
                  .severityNumber(r.nextBoolean() ? 9 : 17)
                  .severityText("x")
                  .body(r.nextBoolean() ? "payment declined" : "ok")
                  .attributes(Attributes.of(attrs))
                  .build());
        } else {
          out.add(
              Event.span(new TraceId(7, trace), new SpanId(trace * 16L + s))
                  .parentSpanId(s == 0 ? null : new SpanId(trace * 16L))
                  .resource(resource)
                  .name(NAMES[r.nextInt(NAMES.length)])
                  .spanKind(s == 0 ? SpanKind.SERVER : SpanKind.CLIENT)
                  .timeUnixNano(at)
                  .durationNanos((long) Math.exp(10 + r.nextDouble() * 10))
                  .status(r.nextInt(12) == 0 ? StatusCode.ERROR : StatusCode.UNSET)
                  .attributes(Attributes.of(attrs))
                  .build());
        }
      }
    }
    return out;
  }

  /**
   * A few metric data points, as OTLP metrics ingest writes them: gauges and sums per pool, whole
   * or fractional values, sometimes without a value (a staleness marker).
   */
  static void metricPoints(Random r, List<Event> out) {
    String service = SERVICES[r.nextInt(SERVICES.length)];
    Resource resource =
        new Resource(Attributes.of("service.name", service, "cloud.region", REGIONS[r.nextInt(3)]));
    String metric = METRICS[r.nextInt(METRICS.length)];
    long at = T0 + (long) (r.nextDouble() * 600 * S);
    int points = 1 + r.nextInt(3);
    int pool = r.nextInt(POOLS.length);
    for (int p = 0; p < points; p++) {
      Map<String, Object> attrs = new LinkedHashMap<>();
      // One point per pool: equal events are one event to the reference store.
      attrs.put("pool.name", POOLS[(pool + p) % POOLS.length]);
      attrs.put("metric.name", metric);
      boolean sum = r.nextBoolean();
      attrs.put("metric.type", sum ? "sum" : "gauge");
      if (sum) {
        attrs.put("metric.temporality", "cumulative");
        attrs.put("metric.monotonic", false);
      }
      if (r.nextInt(10) > 0) {
        attrs.put("value", r.nextBoolean() ? (Object) (long) r.nextInt(50) : r.nextDouble() * 50);
      }
      out.add(
          Event.metric()
              .resource(resource)
              .name(metric)
              .timeUnixNano(at)
              .attributes(Attributes.of(attrs))
              .build());
    }
  }

  static final String[] LATENCY = {"http.server.request.duration", "db.client.operation.duration"};

  /**
   * A series of histogram points over time, as an OTel SDK exports them: explicit buckets or
   * exponential ones (whose scale may drop as the range grows), cumulative totals since a start
   * time or deltas, with a route attribute (a column of its own in some stores) and sometimes a
   * reset.
   */
  static void histogramSeries(Random r, int n, List<Event> out) {
    String service = SERVICES[r.nextInt(SERVICES.length)];
    Resource resource =
        new Resource(
            Attributes.of(
                "service.name",
                service,
                "service.version",
                "1." + r.nextInt(2),
                "cloud.region",
                REGIONS[r.nextInt(3)]));
    String metric = LATENCY[r.nextInt(LATENCY.length)];
    String route = ROUTES[r.nextInt(ROUTES.length)];
    boolean exponential = r.nextInt(3) == 0;
    boolean cumulative = r.nextBoolean();
    long start = T0 - (r.nextBoolean() ? 30 * S : 7200 * S); // one start per process, as SDKs do
    long at = T0 + (long) (r.nextDouble() * 300 * S);
    int points = 1 + r.nextInt(5);
    double[] bounds = r.nextInt(4) == 0 ? new double[] {5, 10, 25, 50} : new double[] {10, 50};
    long[] counts = new long[exponential ? 6 : bounds.length + 1];
    long zeros = 0;
    int scale = 3;
    double max = 0;
    for (int p = 0; p < points; p++) {
      if (!cumulative || (p > 0 && r.nextInt(6) == 0)) {
        Arrays.fill(counts, 0);
        zeros = 0;
        max = 0;
      }
      for (int i = 0; i < counts.length; i++) {
        counts[i] += r.nextInt(3) == 0 ? 0 : r.nextInt(20);
      }
      zeros += r.nextInt(2);
      max = Math.max(max, 60 + r.nextInt(40));
      Map<String, Object> attrs = new LinkedHashMap<>();
      attrs.put("http.route", route);
      attrs.put("metric.name", metric);
      attrs.put("metric.temporality", cumulative ? "cumulative" : "delta");
      attrs.put("metric.start_time", cumulative ? start : at - 10 * S);
      attrs.put("metric.count", Arrays.stream(counts).sum() + zeros);
      if (r.nextBoolean()) {
        attrs.put("metric.max", max);
      }
      if (exponential) {
        if (p > 0 && r.nextInt(4) == 0 && scale > 0) {
          scale--; // an SDK halves the resolution when the range outgrows its buckets
        }
        attrs.put("metric.type", "exponential_histogram");
        attrs.put("metric.scale", (long) scale);
        attrs.put("metric.zero_count", zeros);
        attrs.put("metric.positive_offset", (long) (8 << scale) >> 3);
        attrs.put("metric.positive_bucket_counts", json(counts));
        attrs.put("metric.negative_offset", 0L);
        attrs.put("metric.negative_bucket_counts", "[]");
      } else {
        attrs.put("metric.type", "histogram");
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < bounds.length; i++) {
          b.append(i > 0 ? "," : "").append(bounds[i]);
        }
        attrs.put("metric.bucket_bounds", b.append(']').toString());
        attrs.put("metric.bucket_counts", json(counts));
      }
      out.add(
          Event.metric()
              .resource(resource)
              .name(metric)
              .timeUnixNano(at)
              .attributes(Attributes.of(attrs))
              .build());
      at += (20 + r.nextInt(60)) * S;
      if (at >= T0 + 600 * S) {
        break;
      }
    }
  }

  private static String json(long[] counts) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < counts.length; i++) {
      b.append(i > 0 ? "," : "").append(counts[i]);
    }
    return b.append(']').toString();
  }
}
