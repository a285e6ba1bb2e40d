package io.sextant.store.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.StatusCode;
import io.sextant.model.TraceId;
import io.sextant.query.Aggregate;
import io.sextant.query.Calculation;
import io.sextant.query.CompareQuery;
import io.sextant.query.Comparison;
import io.sextant.query.Engine;
import io.sextant.query.Engines;
import io.sextant.query.Filter;
import io.sextant.query.Having;
import io.sextant.query.Op;
import io.sextant.query.Order;
import io.sextant.query.Question;
import io.sextant.query.Result;
import io.sextant.query.TraceQuery;
import io.sextant.query.memory.MemoryEngine;
import io.sextant.query.text.QueryText;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.MemoryEventStore;
import io.sextant.store.spi.TimeRange;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's engine against the naive in-memory engine: random events, random questions, equal
 * answers. Numbers are compared with a relative tolerance of 1e-9 (sums and averages add up in a
 * different order; percentiles interpolate the same way in both). A failure prints the seed and the
 * question so it can be replayed.
 */
public abstract class DifferentialContract {
  static final long S = 1_000_000_000L;
  static final long T0 = Fixtures.T0;
  static final TimeRange RANGE = new TimeRange(T0, T0 + 600 * S);
  static final int EVENTS = 3_000;
  static final int QUESTIONS = 300;

  static final String[] SERVICES = {"web", "api", "cart", "pay", "db-proxy", "search"};
  static final String[] REGIONS = {"us", "eu", "ap"};
  static final String[] FEATURES = {"classic", "new-checkout", "beta", "dark"};
  static final String[] ROUTES = {"/", "/cart", "/checkout", "/search", "/item/{id}"};
  static final String[] NAMES = {"GET /", "POST /cart", "SELECT", "charge", "render"};
  static final String[] METRICS = {"db.client.connection.count", "jvm.memory.used"};
  static final String[] POOLS = {"orders", "users", "carts"};

  @TempDir protected Path dir;
  private EventStore store;
  private MemoryEventStore reference;

  protected abstract EventStore openStore(Path dir) throws Exception;

  /**
   * How many random questions to ask: a store whose full run takes long (a sharded cluster) asks
   * fewer, beside a full run of the same store on one server.
   */
  protected int questions() {
    return QUESTIONS;
  }

  /** The seed of this run: fixed, so a failure is reproducible; change it to explore. */
  protected long seed() {
    return 20261123L;
  }

  @BeforeEach
  void setUp() throws Exception {
    store = openStore(dir);
    reference = new MemoryEventStore();
    List<Event> events = events(new Random(seed()));
    for (int i = 0; i < events.size(); i += 500) {
      List<Event> batch = events.subList(i, Math.min(events.size(), i + 500));
      store.write(batch);
      reference.write(batch);
    }
    afterWrite(store);
  }

  /** Checks a store may make once every event is written (for example, of its own layout). */
  protected void afterWrite(EventStore store) throws Exception {}

  @AfterEach
  void tearDown() {
    store.close();
    reference.close();
  }

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

  /** The fields random questions use, with their kind: s(tring), n(umber), b(ool). */
  static final String[][] FIELDS = {
    {"service.name", "s"},
    {"name", "s"},
    {"kind", "s"},
    {"span.kind", "s"},
    {"status", "s"},
    {"body", "s"},
    {"cloud.region", "s"},
    {"host.name", "s"},
    {"user_id", "s"},
    {"http.route", "s"},
    {"feature", "s"},
    {"metric.name", "s"},
    {"pool.name", "s"},
    {"duration", "n"},
    {"value", "n"},
    {"severity_number", "n"},
    {"http.response.status_code", "n"},
    {"retry.count", "n"},
    {"cart.size", "n"},
    {"error", "b"},
    {"cached", "b"}
  };

