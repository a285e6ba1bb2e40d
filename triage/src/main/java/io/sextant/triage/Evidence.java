package io.sextant.triage;

import io.sextant.model.TraceId;
import io.sextant.query.Aggregate;
import io.sextant.query.Calculation;
import io.sextant.query.Engine;
import io.sextant.query.Filter;
import io.sextant.query.Op;
import io.sextant.query.Order;
import io.sextant.query.Question;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.TimeRange;
import io.sextant.topology.Change;
import io.sextant.topology.ComponentIds;
import io.sextant.triage.rank.Execution;
import io.sextant.triage.trace.KnownCalls;
import io.sextant.triage.trace.TraceAnalysis;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Gathers the evidence beyond the probes from what Sextant stores: production traces of the last
 * minute (touch sets and failures, for Ochiai; the failing ones' deepest errors), and the priors
 * from health checks and change events.
 */
final class Evidence {
  /** A stable sample of production traces: those whose id starts with one of these digits. */
  private static final List<String> SAMPLE = List.of("0", "1", "2", "3", "4", "5", "6", "7");

  static final String REQUEST_TYPE = "request_type";

  private final Engine engine;
  private final EventStore store;

  Evidence(Engine engine, EventStore store) {
    this.engine = engine;
    this.store = store;
  }

  /** Production traces in {@code range}: one execution per sampled trace. */
  List<Execution> production(TimeRange range, Map<String, String> addressOf, Set<String> exclude)
      throws StoreException {
    Map<String, Set<String>> touched = touchSets(range, addressOf, exclude);
    Filter spans = Filter.and(production(exclude), sample());
    Set<String> failed = new HashSet<>(failedTraces(range, spans, Question.MAX_LIMIT));
    List<Execution> out = new ArrayList<>();
    touched.forEach((id, comps) -> out.add(new Execution(comps, failed.contains(id))));
    return out;
  }

  /**
   * The footprint of each entry operation ({@code service span-name} of the root span) seen in
   * production in {@code range}: component → share of its sampled traces that touched it.
   */
  Map<String, Map<String, Double>> entryFootprints(
      TimeRange range, Map<String, String> addressOf, Set<String> exclude) throws StoreException {
    Map<String, Set<String>> touched = touchSets(range, addressOf, exclude);
    Filter roots =
        Filter.and(
            production(exclude), sample(), Filter.Predicate.of("parent_span_id", Op.NOT_EXISTS));
    Map<String, Map<String, Double>> counts = new TreeMap<>();
    Map<String, Integer> traces = new HashMap<>();
    for (List<Object> row : rows(range, roots, List.of("trace_id", "service.name", "name"))) {
      Set<String> t = touched.get((String) row.get(0));
      if (t == null) {
        continue;
      }
      String op = row.get(1) + " " + row.get(2);
      traces.merge(op, 1, Integer::sum);
      Map<String, Double> f = counts.computeIfAbsent(op, k -> new TreeMap<>());
      t.forEach(c -> f.merge(c, 1.0, Double::sum));
    }
    counts.forEach((op, f) -> f.replaceAll((c, n) -> n / traces.get(op)));
    return counts;
  }

  private static Filter sample() {
    return Filter.or(
        SAMPLE.stream()
            .map(d -> (Filter) Filter.Predicate.of("trace_id", Op.STARTS_WITH, d))
            .toArray(Filter[]::new));
  }

  private Map<String, Set<String>> touchSets(
      TimeRange range, Map<String, String> addressOf, Set<String> exclude) throws StoreException {
    var catalog = engine.catalog();
    Filter spans = Filter.and(production(exclude), sample());
    Map<String, Set<String>> touched = new HashMap<>();
    List<String> by = new ArrayList<>(List.of("trace_id", "service.name"));
    if (catalog.contains("host.name")) {
      by.add("host.name");
    }
    for (List<Object> row : rows(range, spans, by)) {
      Set<String> t = touched.computeIfAbsent((String) row.get(0), k -> new TreeSet<>());
      t.add((String) row.get(1));
      if (by.size() > 2 && row.get(2) != null) {
        t.add(ComponentIds.host((String) row.get(2)));
      }
    }
    List<String> identity = calleeIdentity();
    List<String> callee = new ArrayList<>(List.of("trace_id"));
    callee.addAll(identity);
    Filter calls = calls(spans);
    if (calls != null) {
      for (List<Object> row : rows(range, calls, callee)) {
        Set<String> t = touched.get((String) row.get(0));
        ComponentIds.Callee c = callee(identity, row, 1, addressOf);
        if (t != null && c != null) {
          t.add(c.id());
        }
      }
    }
    return touched;
  }

  /**
   * The 95th percentile duration, in milliseconds, of the calls to each database, cache and queue
   * in {@code range}: production's and tracer bullets' alike (a probe's query is as slow as a
   * customer's).
   */
  Map<String, Double> callMillis(
      TimeRange range, Map<String, String> addressOf, Set<String> exclude) throws StoreException {
    Map<String, Double> out = new HashMap<>();
    Filter calls =
        calls(
            Filter.and(
                Filter.Predicate.of("kind", Op.EQ, "span"),
                Filter.Predicate.of("service.name", Op.NOT_IN, exclude.toArray())));
    if (calls == null) {
      return out;
    }
    List<String> identity = calleeIdentity();
    var answer =
        engine.run(
            Question.over(range)
                .where(calls)
                .by(identity.toArray(String[]::new))
                .calculate(Calculation.of(Aggregate.P95, "duration"))
                .limit(Question.MAX_LIMIT)
                .build());
    for (List<Object> row : answer.rows()) {
      ComponentIds.Callee c = callee(identity, row, 0, addressOf);
      Object p95 = row.get(identity.size());
      if (c != null && p95 instanceof Number n) {
        out.merge(c.id(), n.doubleValue() / 1e6, Math::max);
      }
    }
    return out;
  }

  /** Metrics of a process's CPU use, as a share of all its cores (OpenTelemetry conventions). */
  static final List<String> CPU_METRICS =
      List.of("jvm.cpu.recent_utilization", "process.cpu.utilization");

  /** Each service's cores (from {@code jvm.cpu.count}) and the cores it usually uses. */
  record CpuUsual(Map<String, Double> cores, Map<String, Double> usual) {
    static final CpuUsual NONE = new CpuUsual(Map.of(), Map.of());
  }

  private static final long SECOND = 1_000_000_000L;

  /**
   * What each service's CPU usually is, in cores: the median of its CPU utilization metric ({@link
   * #CPU_METRICS}) from 10 minutes to 30 s before {@code now} (with at least 3 points), times its
   * core count ({@code jvm.cpu.count}, else 1). Read once a triage: it does not move in seconds.
   */
  CpuUsual cpuUsual(long now) throws StoreException {
    if (!hasMetricValues()) {
      return CpuUsual.NONE;
    }
    Map<String, Double> cores = new HashMap<>();
    perService(
            new TimeRange(now - 600 * SECOND, now),
            Filter.and(METRIC, Filter.Predicate.of("metric.name", Op.EQ, "jvm.cpu.count")),
            Calculation.of(Aggregate.MAX, "value"))
        .forEach(
            (svc, r) -> {
              if (r.get(0) instanceof Number n && n.doubleValue() >= 1) {
                cores.put(svc, n.doubleValue());
              }
            });
    Map<String, Double> usual = new HashMap<>();
    perService(
            new TimeRange(now - 600 * SECOND, now - 30 * SECOND),
            CPU_UTILIZATION,
            Calculation.of(Aggregate.P50, "value"),
            Calculation.count())
        .forEach(
            (svc, r) -> {
              if (r.get(0) instanceof Number n
                  && r.get(1) instanceof Number count
                  && count.longValue() >= 3) {
                usual.put(svc, n.doubleValue() * cores.getOrDefault(svc, 1.0));
              }
            });
    return new CpuUsual(Map.copyOf(cores), usual);
  }

  /**
   * Each service's CPU now, in cores: the mean of its utilization over the last 6 s (a burn that
   * lasts, not the tail of one that ended) times its {@code cores} (else 1). Read at each answer.
   */
  Map<String, Double> cpuNow(long now, Map<String, Double> cores) throws StoreException {
    if (!hasMetricValues()) {
      return Map.of();
    }
    Map<String, Double> recent = new HashMap<>();
    perService(
            new TimeRange(now - 6 * SECOND, now),
            CPU_UTILIZATION,
            Calculation.of(Aggregate.AVG, "value"))
        .forEach(
            (svc, r) -> {
              if (r.get(0) instanceof Number n) {
                recent.put(svc, n.doubleValue() * cores.getOrDefault(svc, 1.0));
              }
            });
    return recent;
  }

  private static final Filter METRIC = Filter.Predicate.of("kind", Op.EQ, "metric");

  private static final Filter CPU_UTILIZATION =
      Filter.and(METRIC, Filter.Predicate.of("metric.name", Op.IN, CPU_METRICS.toArray()));

  private boolean hasMetricValues() throws StoreException {
    var catalog = engine.catalog();
    return catalog.contains("metric.name") && catalog.contains("value");
  }

  /** Service name → its row of {@code calculations} over the events of {@code where}. */
  private Map<String, List<Object>> perService(
      TimeRange range, Filter where, Calculation... calculations) throws StoreException {
    Map<String, List<Object>> out = new HashMap<>();
    for (List<Object> r :
        engine
            .run(
                Question.over(range)
                    .where(where)
                    .by("service.name")
                    .calculate(calculations)
                    .limit(Question.MAX_LIMIT)
                    .build())
            .rows()) {
      if (r.get(0) != null) {
        out.put(r.get(0).toString(), r.subList(1, r.size()));
      }
    }
    return out;
  }

  /** The columns that name what a client span called, those the store has. */
  private List<String> calleeIdentity() throws StoreException {
    var catalog = engine.catalog();
    return List.of(
            ComponentIds.DB_SYSTEM,
            ComponentIds.DB_SYSTEM_NAME,
            ComponentIds.DB_NAMESPACE,
            ComponentIds.DB_NAME,
            ComponentIds.ADDRESS,
            ComponentIds.PORT,
            ComponentIds.PEER,
            ComponentIds.MSG_SYSTEM,
            ComponentIds.DESTINATION)
        .stream()
        .filter(catalog::contains)
        .toList();
  }

  /** Client and producer spans of {@code spans} that reach a database, cache or queue. */
  private Filter calls(Filter spans) throws StoreException {
    var catalog = engine.catalog();
    List<Filter> reaches = new ArrayList<>();
    for (String k :
        List.of(ComponentIds.DB_SYSTEM, ComponentIds.DB_SYSTEM_NAME, ComponentIds.DESTINATION)) {
      if (catalog.contains(k)) {
        reaches.add(Filter.Predicate.of(k, Op.EXISTS));
      }
    }
    if (reaches.isEmpty()) {
      return null;
    }
    return Filter.and(
        spans,
        Filter.Predicate.of("span.kind", Op.IN, "client", "producer"),
        Filter.or(reaches.toArray(Filter[]::new)));
  }

  private static ComponentIds.Callee callee(
      List<String> identity, List<Object> row, int from, Map<String, String> addressOf) {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i < identity.size(); i++) {
      if (row.get(from + i) != null) {
        a.put(identity.get(i), row.get(from + i).toString());
      }
    }
    return ComponentIds.callee(a, addressOf);
  }

  /**
   * Versions running now (the last 20 s) that were not running a few minutes before (5 min to 30 s
   * ago): deploys the change log does not report because the version was seen earlier (a rollback,
   * or the same build deployed again). Services already in {@code known} are skipped.
   */
  List<Change> redeploys(long now, List<Change> known) throws StoreException {
    String version = "service.version";
    if (!engine.catalog().contains(version)) {
      return List.of();
    }
    Set<String> reported = new HashSet<>();
    for (Change c : known) {
      if (c.attribute().equals(version)) {
        reported.add(c.service());
      }
    }
    Filter spans = Filter.Predicate.of("kind", Op.EQ, "span");
    Map<String, Set<String>> before = new HashMap<>();
    for (List<Object> r :
        rows(
            new TimeRange(now - 300_000_000_000L, now - 30_000_000_000L),
            spans,
            List.of("service.name", version))) {
      if (r.get(1) != null) {
        before.computeIfAbsent((String) r.get(0), k -> new HashSet<>()).add(r.get(1).toString());
      }
    }
    List<Change> out = new ArrayList<>();
    for (List<Object> r :
        rows(new TimeRange(now - 20_000_000_000L, now), spans, List.of("service.name", version))) {
      String service = (String) r.get(0);
      Set<String> earlier = before.get(service);
      if (r.get(1) == null || earlier == null || reported.contains(service)) {
        continue;
      }
      String v = r.get(1).toString();
      if (!earlier.contains(v)) {
        out.add(new Change(now, service, version, v, String.join(" or ", new TreeSet<>(earlier))));
        reported.add(service);
      }
    }
    return out;
  }

  /** Up to {@code n} production traces with errors in {@code range}, analysed. */
  List<TraceAnalysis> failingProduction(
      TimeRange range, int n, KnownCalls known, Set<String> exclude) throws StoreException {
    Filter spans = production(exclude);
    List<TraceAnalysis> out = new ArrayList<>();
    for (String id : failedTraces(range, spans, n)) {
      out.add(TraceAnalysis.of(store.trace(TraceId.fromHex(id)), known));
    }
    return out;
  }

  /**
   * Spans of production requests: not tracer bullets (probes, testers), not from {@code exclude}.
   */
  private Filter production(Set<String> exclude) throws StoreException {
    Filter spans =
        Filter.and(
            Filter.Predicate.of("kind", Op.EQ, "span"),
            Filter.Predicate.of("service.name", Op.NOT_IN, exclude.toArray()));
    if (!engine.catalog().contains(REQUEST_TYPE)) {
      return spans;
    }
    return Filter.and(
        spans,
        Filter.or(
            Filter.Predicate.of(REQUEST_TYPE, Op.NOT_EXISTS),
            Filter.Predicate.of(REQUEST_TYPE, Op.NE, "TRACE")));
  }

  /**
   * The ids of up to {@code limit} traces with an error in {@code range}, the latest first: when
   * the window still holds an earlier incident's errors, the current one's come first.
   */
  private List<String> failedTraces(TimeRange range, Filter spans, int limit)
      throws StoreException {
    List<String> out = new ArrayList<>();
    Filter errors = Filter.and(spans, Filter.Predicate.of("error", Op.EQ, true));
    Calculation latest = Calculation.of(Aggregate.MAX, "time");
    var answer =
        engine.run(
            Question.over(range)
                .where(errors)
                .by("trace_id")
                .calculate(latest)
                .orderBy(Order.desc(latest.label()))
                .limit(Math.min(limit, Question.MAX_LIMIT))
                .build());
    for (List<Object> row : answer.rows()) {
      out.add((String) row.get(0));
    }
    return out;
  }

  private List<List<Object>> rows(TimeRange range, Filter where, List<String> by)
      throws StoreException {
    return rows(range, where, by, Question.MAX_LIMIT);
  }

  private List<List<Object>> rows(TimeRange range, Filter where, List<String> by, int limit)
      throws StoreException {
    return engine
        .run(
            Question.over(range)
                .where(where)
                .by(by.toArray(String[]::new))
                .limit(Math.min(limit, Question.MAX_LIMIT))
                .build())
        .rows();
  }
}
