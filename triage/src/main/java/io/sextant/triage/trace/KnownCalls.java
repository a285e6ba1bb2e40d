package io.sextant.triage.trace;

import io.sextant.model.Event;
import io.sextant.model.EventKind;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.topology.ComponentIds;
import io.sextant.topology.NodeKind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;

/**
 * What healthy traces taught about calls: the service seen answering at each {@code address:port},
 * the databases, caches and queues each operation ({@code service span-name}) calls directly, and
 * the host each service runs on. A failing trace may lack the call that failed (a JDBC driver makes
 * no span when it cannot get a connection); these let {@link TraceAnalysis} still name what was not
 * reached. Thread-safe.
 */
public final class KnownCalls {
  private static final int KEEP_CALLS = 100;

  private final Map<String, String> addresses = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> dependencies = new ConcurrentHashMap<>();
  private final Map<String, String> hosts = new ConcurrentHashMap<>();
  private final Map<String, Deque<Double>> callMillis = new ConcurrentHashMap<>();
  private final Map<String, Map<String, NodeKind>> datastores = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> calls = new ConcurrentHashMap<>();
  private final Map<String, int[]> served = new ConcurrentHashMap<>();

  public KnownCalls() {}

  /** Only addresses, e.g. learned elsewhere; no operation's dependencies are known. */
  public static KnownCalls ofAddresses(Map<String, String> addresses) {
    KnownCalls k = new KnownCalls();
    k.addresses.putAll(addresses);
    return k;
  }

  /** Learns from the spans of one healthy trace. */
  public void learn(List<Event> events) {
    TraceAnalysis.learnAddresses(events, addresses);
    Map<SpanId, Event> byId = new HashMap<>();
    for (Event e : events) {
      if (e.kind() == EventKind.SPAN) {
        byId.put(e.spanId(), e);
      }
    }
    learnCalls(byId);
    for (Event e : byId.values()) {
      String host = e.resource().attributes().getString("host.name");
      if (host != null) {
        hosts.put(e.serviceName(), ComponentIds.host(host));
      }
      if (e.spanKind() != SpanKind.CLIENT && e.spanKind() != SpanKind.PRODUCER) {
        continue;
      }
      Map<String, String> a = TraceAnalysis.strings(e);
      if (!a.containsKey(ComponentIds.DB_SYSTEM)
          && !a.containsKey(ComponentIds.DB_SYSTEM_NAME)
          && !a.containsKey(ComponentIds.DESTINATION)) {
        continue;
      }
      Event parent = e.parentSpanId() == null ? null : byId.get(e.parentSpanId());
      ComponentIds.Callee c = ComponentIds.callee(a, addresses);
      if (c != null && c.kind() != NodeKind.SERVICE && c.kind() != NodeKind.EXTERNAL) {
        datastores
            .computeIfAbsent(e.serviceName(), k -> new ConcurrentHashMap<>())
            .put(c.id(), c.kind());
      }
      if (c != null) {
        Deque<Double> d = callMillis.computeIfAbsent(c.id(), k -> new LinkedBlockingDeque<>());
        d.addLast(e.durationNanos() / 1e6);
        while (d.size() > KEEP_CALLS) {
          d.pollFirst();
        }
      }
      if (parent != null && c != null && parent.serviceName().equals(e.serviceName())) {
        dependencies
            .computeIfAbsent(operation(parent), k -> ConcurrentHashMap.newKeySet())
            .add(c.id());
      }
    }
  }