  static Object value(Random r, String field) {
    return switch (field) {
      case "service.name" -> SERVICES[r.nextInt(SERVICES.length)];
      case "name" -> NAMES[r.nextInt(NAMES.length)];
      case "kind" -> new String[] {"span", "log", "metric"}[r.nextInt(3)];
      case "metric.name" -> METRICS[r.nextInt(METRICS.length)];
      case "pool.name" -> POOLS[r.nextInt(POOLS.length)];
      case "value" -> r.nextBoolean() ? (Object) (long) r.nextInt(50) : r.nextDouble() * 50;
      case "span.kind" -> r.nextBoolean() ? "server" : "client";
      case "status" -> r.nextBoolean() ? "error" : "unset";
      case "body" -> r.nextBoolean() ? "payment declined" : "ok";
      case "cloud.region" -> REGIONS[r.nextInt(REGIONS.length)];
      case "host.name" -> SERVICES[r.nextInt(SERVICES.length)] + "-" + r.nextInt(3);
      case "user_id" -> "u-" + r.nextInt(40);
      case "http.route" -> ROUTES[r.nextInt(ROUTES.length)];
      case "feature" -> FEATURES[r.nextInt(FEATURES.length)];
      case "duration" -> (long) Math.exp(10 + r.nextDouble() * 10);
      case "severity_number" -> r.nextBoolean() ? 9L : 17L;
      case "http.response.status_code" -> r.nextBoolean() ? 200L : 500L;
      case "retry.count" -> (long) r.nextInt(4);
      case "cart.size" -> r.nextDouble() * 125;
      case "error", "cached" -> r.nextBoolean();
      default -> throw new IllegalArgumentException(field);
    };
  }

  static Filter filter(Random r, int depth) {
    if (depth < 2 && r.nextInt(3) == 0) {
      int n = 2 + r.nextInt(2);
      Filter[] parts = new Filter[n];
      for (int i = 0; i < n; i++) {
        parts[i] = filter(r, depth + 1);
      }
      return r.nextBoolean() ? new Filter.And(List.of(parts)) : new Filter.Or(List.of(parts));
    }
    String[] f = FIELDS[r.nextInt(FIELDS.length)];
    String name = f[0];
    List<Op> ops =
        new ArrayList<>(List.of(Op.EQ, Op.NE, Op.IN, Op.NOT_IN, Op.EXISTS, Op.NOT_EXISTS));
    if (f[1].equals("n")) {
      ops.addAll(List.of(Op.LT, Op.LE, Op.GT, Op.GE));
    }
    if (f[1].equals("s")) {
      ops.addAll(List.of(Op.CONTAINS, Op.STARTS_WITH));
    }
    Op op = ops.get(r.nextInt(ops.size()));
    return switch (op.arity()) {
      case NONE -> Filter.Predicate.of(name, op);
      case MANY -> Filter.Predicate.of(name, op, value(r, name), value(r, name));
      case ONE -> {
        Object v = value(r, name);
        if (op == Op.CONTAINS || op == Op.STARTS_WITH) {
          String s = v.toString();
          v =
              op == Op.CONTAINS
                  ? s.substring(1, Math.max(1, s.length() - 1))
                  : s.substring(0, Math.min(2, s.length()));
        }
        yield Filter.Predicate.of(name, op, v);
      }
    };
  }

  static Question question(Random r) {
    Question.Builder q = Question.over(RANGE);
    if (r.nextInt(5) > 0) {
      q.where(filter(r, 0));
    }
    List<String> breakdowns = new ArrayList<>();
    int nb = r.nextInt(3);
    while (breakdowns.size() < nb) {
      String b = FIELDS[r.nextInt(FIELDS.length)][0];
      if (!breakdowns.contains(b)
          && !b.equals("duration")
          && !b.equals("cart.size")
          && !b.equals("value")) {
        breakdowns.add(b);
      }
    }
    q.by(breakdowns.toArray(String[]::new));
    List<Calculation> calcs = new ArrayList<>();
    int nc = 1 + r.nextInt(3);
    Aggregate[] numeric = {
      Aggregate.SUM,
      Aggregate.AVG,
      Aggregate.MIN,
      Aggregate.MAX,
      Aggregate.P50,
      Aggregate.P90,
      Aggregate.P99,
      Aggregate.P999
    };
    String[] numbers = {
      "duration", "retry.count", "cart.size", "http.response.status_code", "value"
    };
    while (calcs.size() < nc) {
      Calculation c =
          switch (r.nextInt(5)) {
            case 0 -> Calculation.count();
            case 1 ->
                r.nextBoolean()
                    ? Calculation.of(Aggregate.RATE, null)
                    : Calculation.of(
                        r.nextBoolean() ? Aggregate.P99 : Aggregate.P50, "metric.histogram");
            case 2 -> Calculation.of(Aggregate.COUNT_DISTINCT, FIELDS[r.nextInt(FIELDS.length)][0]);
            default ->
                Calculation.of(
                    numeric[r.nextInt(numeric.length)], numbers[r.nextInt(numbers.length)]);
          };
      if (!calcs.contains(c)) {
        calcs.add(c);
      }
    }
    q.calculate(calcs.toArray(Calculation[]::new));
    if (r.nextInt(4) == 0) {
      q.having(new Having(Calculation.count(), Op.GT, r.nextInt(20)));
      if (!calcs.contains(Calculation.count())) {
        q.calculate(Calculation.count());
      }
    }
    if (r.nextInt(3) == 0) {
      String key =
          !breakdowns.isEmpty() && r.nextBoolean()
              ? breakdowns.get(0)
              : calcs.get(r.nextInt(calcs.size())).label();
      q.orderBy(new Order(key, r.nextBoolean()));
    }
    q.limit(1 + r.nextInt(30));
    if (r.nextInt(3) == 0) {
      q.series(true).granularityNanos(r.nextBoolean() ? 0 : 37 * S);
    }
    if (r.nextInt(5) == 0) {
      q.calculate(Calculation.of(Aggregate.HEATMAP, r.nextBoolean() ? "duration" : "cart.size"));
      q.granularityNanos(60 * S);
    }
    return q.build();
  }

