package io.sextant.query.memory;

import io.sextant.model.Event;
import io.sextant.model.EventKind;
import io.sextant.model.SpanKind;
import io.sextant.query.Aggregate;
import io.sextant.query.BubbleUp;
import io.sextant.query.Catalog;
import io.sextant.query.ColumnInfo;
import io.sextant.query.CompareQuery;
import io.sextant.query.Comparison;
import io.sextant.query.Engine;
import io.sextant.query.EventFields;
import io.sextant.query.Field;
import io.sextant.query.HistogramPoint;
import io.sextant.query.Histograms;
import io.sextant.query.HopQuery;
import io.sextant.query.Op;
import io.sextant.query.Plan;
import io.sextant.query.Plan.BoundAnd;
import io.sextant.query.Plan.BoundCalculation;
import io.sextant.query.Plan.BoundFilter;
import io.sextant.query.Plan.BoundOr;
import io.sextant.query.Plan.BoundPredicate;
import io.sextant.query.QueryException;
import io.sextant.query.Question;
import io.sextant.query.Result;
import io.sextant.query.Results;
import io.sextant.query.TraceQuery;
import io.sextant.query.TraceRow;
import io.sextant.query.TraceSummary;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.FieldType;
import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.TimeRange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Answers questions by evaluating them event by event in memory: obviously correct rather than
 * fast. It serves the reference store and is the oracle the SQL engines are tested against.
 */
public final class MemoryEngine implements Engine {
  private final EventStore store;

  public MemoryEngine(EventStore store) {
    this.store = store;
  }

  @Override
  public Catalog catalog() throws StoreException {
    return Catalog.of(store.attributeKeys());
  }

  private List<Event> events(TimeRange range) throws StoreException {
    return store
        .scan(range)
        .orElseThrow(
            () ->
                new QueryException(
                    "this store neither speaks SQL nor can list its events; it cannot answer"
                        + " questions"));
  }

  @Override
  public Result run(Question question) throws StoreException {
    long started = System.nanoTime();
    Plan plan = Plan.of(question, catalog());
    List<Event> matching = new ArrayList<>();
    for (Event e : events(question.range())) {
      if (plan.where() == null || matches(plan.where(), e)) {
        matching.add(e);
      }
    }
    Map<List<Object>, List<Event>> groups = group(plan, matching);
    double seconds = (question.range().toUnixNano() - question.range().fromUnixNano()) / 1e9;
    Map<List<Object>, Map<String, List<HistogramPoint>>> histograms =
        plan.hasHistograms() ? histogramPoints(plan) : Map.of();
    List<List<Object>> rows = new ArrayList<>();
    for (Map.Entry<List<Object>, List<Event>> g : groups.entrySet()) {
      List<Object> row = new ArrayList<>(g.getKey());
      for (BoundCalculation c : plan.calculations()) {
        row.add(c.histogram() ? null : calculate(c, g.getValue(), seconds));
      }
      rows.add(row);
    }
    Histograms.fillRows(plan, rows, histograms);
    rows.removeIf(row -> !Results.keep(plan, row));
    rows.sort(Results.rowOrder(plan));
    if (rows.size() > question.limit()) {
      rows = new ArrayList<>(rows.subList(0, question.limit()));
    }
    Result.Series series = question.series() ? series(plan, matching, rows, histograms) : null;
    List<Result.Heatmap> heatmaps = new ArrayList<>();
    for (BoundCalculation h : plan.heatmaps()) {
      heatmaps.add(heatmap(plan, h, matching));
    }
    return new Result(
        Results.columns(plan),
        rows,
        series,
        heatmaps,
        new Result.Stats("memory", (System.nanoTime() - started) / 1_000_000));
  }

  /** The histogram points matching the question, from its range and the look-back before it. */
  private Map<List<Object>, Map<String, List<HistogramPoint>>> histogramPoints(Plan plan)
      throws StoreException {
    List<HistogramPoint> points = new ArrayList<>();
    for (Event e : events(Histograms.fetchRange(plan.question().range()))) {
      if (e.kind() != EventKind.METRIC || (plan.where() != null && !matches(plan.where(), e))) {
        continue;
      }
      List<Object> key = new ArrayList<>(plan.breakdowns().size());
      for (Field f : plan.breakdowns()) {
        key.add(Results.breakdownValue(f, EventFields.value(e, f)));
      }
      HistogramPoint p =
          HistogramPoint.of(
              key,
              e.timeUnixNano(),
              Histograms.fields(
                  e.resource().attributes().asMap(), Map.of(), e.attributes().asMap()));
      if (p != null) {
        points.add(p);
      }
    }
    return Histograms.index(points);
  }

