package io.sextant.server.slo;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.StatusCode;
import io.sextant.model.TraceId;
import io.sextant.query.Calculation;
import io.sextant.query.Engine;
import io.sextant.query.Engines;
import io.sextant.query.Filter;
import io.sextant.query.Question;
import io.sextant.query.Result;
import io.sextant.query.testkit.CountingEngine;
import io.sextant.store.duckdb.DuckDbConfig;
import io.sextant.store.duckdb.DuckDbEventStore;
import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.TimeRange;
import io.sextant.store.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A real DuckDB store, the operations tenant's engine over it (counting the questions it is asked),
 * a clock the test moves, a {@link SloCounter} and an evaluator using both: what the embedded
 * server wires, without its ports.
 */
final class IngestHarness implements AutoCloseable {
  static final long MIN = 60_000_000_000L;
  static final long T0 = 29_000_000L * MIN; // a whole minute in 2025
  static final String TENANT = "ops";
  static final Duration WINDOW = Duration.ofDays(1);

  final DuckDbEventStore store;
  final Engine sql;
  final CountingEngine counting;
  final List<Alert> alerts = new ArrayList<>();
  final ManualClock clock = new ManualClock(T0);
  final SloCounter counter = new SloCounter(TENANT, clock);
  SloEvaluator evaluator;
  private int ids;

  IngestHarness(Path dir) {
    store = DuckDbEventStore.open(DuckDbConfig.defaults(dir));
    sql = Engines.of(store.forTenant(TENANT));
    counting = new CountingEngine(sql);
  }

  /** The evaluator of {@code slos}, counting at ingest with {@code counter} (null: questions). */
  SloEvaluator evaluator(List<Slo> slos, SloCounter counter) {
    return new SloEvaluator(
        new SloConfig(slos, List.of(), "http://127.0.0.1:7070", 1),
        counting,
        clock,
        alerts::add,
        counter);
  }

  static Slo slo(String name, String valid, String good) {
    return Slo.of(name, "", valid, good, 0.99, WINDOW);
  }

  /** SLOs over every kind of condition the counter must agree with the store on. */
  static List<Slo> mixedSlos() {
    return List.of(
        slo(
            "checkout",
            "service.name = gateway and span.kind = server and http.route = /api/checkout",
            "status != error and duration < 800ms"),
        slo(
            "checkout-up",
            "service.name = gateway and span.kind = server and http.route = /api/checkout",
            "status != error"),
        slo("status", "service.name = gateway and http.status exists", "http.status < 500"),
        slo("cart-logs", "kind = log and service.name = cart", "severity_number < 17"),
        slo("eu", "region = eu and span.kind = server", "duration < 300ms and error = false"),
        slo(
            "routes",
            "http.route in (/api/a, /api/browse) or name starts-with \"GET /api/c\"",
            "http.route != /api/a and tier = gold"));
  }

  static final Resource[] RESOURCES = {
    new Resource(Attributes.of("service.name", "gateway", "region", "eu")),
    new Resource(Attributes.of("service.name", "gateway", "region", "us")),
    new Resource(Attributes.of("service.name", "cart", "region", "eu")),
    new Resource(Attributes.of("service.name", "cart")),
  };

  static final String[] ROUTES = {"/api/checkout", "/api/browse", "/api/a", "/api/b"};

  /** One event of every sort at {@code time}: spans and logs, errors, slow ones, two tenants. */
  Event random(Random r, long time) {
    ids++;
    Resource resource = RESOURCES[r.nextInt(RESOURCES.length)];
    String tenant = r.nextInt(6) == 0 ? "other" : TENANT;
    if (r.nextInt(5) == 0) {
      return Event.log()
          .resource(resource)
          .timeUnixNano(time)
          .severityNumber(r.nextInt(4) == 0 ? 17 + r.nextInt(4) : 9)
          .body("line " + ids)
          .tenant(tenant)
          .build();
    }
    String route = ROUTES[r.nextInt(ROUTES.length)];
    List<Object> attributes = new ArrayList<>();
    if (r.nextInt(10) > 0) {
      attributes.addAll(List.of("http.route", route));
    }
    if (r.nextInt(3) > 0) {
      long status = r.nextInt(8) == 0 ? 503 : r.nextInt(5) == 0 ? 404 : 200;
      attributes.addAll(List.of("http.status", r.nextBoolean() ? (Object) status : status * 1.0));
    }
    if (r.nextBoolean()) {
      attributes.addAll(List.of("tier", r.nextBoolean() ? "gold" : "silver"));
    }
    return Event.span(new TraceId(9, ids), new SpanId(ids))
        .resource(resource)
        .name((r.nextBoolean() ? "GET " : "POST ") + route)
        .spanKind(r.nextInt(4) == 0 ? SpanKind.CLIENT : SpanKind.SERVER)
        .timeUnixNano(time)
        .durationNanos((long) (Math.exp(r.nextGaussian() + Math.log(200)) * 1_000_000))
        .status(r.nextInt(10) == 0 ? StatusCode.ERROR : StatusCode.UNSET)
        .attributes(Attributes.of(attributes.toArray()))
        .tenant(tenant)
        .build();
  }