  /**
   * Learns what each operation of a service's own (a server or consumer span) calls: the services
   * and datastores reached from it through its own spans, and how often it calls anything.
   */
  private void learnCalls(Map<SpanId, Event> byId) {
    Map<SpanId, List<Event>> children = new HashMap<>();
    for (Event e : byId.values()) {
      if (e.parentSpanId() != null) {
        children.computeIfAbsent(e.parentSpanId(), k -> new ArrayList<>()).add(e);
      }
    }
    for (Event e : byId.values()) {
      if (e.spanKind() != SpanKind.SERVER && e.spanKind() != SpanKind.CONSUMER) {
        continue;
      }
      Set<String> reached = new TreeSet<>();
      Deque<Event> todo = new ArrayDeque<>(children.getOrDefault(e.spanId(), List.of()));
      while (!todo.isEmpty()) {
        Event c = todo.pop();
        if (!c.serviceName().equals(e.serviceName())) {
          continue;
        }
        if (c.spanKind() == SpanKind.CLIENT || c.spanKind() == SpanKind.PRODUCER) {
          Event remote =
              children.getOrDefault(c.spanId(), List.of()).stream()
                  .filter(x -> !x.serviceName().equals(e.serviceName()))
                  .findFirst()
                  .orElse(null);
          if (remote != null && c.spanKind() == SpanKind.CLIENT) {
            reached.add(remote.serviceName());
          } else {
            ComponentIds.Callee callee = ComponentIds.callee(TraceAnalysis.strings(c), addresses);
            if (callee != null) {
              reached.add(callee.id());
            }
          }
        } else if (c.spanKind() == SpanKind.INTERNAL) {
          todo.addAll(children.getOrDefault(c.spanId(), List.of()));
        }
      }
      String op = operation(e);
      int[] n = served.computeIfAbsent(op, k -> new int[2]);
      synchronized (n) {
        n[0]++;
        if (!reached.isEmpty()) {
          n[1]++;
        }
      }
      if (!reached.isEmpty()) {
        calls.computeIfAbsent(op, k -> ConcurrentHashMap.newKeySet()).addAll(reached);
      }
    }
  }

  /**
   * What {@code operation} calls (services, databases, caches, queues) when nearly every healthy
   * run of it (nine in ten, of at least three) calls something; else nothing: an operation that
   * sometimes answers by itself (a cache hit) is not expected to call.
   */
  public Set<String> alwaysCalls(String operation) {
    int[] n = served.get(operation);
    if (n == null) {
      return new TreeSet<>();
    }
    synchronized (n) {
      if (n[0] < 3 || n[1] < 0.9 * n[0]) {
        return new TreeSet<>();
      }
    }
    return new TreeSet<>(calls.getOrDefault(operation, Set.of()));
  }

  /** {@code address:port} → the service answering there. */
  public Map<String, String> addresses() {
    return addresses;
  }

  /**
   * The databases, caches and queues {@code service} was seen calling directly, with their kinds
   * (what its health check's {@code db} or {@code redis} part covers).
   */
  public Map<String, NodeKind> datastores(String service) {
    return new TreeMap<>(datastores.getOrDefault(service, Map.of()));
  }

  /** The databases, caches and queues {@code operation} was seen calling directly. */
  public Set<String> dependencies(String operation) {
    return new TreeSet<>(dependencies.getOrDefault(operation, Set.of()));
  }

  /**
   * The median duration of the recent healthy calls to a database, cache or queue, in milliseconds;
   * NaN when none was seen.
   */
  public double usualCallMillis(String component) {
    Deque<Double> d = callMillis.get(component);
    if (d == null || d.isEmpty()) {
      return Double.NaN;
    }
    double[] sorted = d.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return sorted[sorted.length / 2];
  }

  /**
   * The databases, caches and queues that calls in {@code trace} took far longer to answer than
   * their healthy calls usually do: ten times their median and 50 ms more. A client span is
   * compared with its own baseline, not with the time around it: a pool waiting for connections
   * puts more time in its service's own span than in the slow calls themselves.
   */
  public Set<String> slowCalls(List<Event> trace) {
    Set<String> out = new TreeSet<>();
    for (Event e : trace) {
      if (e.kind() != EventKind.SPAN || e.spanKind() != SpanKind.CLIENT) {
        continue;
      }
      Map<String, String> a = TraceAnalysis.strings(e);
      if (!a.containsKey(ComponentIds.DB_SYSTEM) && !a.containsKey(ComponentIds.DB_SYSTEM_NAME)) {
        continue;
      }
      ComponentIds.Callee c = ComponentIds.callee(a, addresses);
      if (c == null) {
        continue;
      }
      double usual = usualCallMillis(c.id());
      double ms = e.durationNanos() / 1e6;
      if (!Double.isNaN(usual) && ms > SLOW_CALL_TIMES * usual && ms > usual + 50) {
        out.add(c.id());
      }
    }
    return out;
  }

  /** How many times its usual duration a call must take to count as slow. */
  static final double SLOW_CALL_TIMES = 10;

  /** The host ({@code name (host)}) a service was last seen running on, or null. */
  public String host(String service) {
    return hosts.get(service);
  }

  static String operation(Event span) {
    return span.serviceName() + " " + span.name();
  }
}
