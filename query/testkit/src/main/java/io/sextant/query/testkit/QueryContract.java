package io.sextant.query.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

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
import io.sextant.query.HopQuery;
import io.sextant.query.Op;
import io.sextant.query.Order;
import io.sextant.query.QueryException;
import io.sextant.query.Question;
import io.sextant.query.Result;
import io.sextant.query.TraceQuery;
import io.sextant.query.TraceSummary;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.FieldType;
import io.sextant.store.spi.TimeRange;
import io.sextant.store.testkit.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Questions with known answers, asked of a store through {@link Engine#of}: every store answers
 * them the same. The fixture is small and built by hand so each expected number can be checked with
 * a pencil.
 *
 * <p>Services: {@code web} (4 spans), {@code api} (4 spans, one an error), {@code db} (2 spans),
 * plus 2 log records of {@code api}, one of severity ERROR.
 */
public abstract class QueryContract {
  static final long S = 1_000_000_000L;
  static final long MS = 1_000_000L;
  static final long T0 = Fixtures.T0;
  static final TimeRange HOUR = new TimeRange(T0, T0 + 3600 * S);

  @TempDir protected Path dir;
  private EventStore store;
  private Engine engine;

  protected abstract EventStore openStore(Path dir) throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    store = openStore(dir);
    store.write(fixture());
    engine = Engines.of(store);
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  private static Resource resource(String service, String region) {
    return new Resource(
        Attributes.of(
            "service.name", service, "cloud.region", region, "host.name", service + "-1"));
  }

  private static Event span(
      int trace, int id, Integer parent, String service, long at, long durationMs, String user) {
    return span(trace, id, parent, service, at, durationMs, user, false, Attributes.empty());
  }

  private static Event span(
      int trace,
      int id,
      Integer parent,
      String service,
      long at,
      long durationMs,
      String user,
      boolean error,
      Attributes extra) {
    Map<String, Object> attrs = new LinkedHashMap<>(extra.asMap());
    if (user != null) {
      attrs.put("user_id", user);
    }
    return Event.span(new TraceId(0, trace), new SpanId(id))
        .parentSpanId(parent == null ? null : new SpanId(parent))
        .resource(resource(service, service.equals("db") ? "eu" : "us"))
        .name(service + (parent == null ? " GET /" : " call"))
        .spanKind(parent == null ? SpanKind.SERVER : SpanKind.INTERNAL)
        .timeUnixNano(at)
        .durationNanos(durationMs * MS)
        .status(error ? StatusCode.ERROR : StatusCode.UNSET)
        .attributes(Attributes.of(attrs))
        .build();
  }

  /** Three traces over ten minutes. */
  static List<Event> fixture() {
    List<Event> out = new ArrayList<>();
    Attributes retry2 = Attributes.of("retry.count", 2L, "feature", "new-checkout");
    Attributes retry0 = Attributes.of("retry.count", 0L, "feature", "classic");
    // trace 1 at T0+10s: web -> api -> db, all fine
    out.add(span(1, 11, null, "web", T0 + 10 * S, 100, "u-1", false, retry0));
    out.add(span(1, 12, 11, "api", T0 + 10 * S + 5 * MS, 80, "u-1", false, retry0));
    out.add(span(1, 13, 12, "db", T0 + 10 * S + 10 * MS, 20, "u-1"));
    // trace 2 at T0+70s: web -> api (error) -> db
    out.add(span(2, 21, null, "web", T0 + 70 * S, 300, "u-2", false, retry2));
    out.add(span(2, 22, 21, "api", T0 + 70 * S + 5 * MS, 290, "u-2", true, retry2));
    out.add(span(2, 23, 22, "db", T0 + 70 * S + 10 * MS, 250, "u-2"));
    // trace 3 at T0+130s: web -> api, no user
    out.add(span(3, 31, null, "web", T0 + 130 * S, 50, null));
    out.add(span(3, 32, 31, "api", T0 + 130 * S + 5 * MS, 40, null));
    // trace 4 at T0+190s: web -> api, user u-1
    out.add(span(4, 41, null, "web", T0 + 190 * S, 60, "u-1"));
    out.add(span(4, 42, 41, "api", T0 + 190 * S + 5 * MS, 45, "u-1"));
    out.add(
        Event.log()
            .traceId(new TraceId(0, 2))
            .spanId(new SpanId(22))
            .resource(resource("api", "us"))
            .timeUnixNano(T0 + 70 * S + 100 * MS)
            .severityNumber(17)
            .severityText("ERROR")
            .body("payment declined")
            .attributes(Attributes.of("user_id", "u-2"))
            .build());
    out.add(
        Event.log()
            .resource(resource("api", "us"))
            .timeUnixNano(T0 + 300 * S)
            .severityNumber(9)
            .severityText("INFO")
            .body("cache warmed")
            .build());
    return out;
  }

  private Result run(Question.Builder q) throws Exception {
    return engine.run(q.build());
  }

  private static Question.Builder hour() {
    return Question.over(HOUR);
  }

  @Test
  void countsEveryEventWithoutAFilter() throws Exception {
    Result r = run(hour());
    assertThat(r.rows()).containsExactly(List.of(12L));
    assertThat(r.columns()).extracting(Result.ResultColumn::name).containsExactly("count()");
  }

  @Test
  void countsOneUsersEvents() throws Exception {
    Result r = run(hour().where(Filter.Predicate.of("user_id", Op.EQ, "u-1")));
    assertThat(r.rows()).containsExactly(List.of(5L));
  }

  @Test
  void breaksDownByServiceWithPercentiles() throws Exception {
    Result r =
        run(
            hour()
                .where(Filter.Predicate.of("kind", Op.EQ, "span"))
                .by("service.name")
                .calculate(Calculation.count(), Calculation.of(Aggregate.P50, "duration"))
                .calculate(Aggregate.MAX, "duration"));
    // web: 100, 300, 50, 60 ms → p50 = (60+100)/2; api: 80, 290, 40, 45 → (45+80)/2; db: 20, 250
    assertThat(r.rows())
        .containsExactly(
            List.of("api", 4L, 62.5 * MS, 290.0 * MS),
            List.of("web", 4L, 80.0 * MS, 300.0 * MS),
            List.of("db", 2L, 135.0 * MS, 250.0 * MS));
  }

  @Test
  void ordersAndLimits() throws Exception {
    Result r =
        run(
            hour()
                .by("service.name")
                .calculate(Aggregate.AVG, "duration")
                .orderBy(Order.asc("avg(duration)"))
                .limit(2));
    // db avg 135ms, web 127.5ms, api (4 spans, logs have no duration) 113.75ms
    assertThat(r.rows()).containsExactly(List.of("api", 113.75 * MS), List.of("web", 127.5 * MS));
  }

  @Test
  void havingKeepsTheGroupsThatPass() throws Exception {
    Calculation count = Calculation.count();
    Result r = run(hour().by("service.name").calculate(count).having(new Having(count, Op.GT, 2)));
    assertThat(r.rows()).containsExactly(List.of("api", 6L), List.of("web", 4L));
  }

  @Test
  void everyOperatorFiltersAsDocumented() throws Exception {
    assertThat(count(Filter.Predicate.of("user_id", Op.NE, "u-1"))).isEqualTo(4);
    assertThat(count(Filter.Predicate.of("duration", Op.LT, 50 * MS))).isEqualTo(3);
    assertThat(count(Filter.Predicate.of("duration", Op.LE, 50 * MS))).isEqualTo(4);
    assertThat(count(Filter.Predicate.of("duration", Op.GT, 250 * MS))).isEqualTo(2);
    assertThat(count(Filter.Predicate.of("duration", Op.GE, 250 * MS))).isEqualTo(3);
    assertThat(count(Filter.Predicate.of("user_id", Op.IN, "u-1", "u-2"))).isEqualTo(9);
    assertThat(count(Filter.Predicate.of("user_id", Op.NOT_IN, "u-2"))).isEqualTo(5);
    assertThat(count(Filter.Predicate.of("user_id", Op.EXISTS))).isEqualTo(9);
    assertThat(count(Filter.Predicate.of("user_id", Op.NOT_EXISTS))).isEqualTo(3);
    assertThat(count(Filter.Predicate.of("body", Op.CONTAINS, "declined"))).isEqualTo(1);
    assertThat(count(Filter.Predicate.of("name", Op.STARTS_WITH, "api"))).isEqualTo(4);
    assertThat(count(Filter.Predicate.of("error", Op.EQ, true))).isEqualTo(2);
  }

  @Test
  void nestsAndAndOr() throws Exception {
    Filter f =
        Filter.and(
            Filter.Predicate.of("service.name", Op.EQ, "api"),
            Filter.or(
                Filter.Predicate.of("error", Op.EQ, true),
                Filter.Predicate.of("duration", Op.LT, 42 * MS)));
    assertThat(count(f)).isEqualTo(3); // the error span, the error log, the 40 ms span
  }

  @Test
  void filtersAndGroupsOnResourceAndRecordAttributes() throws Exception {
    assertThat(count(Filter.Predicate.of("cloud.region", Op.EQ, "eu"))).isEqualTo(2);
    assertThat(count(Filter.Predicate.of("retry.count", Op.GE, 1))).isEqualTo(2);
    assertThat(count(Filter.Predicate.of("host.name", Op.EQ, "db-1"))).isEqualTo(2);
    Result r = run(hour().by("feature").calculate(Aggregate.SUM, "retry.count"));
    assertThat(r.rows())
        .containsExactly(List.of("new-checkout", 4.0), Result_row("classic", 0.0), nullRow());
  }

  private static List<Object> Result_row(Object... values) {
    return List.of(values);
  }

  private static List<Object> nullRow() {
    List<Object> row = new ArrayList<>();
    row.add(null);
    row.add(null);
    return row;
  }

  @Test
  void countsDistinctValuesAndRates() throws Exception {
    Result r =
        run(
            hour()
                .calculate(
                    Calculation.of(Aggregate.COUNT_DISTINCT, "user_id"),
                    Calculation.of(Aggregate.RATE, null)));
    assertThat(r.rows().get(0).get(0)).isEqualTo(2L);
    assertThat((Double) r.rows().get(0).get(1)).isCloseTo(12 / 3600.0, within(1e-12));
  }

  @Test
  void answersATimeSeriesPerGroup() throws Exception {
    Result r =
        run(
            Question.over(new TimeRange(T0, T0 + 300 * S))
                .where(Filter.Predicate.of("kind", Op.EQ, "span"))
                .by("service.name")
                .calculate(Calculation.count())
                .granularityNanos(60 * S)
                .series(true));
    assertThat(r.series().buckets()).isEqualTo(5);
    assertThat(r.series().stepNanos()).isEqualTo(60 * S);
    Result.SeriesGroup api = r.series().groups().get(0);
    assertThat(api.key()).containsExactly("api");
    assertThat(api.values().get("count()")).containsExactly(1L, 1L, 1L, 1L, 0L);
    Result.SeriesGroup db = r.series().groups().get(2);
    assertThat(db.values().get("count()")).containsExactly(1L, 1L, 0L, 0L, 0L);
  }

  @Test
  void answersAHeatmap() throws Exception {
    Result r =
        run(
            Question.over(new TimeRange(T0, T0 + 120 * S))
                .where(Filter.Predicate.of("service.name", Op.EQ, "db"))
                .calculate(Calculation.of(Aggregate.HEATMAP, "duration"))
                .granularityNanos(60 * S));
    assertThat(r.heatmaps()).hasSize(1);
    List<Result.Cell> cells = r.heatmaps().get(0).cells();
    assertThat(cells).hasSize(2);
    // 20 ms falls in [2^(97/4), 2^(98/4)), 250 ms in the bucket holding 2.5e8
    assertThat(cells.get(0).timeIndex()).isZero();
    assertThat(cells.get(0).low()).isLessThanOrEqualTo(20.0 * MS);
    assertThat(cells.get(0).high()).isGreaterThan(20.0 * MS);
    assertThat(cells.get(1).timeIndex()).isEqualTo(1);
    assertThat(cells.get(1).low()).isLessThanOrEqualTo(250.0 * MS);
    assertThat(cells.get(1).high()).isGreaterThan(250.0 * MS);
    assertThat(cells.get(1).high() / cells.get(1).low()).isCloseTo(Math.pow(2, 0.25), within(1e-9));
  }

  @Test
  void refusesUnknownColumnsWithASuggestion() {
    assertThatThrownBy(() -> count(Filter.Predicate.of("user_idd", Op.EQ, "u-1")))
        .isInstanceOf(QueryException.class)
        .hasMessageContaining("unknown column 'user_idd'")
        .hasMessageContaining("user_id");
  }

  @Test
  void refusesOperatorsAndCalculationsThatDoNotFitTheType() {
    assertThatThrownBy(() -> count(Filter.Predicate.of("service.name", Op.GT, 3)))
        .isInstanceOf(QueryException.class)
        .hasMessageContaining("service.name is a string");
    assertThatThrownBy(() -> count(Filter.Predicate.of("duration", Op.EQ, "slow")))
        .isInstanceOf(QueryException.class)
        .hasMessageContaining("duration is a number");
    assertThatThrownBy(() -> run(hour().calculate(Aggregate.P99, "service.name")))
        .isInstanceOf(QueryException.class)
        .hasMessageContaining("needs a numeric column");
  }

  @Test
  void knowsTheTypeOfEveryKey() throws Exception {
    var catalog = engine.catalog();
    assertThat(catalog.resolve("retry.count").type()).isEqualTo(FieldType.NUMBER);
    assertThat(catalog.resolve("cloud.region").type()).isEqualTo(FieldType.STRING);
    assertThat(catalog.resolve("duration").type()).isEqualTo(FieldType.NUMBER);
    assertThat(catalog.resolve("error").type()).isEqualTo(FieldType.BOOL);
  }

  @Test
  void describesColumnsForAutocomplete() throws Exception {
    var columns = engine.columns(HOUR);
    assertThat(columns.events()).isEqualTo(12);
    assertThat(columns.sampled()).isEqualTo(12);
    var user =
        columns.columns().stream()
            .filter(c -> c.name().equals("user_id"))
            .findFirst()
            .orElseThrow();
    assertThat(user.type()).isEqualTo(FieldType.STRING);
    assertThat(user.present()).isEqualTo(9);
    assertThat(user.distinct()).isEqualTo(2);
    assertThat(user.examples()).containsExactly("u-1", "u-2");
    var retries =
        columns.columns().stream()
            .filter(c -> c.name().equals("retry.count"))
            .findFirst()
            .orElseThrow();
    assertThat(retries.examples()).containsExactly("0", "2");
  }

  @Test
  void joinsCallsToTheServiceThatServedThem() throws Exception {
    long t = T0 + 7200 * S;
    TimeRange window = new TimeRange(t, t + 600 * S);
    store.write(
        List.of(
            call(9, 91, null, "web", SpanKind.CLIENT, t, 40, false),
            call(9, 92, 91, "api", SpanKind.SERVER, t + MS, 30, false),
            call(9, 93, null, "web", SpanKind.CLIENT, t + S, 10, true),
            call(9, 94, 92, "api", SpanKind.CLIENT, t + 2 * S, 8, false),
            call(9, 95, 94, "api", SpanKind.SERVER, t + 2 * S, 6, false)));
    List<HopQuery.Hop> hops =
        engine.hops(
            new HopQuery(
                window,
                Filter.Predicate.of("span.kind", Op.EQ, "client"),
                List.of("service.name"),
                0));
    assertThat(hops)
        .extracting(h -> h.key().get(0) + " -> " + h.callee() + " " + h.calls() + "/" + h.errors())
        .containsExactly("api -> null 1/0", "web -> api 1/0", "web -> null 1/1");
    assertThat(hops.get(1).p50()).isEqualTo(40.0 * MS);
    assertThat(hops.get(2).p99()).isEqualTo(10.0 * MS);
  }

  private static Event call(
      int trace,
      int id,
      Integer parent,
      String service,
      SpanKind kind,
      long at,
      long ms,
      boolean error) {
    return Event.span(new TraceId(0, trace), new SpanId(id))
        .parentSpanId(parent == null ? null : new SpanId(parent))
        .resource(resource(service, "us"))
        .name(service + " call")
        .spanKind(kind)
        .timeUnixNano(at)
        .durationNanos(ms * MS)
        .status(error ? StatusCode.ERROR : StatusCode.UNSET)
        .build();
  }

  @Test
  void findsTracesWithTheirRootAndSize() throws Exception {
    List<TraceSummary> traces =
        engine.traces(new TraceQuery(HOUR, Filter.Predicate.of("service.name", Op.EQ, "db"), 10));
    assertThat(traces)
        .extracting(TraceSummary::traceId)
        .containsExactly(new TraceId(0, 2).toHex(), new TraceId(0, 1).toHex());
    TraceSummary t2 = traces.get(0);
    assertThat(t2.rootService()).isEqualTo("web");
    assertThat(t2.rootName()).isEqualTo("web GET /");
    assertThat(t2.spanCount()).isEqualTo(3);
    assertThat(t2.errorCount()).isEqualTo(1);
    assertThat(t2.durationNanos()).isEqualTo(300 * MS);
    assertThat(t2.startUnixNano()).isEqualTo(T0 + 70 * S);
  }

  @Test
  void comparesASelectionWithItsBaseline() throws Exception {
    Comparison c =
        engine.compare(
            new CompareQuery(
                HOUR,
                Filter.Predicate.of("kind", Op.EQ, "span"),
                new CompareQuery.FilterSelection(
                    Filter.Predicate.of("duration", Op.GE, 250 * MS))));
    assertThat(c.selectionCount()).isEqualTo(3);
    assertThat(c.baselineCount()).isEqualTo(7);
    Comparison.AttributeDiff feature =
        c.attributes().stream().filter(a -> a.key().equals("feature")).findFirst().orElseThrow();
    Comparison.ValueDiff top = feature.values().get(0);
    // new-checkout: 2 of 3 slow spans, 0 of 7 others
    assertThat(top.value()).isEqualTo("new-checkout");
    assertThat(top.selectionShare()).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(top.baselineShare()).isZero();
    assertThat(feature.score()).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(c.attributes().get(0).score()).isGreaterThanOrEqualTo(feature.score());
  }

  private long count(Filter f) throws Exception {
    return (Long) engine.run(Question.over(HOUR).where(f).build()).rows().get(0).get(0);
  }
}