  /** {@code n} random events spread over [{@code from}, {@code to}). */
  List<Event> randomEvents(Random r, long from, long to, int n) {
    List<Event> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(random(r, from + (long) (r.nextDouble() * (to - from))));
    }
    return out;
  }

  /** What a question asked now answers for {@code slo}: {valid, good} per minute from..to. */
  long[][] asked(Slo slo, long from, long to) throws StoreException {
    return new long[][] {
      count(slo.validFilter(), from, to),
      count(Filter.and(slo.validFilter(), slo.goodFilter()), from, to)
    };
  }

  private long[] count(Filter where, long from, long to) throws StoreException {
    int n = (int) (to - from + 1);
    long[] out = new long[n];
    for (long chunk = from; chunk <= to; chunk += 1000) {
      long last = Math.min(to, chunk + 999);
      Result r =
          sql.run(
              Question.over(new TimeRange(chunk * MIN, (last + 1) * MIN))
                  .where(where)
                  .calculate(Calculation.count())
                  .series(true)
                  .granularityNanos(MIN)
                  .build());
      if (!r.series().groups().isEmpty()) {
        List<Number> values = r.series().groups().get(0).values().get("count()");
        for (int i = 0; i < values.size() && chunk - from + i < n; i++) {
          out[(int) (chunk - from) + i] = values.get(i) == null ? 0 : values.get(i).longValue();
        }
      }
    }
    return out;
  }

  /** {valid, good} per minute from..to as the evaluator's ring holds them (after a tick). */
  long[][] ring(String name, long from, long to) {
    int minutes = (int) WINDOW.toMinutes();
    SloEvaluator.Series s = evaluator.series(name, minutes);
    long first = s.fromUnixNano() / MIN;
    int n = (int) (to - from + 1);
    long[][] out = new long[2][n];
    for (int i = 0; i < n; i++) {
      int at = (int) (from + i - first);
      if (at >= 0 && at < s.valid().length) {
        out[0][i] = s.valid()[at];
        out[1][i] = s.good()[at];
      }
    }
    return out;
  }

  /** Every minute of every SLO's window holds what a question answers now. */
  void assertRingsAnswerAsQuestions(List<Slo> slos) throws StoreException {
    long current = Math.floorDiv(clock.nanos(), MIN);
    long from = current - WINDOW.toMinutes() + 1;
    List<String> differ = new ArrayList<>();
    long counted = 0;
    for (Slo slo : slos) {
      long[][] asked = asked(slo, from, current);
      long[][] ring = ring(slo.name(), from, current);
      for (int i = 0; i < asked[0].length; i++) {
        counted += asked[0][i];
        if (ring[0][i] != asked[0][i] || ring[1][i] != asked[1][i]) {
          differ.add(
              String.format(
                  "%s at T0%+d min: ring {%d, %d}, question {%d, %d}",
                  slo.name(),
                  from + i - T0 / MIN,
                  ring[0][i],
                  ring[1][i],
                  asked[0][i],
                  asked[1][i]));
        }
      }
    }
    assertThat(differ).as("minutes whose counts differ").isEmpty();
    assertThat(counted).as("valid events in the windows").isPositive();
  }

  long current() {
    return Math.floorDiv(clock.nanos(), MIN);
  }

  @Override
  public void close() {
    if (evaluator != null) {
      evaluator.close();
    }
    store.close();
  }
}