  @Test
  void answersRandomQuestionsLikeTheNaiveEngine() throws Exception {
    Engine engine = Engines.of(store);
    Engine naive = new MemoryEngine(reference);
    Random r = new Random(seed() * 31 + 7);
    for (int i = 0; i < questions(); i++) {
      Question q = question(r);
      String context = "seed " + seed() + ", question " + i + ": " + q;
      Result expected = naive.run(q);
      Result actual = engine.run(q);
      assertThat(actual.columns()).as(context).isEqualTo(expected.columns());
      assertSameRows(context, actual.rows(), expected.rows());
      if (q.series()) {
        assertThat(actual.series().stepNanos())
            .as(context)
            .isEqualTo(expected.series().stepNanos());
        assertThat(actual.series().groups()).as(context).hasSameSizeAs(expected.series().groups());
        for (int g = 0; g < expected.series().groups().size(); g++) {
          Result.SeriesGroup a = actual.series().groups().get(g);
          Result.SeriesGroup e = expected.series().groups().get(g);
          assertSameRows(context, List.of(a.key()), List.of(e.key()));
          for (String label : e.values().keySet()) {
            assertSameRows(
                context + " series " + label,
                List.of(new ArrayList<Object>(a.values().get(label))),
                List.of(new ArrayList<Object>(e.values().get(label))));
          }
        }
      }
      assertThat(actual.heatmaps()).as(context).isEqualTo(expected.heatmaps());
    }
  }

  /** The question docs/query.md shows for metrics, and its neighbours, as text. */
  @Test
  void answersMetricQuestionsLikeTheNaiveEngine() throws Exception {
    Engine engine = Engines.of(store);
    Engine naive = new MemoryEngine(reference);
    String range = " | since 2025-01-01T00:00:00Z until 2025-01-01T00:10:00Z";
    assertThat(T0).isEqualTo(Instant.parse("2025-01-01T00:00:00Z").toEpochMilli() * 1_000_000L);
    for (String text :
        List.of(
            "where kind = metric and metric.name = db.client.connection.count"
                + " | max(value) by pool.name | every 1m",
            "where kind = metric | avg(value), min(value), count() by metric.name, service.name",
            "where kind = metric and metric.type = sum | p99(value), sum(value) by pool.name",
            "where kind = metric and value > 25 | count() by metric.name | every 37s",
            "where metric.name = http.server.request.duration"
                + " | p99(metric.histogram), p50(metric.histogram) by http.route | every 1m",
            "where kind = metric and metric.type = exponential_histogram"
                + " | p90(metric.histogram), count() by service.name, service.version"
                + " | having p90(metric.histogram) > 1 | order by p90(metric.histogram) desc",
            "where kind = metric | p99(metric.histogram) by metric.name, metric.temporality",
            "where kind != metric | count() by kind")) {
      Question q = QueryText.parse(text + range, T0);
      Result expected = naive.run(q);
      Result actual = engine.run(q);
      assertThat(expected.rows()).as(text).isNotEmpty();
      if (text.contains("metric.histogram")) {
        int c = expected.columns().size() - 1;
        while (!expected.columns().get(c).name().contains("metric.histogram")) {
          c--;
        }
        int col = c;
        assertThat(expected.rows()).as(text).anyMatch(row -> row.get(col) instanceof Double);
      }
      assertThat(actual.columns()).as(text).isEqualTo(expected.columns());
      assertSameRows(text, actual.rows(), expected.rows());
      if (q.series()) {
        assertThat(actual.series().groups()).as(text).hasSameSizeAs(expected.series().groups());
        for (int g = 0; g < expected.series().groups().size(); g++) {
          Result.SeriesGroup a = actual.series().groups().get(g);
          Result.SeriesGroup e = expected.series().groups().get(g);
          assertSameRows(text, List.of(a.key()), List.of(e.key()));
          for (String label : e.values().keySet()) {
            assertSameRows(
                text + " series " + label,
                List.of(new ArrayList<Object>(a.values().get(label))),
                List.of(new ArrayList<Object>(e.values().get(label))));
          }
        }
      }
    }
  }

