package io.sextant.topology;

import io.sextant.query.Aggregate;
import io.sextant.query.Calculation;
import io.sextant.query.Catalog;
import io.sextant.query.Engine;
import io.sextant.query.Filter;
import io.sextant.query.HopQuery;
import io.sextant.query.Op;
import io.sextant.query.Question;
import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.TimeRange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Computes the map of a window from the stored spans, with a handful of questions to the query
 * engine (docs/adr/0009-dependency-map.md): the services, their server-side RED, the calls between
 * services (a join of client spans to their server children), the calls to components, and the
 * consumers of each queue. Nothing is precomputed, so any window of stored spans has a map.
 */
public final class MapBuilder {
  static final String SERVICE = "service.name";
  static final String DB_SYSTEM = "db.system";
  static final String DB_SYSTEM_NAME = "db.system.name";
  static final String DB_NAMESPACE = "db.namespace";
  static final String DB_NAME = "db.name";
  static final String ADDRESS = "server.address";
  static final String PORT = "server.port";
  static final String PEER = "peer.service";
  static final String MSG_SYSTEM = "messaging.system";
  static final String DESTINATION = "messaging.destination.name";

  /** What identifies a component on a caller's span, in the order of the hop breakdowns. */
  private static final List<String> IDENTITY =
      List.of(
          SERVICE,
          DB_SYSTEM,
          DB_SYSTEM_NAME,
          DB_NAMESPACE,
          DB_NAME,
          ADDRESS,
          PORT,
          PEER,
          MSG_SYSTEM,
          DESTINATION);

  private final Engine engine;

  public MapBuilder(Engine engine) {
    this.engine = engine;
  }

  public DependencyMap build(TimeRange range) throws StoreException {
    long started = System.nanoTime();
    Catalog catalog = engine.catalog();
    double seconds = Math.max(1e-9, (range.toUnixNano() - range.fromUnixNano()) / 1e9);
    Window w = new Window(range, seconds, catalog);

    // Every service that emitted a span, with the RED of its server and consumer spans.
    Filter spans = Filter.Predicate.of("kind", Op.EQ, "span");
    for (List<Object> row : w.rows(spans, List.of(SERVICE), false)) {
      w.service((String) row.get(0), Red.NONE);
    }
    Filter served =
        Filter.and(spans, Filter.Predicate.of("span.kind", Op.IN, "server", "consumer"));
    w.grouped(served, List.of(SERVICE)).forEach((k, red) -> w.service((String) k.get(0), red));

    // Service to service: client and producer spans joined to their server/consumer children.
    Filter calls = Filter.Predicate.of("span.kind", Op.IN, "client", "producer");
    Filter direct =
        catalog.contains(DESTINATION)
            ? Filter.and(calls, Filter.Predicate.of(DESTINATION, Op.NOT_EXISTS))
            : calls;
    for (HopQuery.Hop h : engine.hops(new HopQuery(range, direct, List.of(SERVICE), 0))) {
      if (h.callee() != null) {
        w.edge((String) h.key().get(0), h.callee(), w.red(h));
      }
    }

    // Calls to what has no span of its own; an address that answered as a service elsewhere in
    // the window is that service (a call to it that failed to connect has no server span).
    List<String> identity = IDENTITY.stream().filter(catalog::contains).toList();
    List<HopQuery.Hop> hops = engine.hops(new HopQuery(range, calls, identity, 0));
    Map<String, String> addressOf = addresses(identity, hops);
    for (HopQuery.Hop h : hops) {
      Map<String, String> a = attributes(identity, h.key());
      String caller = a.remove(SERVICE);
      if (a.containsKey(DESTINATION)) {
        w.queue(a);
        w.edge(caller, queueId(a), w.red(h));
      } else if (h.callee() == null) {
        String to = w.component(a, addressOf);
        if (to != null) {
          w.edge(caller, to, w.red(h));
        }
      }
    }

    // Queue to consumer, measured on the consumer spans.
    if (catalog.contains(DESTINATION)) {
      List<String> by =
          List.of(SERVICE, DESTINATION, MSG_SYSTEM).stream().filter(catalog::contains).toList();
      Filter consumed =
          Filter.and(
              spans,
              Filter.Predicate.of("span.kind", Op.EQ, "consumer"),
              Filter.Predicate.of(DESTINATION, Op.EXISTS));
      w.grouped(consumed, by)
          .forEach(
              (k, red) -> {
                Map<String, String> a = attributes(by, k);
                String consumer = a.remove(SERVICE);
                w.queue(a);
                w.edge(queueId(a), consumer, red);
              });
    }
    return w.finish((System.nanoTime() - started) / 1_000_000);
  }

  /** {@code address:port} → the service that answered there, when exactly one did. */
  private static Map<String, String> addresses(List<String> identity, List<HopQuery.Hop> hops) {
    Map<String, String> out = new HashMap<>();
    Set<String> ambiguous = new HashSet<>();
    for (HopQuery.Hop h : hops) {
      Map<String, String> a = attributes(identity, h.key());
      if (h.callee() == null || a.get(ADDRESS) == null) {
        continue;
      }
      String key = address(a);
      String prior = out.putIfAbsent(key, h.callee());
      if (prior != null && !prior.equals(h.callee())) {
        ambiguous.add(key);
      }
    }
    ambiguous.forEach(out::remove);
    return out;
  }