  private static Map<List<Object>, List<Event>> group(Plan plan, List<Event> events) {
    Map<List<Object>, List<Event>> groups = new LinkedHashMap<>();
    for (Event e : events) {
      List<Object> key = new ArrayList<>(plan.breakdowns().size());
      for (Field f : plan.breakdowns()) {
        key.add(Results.breakdownValue(f, EventFields.value(e, f)));
      }
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
    }
    if (groups.isEmpty() && plan.breakdowns().isEmpty()) {
      // SQL's aggregate without GROUP BY answers one row even over no events.
      groups.put(List.of(), List.of());
    }
    return groups;
  }

  static boolean matches(BoundFilter filter, Event e) {
    return switch (filter) {
      case BoundAnd and -> and.filters().stream().allMatch(f -> matches(f, e));
      case BoundOr or -> or.filters().stream().anyMatch(f -> matches(f, e));
      case BoundPredicate p -> matches(p, EventFields.value(e, p.field()));
    };
  }

  static boolean matches(BoundPredicate p, Object v) {
    if (p.op() == Op.EXISTS) {
      return v != null;
    }
    if (p.op() == Op.NOT_EXISTS) {
      return v == null;
    }
    if (v == null) {
      return false;
    }
    Object x = p.values().get(0);
    return switch (p.op()) {
      case EQ -> same(v, x);
      case NE -> !same(v, x);
      case LT -> compare(v, x) < 0;
      case LE -> compare(v, x) <= 0;
      case GT -> compare(v, x) > 0;
      case GE -> compare(v, x) >= 0;
      case IN -> p.values().stream().anyMatch(y -> same(v, y));
      case NOT_IN -> p.values().stream().noneMatch(y -> same(v, y));
      case CONTAINS -> ((String) v).contains((String) x);
      case STARTS_WITH -> ((String) v).startsWith((String) x);
      case EXISTS, NOT_EXISTS -> throw new AssertionError();
    };
  }

  private static boolean same(Object v, Object x) {
    if (v instanceof Number a && x instanceof Number b) {
      return a.doubleValue() == b.doubleValue();
    }
    return v.equals(x);
  }

  private static int compare(Object v, Object x) {
    return Double.compare(((Number) v).doubleValue(), ((Number) x).doubleValue());
  }

  /** One calculation over a group's events. */
  static Object calculate(BoundCalculation c, List<Event> events, double seconds) {
    Aggregate a = c.aggregate();
    if (a == Aggregate.COUNT) {
      return (long) events.size();
    }
    if (a == Aggregate.RATE) {
      return events.size() / seconds;
    }
    if (a == Aggregate.COUNT_DISTINCT) {
      Set<Object> distinct = new HashSet<>();
      for (Event e : events) {
        Object v = EventFields.value(e, c.field());
        if (v != null) {
          distinct.add(v);
        }
      }
      return (long) distinct.size();
    }
    double[] values = numbers(c.field(), events);
    if (values.length == 0) {
      return null;
    }
    boolean time = c.field().type() == FieldType.TIMESTAMP;
    return switch (a) {
      case SUM -> Arrays.stream(values).sum();
      case AVG -> Arrays.stream(values).sum() / values.length;
      case MIN ->
          time
              ? (Object) (long) Arrays.stream(values).min().orElseThrow()
              : Arrays.stream(values).min().orElseThrow();
      case MAX ->
          time
              ? (Object) (long) Arrays.stream(values).max().orElseThrow()
              : Arrays.stream(values).max().orElseThrow();
      default -> quantile(values, a.quantile());
    };
  }

  private static double[] numbers(Field f, List<Event> events) {
    double[] out = new double[events.size()];
    int n = 0;
    for (Event e : events) {
      Object v = EventFields.value(e, f);
      if (v != null) {
        out[n++] = ((Number) v).doubleValue();
      }
    }
    return Arrays.copyOf(out, n);
  }