  @Test
  void findsTheSameTracesAsTheNaiveEngine() throws Exception {
    Engine engine = Engines.of(store);
    Engine naive = new MemoryEngine(reference);
    Random r = new Random(seed() * 17 + 3);
    for (int i = 0; i < 60; i++) {
      TraceQuery q =
          new TraceQuery(RANGE, r.nextInt(4) == 0 ? null : filter(r, 0), 1 + r.nextInt(25));
      assertThat(engine.traces(q)).as("seed " + seed() + ", " + q).isEqualTo(naive.traces(q));
    }
  }

  @Test
  void comparesLikeTheNaiveEngine() throws Exception {
    Engine engine = Engines.of(store);
    Engine naive = new MemoryEngine(reference);
    Random r = new Random(seed() * 13 + 5);
    for (int i = 0; i < 20; i++) {
      CompareQuery q =
          new CompareQuery(
              RANGE,
              r.nextBoolean() ? null : filter(r, 1),
              i % 4 == 0
                  ? new CompareQuery.Region("duration", T0 + 60 * S, T0 + 300 * S, 1e6, 1e8)
                  : new CompareQuery.FilterSelection(filter(r, 1)));
      Comparison a = engine.compare(q);
      Comparison e = naive.compare(q);
      String context = "seed " + seed() + ", " + q;
      assertThat(a.selectionCount()).as(context).isEqualTo(e.selectionCount());
      assertThat(a.baselineCount()).as(context).isEqualTo(e.baselineCount());
      assertThat(a.attributes()).as(context).hasSameSizeAs(e.attributes());
      for (int k = 0; k < e.attributes().size(); k++) {
        Comparison.AttributeDiff x = a.attributes().get(k);
        Comparison.AttributeDiff y = e.attributes().get(k);
        assertThat(x.key()).as(context).isEqualTo(y.key());
        assertThat(x.score())
            .as(context + " " + y.key())
            .isCloseTo(y.score(), org.assertj.core.api.Assertions.within(1e-9));
        assertThat(x.values()).as(context + " " + y.key()).hasSameSizeAs(y.values());
      }
    }
  }

  static void assertSameRows(
      String context, List<List<Object>> actual, List<List<Object>> expected) {
    assertThat(actual).as(context).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      List<Object> a = actual.get(i);
      List<Object> e = expected.get(i);
      assertThat(a).as(context + " row " + i).hasSameSizeAs(e);
      for (int c = 0; c < e.size(); c++) {
        Object x = a.get(c);
        Object y = e.get(c);
        String where = context + " row " + i + " column " + c + ": " + a + " vs " + e;
        if (x instanceof Double || y instanceof Double) {
          assertThat(x).as(where).isNotNull();
          assertThat(y).as(where).isNotNull();
          double dx = ((Number) x).doubleValue();
          double dy = ((Number) y).doubleValue();
          assertThat(Math.abs(dx - dy))
              .as(where)
              .isLessThanOrEqualTo(1e-9 * Math.max(1, Math.abs(dy)));
        } else {
          assertThat(x).as(where).isEqualTo(y);
        }
      }
    }
  }
}