  private static String address(Map<String, String> a) {
    return ComponentIds.address(a);
  }

  private static Map<String, String> attributes(List<String> names, List<Object> values) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      Object v = values.get(i);
      if (v != null) {
        out.put(names.get(i), v.toString());
      }
    }
    return out;
  }

  static String queueId(Map<String, String> a) {
    return ComponentIds.queue(a.get(DESTINATION), a.get(MSG_SYSTEM));
  }

  /** The map being assembled for one window. */
  private final class Window {
    final TimeRange range;
    final double seconds;
    final Catalog catalog;
    final Map<String, Node> nodes = new TreeMap<>();
    final Map<List<String>, Red> edges =
        new TreeMap<>(
            Comparator.comparing((List<String> k) -> k.get(0)).thenComparing(k -> k.get(1)));

    Window(TimeRange range, double seconds, Catalog catalog) {
      this.range = range;
      this.seconds = seconds;
      this.catalog = catalog;
    }

    void service(String name, Red red) {
      nodes.merge(
          name,
          new Node(ComponentId.service(name), true, Map.of(), red),
          (old, neu) -> new Node(ComponentId.service(name), true, Map.of(), neu.red()));
    }

    void queue(Map<String, String> a) {
      Map<String, String> attrs = new TreeMap<>();
      for (String k : List.of(MSG_SYSTEM, DESTINATION)) {
        if (a.get(k) != null) {
          attrs.put(k, a.get(k));
        }
      }
      ComponentId queue = ComponentId.queue(a.get(DESTINATION), a.get(MSG_SYSTEM));
      nodes.putIfAbsent(queue.display(), new Node(queue, false, attrs, Red.NONE));
    }

    /** The id of the component a callee-less call went to (adding its node), or null. */
    String component(Map<String, String> a, Map<String, String> addressOf) {
      ComponentIds.Callee c = ComponentIds.callee(a, addressOf);
      if (c == null) {
        return null;
      }
      if (c.kind() != NodeKind.SERVICE
          || a.get(PEER) != null) { // a service found by address is already a node
        nodes.putIfAbsent(c.id(), new Node(c.component(), false, new TreeMap<>(a), Red.NONE));
      }
      return c.id();
    }

    void edge(String from, String to, Red red) {
      nodes.putIfAbsent(from, new Node(ComponentId.service(from), false, Map.of(), Red.NONE));
      edges.merge(List.of(from, to), red, Red::merge);
    }

    Red red(HopQuery.Hop h) {
      return new Red(h.calls(), h.calls() / seconds, h.errors(), h.p50(), h.p99());
    }

    /** The rows of a question over the window, as many as a question may answer. */
    List<List<Object>> rows(Filter where, List<String> by, boolean red) throws StoreException {
      Question.Builder q =
          Question.over(range).where(where).by(by.toArray(String[]::new)).limit(Question.MAX_LIMIT);
      if (red) {
        q.calculate(
            Calculation.count(),
            Calculation.of(Aggregate.P50, "duration"),
            Calculation.of(Aggregate.P99, "duration"));
      }
      return engine.run(q.build()).rows();
    }

    /** RED per group of the spans matching {@code where}. */
    Map<List<Object>, Red> grouped(Filter where, List<String> by) throws StoreException {
      int n = by.size();
      Map<List<Object>, Long> errors = new HashMap<>();
      Filter failed = Filter.and(where, Filter.Predicate.of("error", Op.EQ, true));
      for (List<Object> row : rows(failed, by, false)) {
        errors.put(row.subList(0, n), (Long) row.get(n));
      }
      Map<List<Object>, Red> out = new LinkedHashMap<>();
      for (List<Object> row : rows(where, by, true)) {
        List<Object> key = row.subList(0, n);
        long calls = (Long) row.get(n);
        out.put(
            key,
            new Red(
                calls,
                calls / seconds,
                errors.getOrDefault(key, 0L),
                number(row.get(n + 1)),
                number(row.get(n + 2))));
      }
      return out;
    }

    DependencyMap finish(long millis) {
      // A node that emits no spans is measured by the calls into it.
      Map<String, Red> incoming = new HashMap<>();
      edges.forEach((k, red) -> incoming.merge(k.get(1), red, Red::merge));
      List<Node> out = new ArrayList<>();
      for (Node n : nodes.values()) {
        boolean measured = n.instrumented() && n.kind() == NodeKind.SERVICE;
        out.add(
            measured
                ? n
                : new Node(
                    n.component(),
                    n.instrumented(),
                    n.attributes(),
                    incoming.getOrDefault(n.id(), Red.NONE)));
      }
      List<Edge> edgeList = new ArrayList<>();
      edges.forEach((k, red) -> edgeList.add(new Edge(k.get(0), k.get(1), red)));
      return new DependencyMap(range, out, edgeList, millis);
    }
  }

  private static double number(Object v) {
    return v == null ? 0 : ((Number) v).doubleValue();
  }
}