  /** The q-quantile with linear interpolation between closest ranks (DuckDB's quantile_cont). */
  static double quantile(double[] values, double q) {
    double[] v = values.clone();
    Arrays.sort(v);
    double pos = q * (v.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    return v[lo] + (v[hi] - v[lo]) * (pos - lo);
  }

  private Result.Series series(
      Plan plan,
      List<Event> matching,
      List<List<Object>> rows,
      Map<List<Object>, Map<String, List<HistogramPoint>>> histograms) {
    long from = plan.question().range().fromUnixNano();
    long step = plan.stepNanos();
    int buckets = plan.buckets();
    Set<List<Object>> top = Results.seriesGroups(plan, rows);
    Map<List<Object>, Map<Integer, List<Event>>> cells = new LinkedHashMap<>();
    for (List<Object> key : top) {
      cells.put(key, new TreeMap<>());
    }
    for (Event e : matching) {
      List<Object> key = new ArrayList<>();
      for (Field f : plan.breakdowns()) {
        key.add(Results.breakdownValue(f, EventFields.value(e, f)));
      }
      Map<Integer, List<Event>> byBucket = cells.get(key);
      if (byBucket != null) {
        int b = (int) ((e.timeUnixNano() - from) / step);
        byBucket.computeIfAbsent(b, x -> new ArrayList<>()).add(e);
      }
    }
    List<Result.SeriesGroup> groups = new ArrayList<>();
    for (Map.Entry<List<Object>, Map<Integer, List<Event>>> g : cells.entrySet()) {
      Map<String, List<Number>> values = new LinkedHashMap<>();
      for (BoundCalculation c : plan.calculations()) {
        if (c.histogram()) {
          values.put(
              c.label(),
              Arrays.asList(
                  Histograms.series(plan, histograms.get(g.getKey()), c.aggregate().quantile())));
          continue;
        }
        Number[] out = Results.emptyBuckets(c, buckets);
        for (Map.Entry<Integer, List<Event>> b : g.getValue().entrySet()) {
          out[b.getKey()] = (Number) calculate(c, b.getValue(), step / 1e9);
        }
        values.put(c.label(), Arrays.asList(out));
      }
      groups.add(new Result.SeriesGroup(g.getKey(), values));
    }
    return new Result.Series(from, step, buckets, groups);
  }

  private static Result.Heatmap heatmap(Plan plan, BoundCalculation h, List<Event> matching) {
    long from = plan.question().range().fromUnixNano();
    long step = plan.stepNanos();
    Map<List<Integer>, Long> counts = new HashMap<>();
    for (Event e : matching) {
      Object v = EventFields.value(e, h.field());
      if (v == null) {
        continue;
      }
      int t = (int) ((e.timeUnixNano() - from) / step);
      Integer bucket = Results.valueBucket(((Number) v).doubleValue());
      counts.merge(Arrays.asList(t, bucket), 1L, Long::sum);
    }
    return Results.heatmap(h, from, step, counts);
  }

  @Override
  public List<HopQuery.Hop> hops(HopQuery query) throws StoreException {
    Question q =
        Question.over(query.range())
            .where(query.where())
            .by(query.breakdowns().toArray(String[]::new))
            .build();
    Plan plan = Plan.of(q, catalog());
    Map<List<Object>, String> callees = new HashMap<>();
    for (Event c : events(query.childRange())) {
      if (c.kind() == EventKind.SPAN
          && c.parentSpanId() != null
          && (c.spanKind() == SpanKind.SERVER || c.spanKind() == SpanKind.CONSUMER)) {
        callees.merge(
            List.of(c.traceId(), c.parentSpanId()),
            c.serviceName(),
            (a, b) -> a.compareTo(b) <= 0 ? a : b);
      }
    }
    int nb = plan.breakdowns().size();
    Map<List<Object>, List<Event>> groups = new LinkedHashMap<>();
    for (Event e : events(query.range())) {
      if (e.kind() != EventKind.SPAN || (plan.where() != null && !matches(plan.where(), e))) {
        continue;
      }
      List<Object> key = new ArrayList<>(nb + 1);
      for (Field f : plan.breakdowns()) {
        key.add(Results.breakdownValue(f, EventFields.value(e, f)));
      }
      String callee = callees.get(List.of(e.traceId(), e.spanId()));
      key.add(callee == null || callee.equals(e.serviceName()) ? null : callee);
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
    }
    List<List<Object>> rows = new ArrayList<>();
    groups.forEach(
        (key, list) -> {
          double[] durations = list.stream().mapToDouble(Event::durationNanos).toArray();
          List<Object> row = new ArrayList<>(key);
          row.add((long) list.size());
          row.add(list.stream().filter(Event::isError).count());
          row.add(quantile(durations, 0.5));
          row.add(quantile(durations, 0.99));
          rows.add(row);
        });
    Comparator<List<Object>> order = Results.byColumn(nb + 1, true);
    for (int i = 0; i <= nb; i++) {
      order = order.thenComparing(Results.byColumn(i, false));
    }
    rows.sort(order);
    List<HopQuery.Hop> out = new ArrayList<>();
    for (List<Object> r : rows.subList(0, Math.min(rows.size(), query.limit()))) {
      out.add(
          new HopQuery.Hop(
              r.subList(0, nb),
              (String) r.get(nb),
              (Long) r.get(nb + 1),
              (Long) r.get(nb + 2),
              (Double) r.get(nb + 3),
              (Double) r.get(nb + 4)));
    }
    return out;
  }

  @Override
  public List<TraceSummary> traces(TraceQuery query) throws StoreException {
    Plan plan = Plan.of(Question.over(query.range()).where(query.where()).build(), catalog());
    List<Event> events = events(query.range());
    Map<String, Long> latest = new HashMap<>();
    for (Event e : events) {
      if (e.traceId() != null && (plan.where() == null || matches(plan.where(), e))) {
        latest.merge(e.traceId().toHex(), e.timeUnixNano(), Math::max);
      }
    }
    List<String> ids = new ArrayList<>(latest.keySet());
    ids.sort(
        Comparator.comparing((String id) -> -latest.get(id))
            .thenComparing(Comparator.naturalOrder()));
    ids = ids.subList(0, Math.min(ids.size(), query.limit()));
    Map<String, List<Event>> byTrace = new LinkedHashMap<>();
    for (String id : ids) {
      byTrace.put(id, new ArrayList<>());
    }
    for (Event e : events) {
      if (e.traceId() != null) {
        List<Event> list = byTrace.get(e.traceId().toHex());
        if (list != null) {
          list.add(e);
        }
      }
    }
    List<TraceSummary> out = new ArrayList<>();
    byTrace.forEach(
        (id, list) -> out.add(TraceRow.summarize(id, list.stream().map(TraceRow::of).toList())));
    return out;
  }

  @Override
  public ColumnInfo.Columns columns(TimeRange range) throws StoreException {
    List<Field> fields = List.copyOf(catalog().fields());
    List<Event> events = events(range);
    long k = EventSample.describeThreshold(events.size());
    List<Object[]> rows = new ArrayList<>();
    for (Event e : events) {
      if (Math.floorMod(e.timeUnixNano(), EventSample.SAMPLE_MODULUS) < k) {
        rows.add(EventSample.row(fields, e));
      }
    }
    return Results.describe(fields, rows, events.size());
  }

  @Override
  public Comparison compare(CompareQuery query) throws StoreException {
    Catalog catalog = catalog();
    Plan base = Plan.of(Question.over(query.range()).where(query.where()).build(), catalog);
    Plan sel =
        Plan.of(Question.over(query.range()).where(query.selectionFilter()).build(), catalog);
    List<Field> fields = Results.comparedFields(catalog, query.selectionFilter());
    List<Object[]> rows = new ArrayList<>();
    List<Boolean> flags = new ArrayList<>();
    long nS = 0;
    long nB = 0;
    List<Event> selection = new ArrayList<>();
    List<Event> baseline = new ArrayList<>();
    for (Event e : events(query.range())) {
      if (base.where() != null && !matches(base.where(), e)) {
        continue;
      }
      if (matches(sel.where(), e)) {
        nS++;
        selection.add(e);
      } else {
        nB++;
        baseline.add(e);
      }
    }
    for (Event e : EventSample.sample(selection, nS)) {
      rows.add(EventSample.row(fields, e));
      flags.add(true);
    }
    for (Event e : EventSample.sample(baseline, nB)) {
      rows.add(EventSample.row(fields, e));
      flags.add(false);
    }
    boolean[] in = new boolean[flags.size()];
    for (int i = 0; i < in.length; i++) {
      in[i] = flags.get(i);
    }
    return BubbleUp.compute(fields, rows, in, nS, nB);
  }
}
