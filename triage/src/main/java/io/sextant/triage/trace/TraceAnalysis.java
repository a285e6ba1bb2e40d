package io.sextant.triage.trace;

import io.sextant.model.Event;
import io.sextant.model.EventKind;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.StatusCode;
import io.sextant.topology.ComponentIds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one trace says about components (docs/adr/0011-triage.md): which it touched, which own its
 * deepest errors (triage-methods §5.3), and how much of its critical path each spent (§5.4).
 * Component ids are the map's ({@link ComponentIds}); a host is touched by every span its services
 * emit.
 */
public final class TraceAnalysis {
  private static final long SKEW_NANOS = 1_000_000; // clocks of two services may differ by this

  private final List<SpanNode> roots = new ArrayList<>();
  private final Map<String, Double> selfTime = new LinkedHashMap<>();
  private final Set<String> touched = new LinkedHashSet<>();
  private final List<String> errorOrigins = new ArrayList<>();
  private final List<String> errorDetails = new ArrayList<>();
  private final List<String> errorHosts = new ArrayList<>();
  private final List<Boolean> errorOwn = new ArrayList<>();
  private final List<Boolean> errorInferred = new ArrayList<>();
  private final List<Set<String>> errorPools = new ArrayList<>();
  private final List<Set<String>> errorBehind = new ArrayList<>();
  private boolean failed;
  private long durationNanos;
  private String rootOperation = "";
  private String traceId = "";

  private TraceAnalysis() {}

  /**
   * Analyses the spans of one trace (log records are ignored); {@code addressOf} maps {@code
   * address:port} to the service known to answer there, so a call that never reached its callee
   * still names it.
   */
  public static TraceAnalysis of(List<Event> events, Map<String, String> addressOf) {
    return of(events, KnownCalls.ofAddresses(addressOf));
  }

  /**
   * Analyses the spans of one trace with what healthy traces taught ({@link KnownCalls}): the
   * service at each address, and the databases each operation calls, so an error that says a
   * dependency could not be reached ({@link FailureKind#UNREACHABLE}) blames that dependency even
   * when the failed call left no span.
   */
  public static TraceAnalysis of(List<Event> events, KnownCalls known) {
    Map<String, String> addressOf = known.addresses();
    TraceAnalysis t = new TraceAnalysis();
    Map<SpanId, SpanNode> byId = new HashMap<>();
    for (Event e : events) {
      if (e.kind() == EventKind.SPAN) {
        byId.put(e.spanId(), new SpanNode(e));
        t.traceId = e.traceId().toHex();
      }
    }
    for (SpanNode n : byId.values()) {
      SpanNode parent = n.span.parentSpanId() == null ? null : byId.get(n.span.parentSpanId());
      if (parent == null) {
        t.roots.add(n);
      } else {
        parent.children.add(n);
      }
    }
    t.roots.sort(Comparator.comparingLong(n -> n.span.timeUnixNano()));
    for (SpanNode n : byId.values()) {
      n.component = component(n, addressOf);
      t.touch(n, addressOf);
    }
    for (SpanNode n : byId.values()) {
      blameNamed(n, known, t.roots);
      blameUnreached(n, known);
      blameSilent(n, known);
    }
    if (!t.roots.isEmpty()) {
      SpanNode root = t.roots.get(0);
      t.durationNanos = root.span.durationNanos();
      t.rootOperation = root.span.serviceName() + " " + root.span.name();
      t.failed = root.span.status() == StatusCode.ERROR;
      for (SpanNode r : t.roots) {
        t.criticalPath(r);
      }
    }
    Map<String, String> hostOf = new HashMap<>();
    for (SpanNode n : byId.values()) {
      String host = n.span.resource().attributes().getString("host.name");
      if (host != null) {
        hostOf.put(n.span.serviceName(), ComponentIds.host(host));
      }
    }
    t.errorOrigins(byId.values(), known, hostOf);
    return t;
  }

  /** Adds to {@code into} the services seen answering calls at each {@code address:port}. */
  public static void learnAddresses(List<Event> events, Map<String, String> into) {
    Map<SpanId, Event> byId = new HashMap<>();
    for (Event e : events) {
      if (e.kind() == EventKind.SPAN) {
        byId.put(e.spanId(), e);
      }
    }
    for (Event e : byId.values()) {
      if (e.spanKind() != SpanKind.SERVER || e.parentSpanId() == null) {
        continue;
      }
      Event parent = byId.get(e.parentSpanId());
      if (parent != null
          && parent.spanKind() == SpanKind.CLIENT
          && !parent.serviceName().equals(e.serviceName())) {
        String address = ComponentIds.address(strings(parent));
        if (address != null) {
          into.put(address, e.serviceName());
        }
      }
    }
  }

  /** Every component the trace touched: services, their hosts, and what their calls reached. */
  public Set<String> components() {
    return touched;
  }

  /**
   * The components owning the trace's root error spans (error spans with no error child), one entry
   * per root error span; empty when the trace has no error.
   */
  public List<String> errorOrigins() {
    return errorOrigins;
  }

  /**
   * For each error origin, the host it runs on ({@code name (host)}), from this trace's spans or,
   * for a service that did not answer, where healthy traces saw it; null when not known, and when
   * the call to it timed out (it connected: its host answered).
   */
  public List<String> errorOriginHosts() {
    return errorHosts;
  }

  /**
   * For each error origin, whether the error is the origin's own (its code threw) rather than a
   * call it made that failed or never got an answer, or a pool that ran out.
   */
  public List<Boolean> errorOriginsOwn() {
    return errorOwn;
  }

  /**
   * For each error origin whose own connection pool ran out ({@link FailureKind#EXHAUSTED}), the
   * dependencies that pool serves (learned from healthy traces); empty for any other error. A pool
   * runs out when the service leaks connections, or when its database answers so slowly that every
   * connection is busy: the ranking blames the database when its calls are seen slow, and otherwise
   * leaves the two to the probes.
   */
  public List<Set<String>> errorOriginPools() {
    return errorPools;
  }

  /**
   * For each error origin that is a service its caller waited on in vain (the call timed out, and
   * the service's own side of it is not in the trace: still running, or never ended), the
   * databases, caches and queues that service calls; empty for any other error. Where its time went
   * is unseen: the ranking blames one of these when it is seen slow, or when the service answers
   * its health check and reports it down or hanging.
   */
  public List<Set<String>> errorOriginsBehind() {
    return errorBehind;
  }

  /** For each error origin, a short description: the span and its error. */
  public List<String> errorDetails() {
    return errorDetails;
  }

  /** Milliseconds of the critical path spent in each component's own work. */
  public Map<String, Double> criticalPathMillis() {
    return selfTime;
  }

  /** Whether the root span ended in error. */
  public boolean failed() {
    return failed;
  }

  public boolean hasErrors() {
    return !errorOrigins.isEmpty();
  }

  public long durationNanos() {
    return durationNanos;
  }

  /** The trace's id in hex, or empty for an empty trace. */
  public String traceId() {
    return traceId;
  }

  /**
   * For each error origin, whether it is inferred from a span that left no call at all (its
   * operation usually calls the origin): the time and the error are the origin's, but nothing shows
   * a call to it failed (a breaker open answers the same way).
   */
  public List<Boolean> errorOriginsInferred() {
    return errorInferred;
  }

  /** {@code service name} of the root span. */
  public String rootOperation() {
    return rootOperation;
  }

  private void touch(SpanNode n, Map<String, String> addressOf) {
    Event s = n.span;
    touched.add(s.serviceName());
    String host = s.resource().attributes().getString("host.name");
    if (host != null) {
      touched.add(ComponentIds.host(host));
    }
    if (s.spanKind() == SpanKind.CLIENT
        || s.spanKind() == SpanKind.PRODUCER
        || s.spanKind() == SpanKind.CONSUMER) {
      Map<String, String> a = strings(s);
      boolean messaging = a.containsKey(ComponentIds.DESTINATION);
      boolean database =
          a.containsKey(ComponentIds.DB_SYSTEM) || a.containsKey(ComponentIds.DB_SYSTEM_NAME);
      if (messaging || database || (s.spanKind() == SpanKind.CLIENT && n.remoteChild() == null)) {
        ComponentIds.Callee c = ComponentIds.callee(a, addressOf);
        if (c != null) {
          touched.add(c.id());
        }
      }
    }
  }

  /**
   * The component a span's work belongs to: the callee of a client or producer span that has no
   * server or consumer child in another process (a database, a queue, a service that never
   * answered), else the span's own service.
   */
  private static String component(SpanNode n, Map<String, String> addressOf) {
    Event s = n.span;
    if ((s.spanKind() == SpanKind.CLIENT || s.spanKind() == SpanKind.PRODUCER)
        && n.remoteChild() == null) {
      ComponentIds.Callee c = ComponentIds.callee(strings(s), addressOf);
      if (c != null) {
        return c.id();
      }
    }
    return s.serviceName();
  }

  /**
   * A span of a service's own work that failed because a dependency could not be reached, with no
   * span for the failed call (a JDBC driver makes none when no connection can be had): its error
   * and its time belong to the dependencies its operation calls in healthy traces and did not reach
   * now.
   */
  private static void blameUnreached(SpanNode n, KnownCalls known) {
    if (!n.error()
        || n.children.stream().anyMatch(SpanNode::error)
        || !n.component.equals(n.span.serviceName())
        || n.kind() != FailureKind.UNREACHABLE) {
      return;
    }
    Set<String> missing = known.dependencies(KnownCalls.operation(n.span));
    for (SpanNode c : n.children) {
      missing.remove(c.component);
    }
    if (!missing.isEmpty()) {
      n.unreached = List.copyOf(missing);
      n.component = n.unreached.get(0);
    }
  }

  /**
   * An {@code address:port}, bare or in a URL, as error messages name the callee they failed on.
   */
  private static final Pattern ADDRESS = Pattern.compile("([A-Za-z0-9][A-Za-z0-9.-]*):(\\d{2,5})");

  /**
   * An error of a service's own span, none of whose children failed, whose message names the
   * address of another service ("I/O error on POST request for http://10.0.0.7:8080/…: Read timed
   * out", "Connection refused: /10.0.0.7:8080"): the call that failed left no span of its own (an
   * HTTP client span the instrumentation ends only with an answer), and the error belongs to the
   * service it names.
   */
  private static void blameNamed(SpanNode n, KnownCalls known, List<SpanNode> roots) {
    if (!n.error()
        || n.children.stream().anyMatch(SpanNode::error)
        || !n.unreached.isEmpty()
        || !n.component.equals(n.span.serviceName())) {
      return;
    }
    Matcher m = ADDRESS.matcher(n.messages());
    while (m.find()) {
      String host = m.group(1);
      String service = known.addresses().get(host + ":" + m.group(2));
      if (service == null && host.equals("localhost")) {
        service = known.addresses().get("127.0.0.1:" + m.group(2));
      }
      if (service != null && !service.equals(n.span.serviceName())) {
        // The named service's side of the call, if it answered at last, is in the trace without
        // its caller's span: the time it took went where its own slow calls went.
        String blamed = service;
        for (SpanNode r : roots) {
          if (r != n
              && r.span.serviceName().equals(service)
              && r.span.spanKind() == SpanKind.SERVER
              && r.span.timeUnixNano() >= n.span.timeUnixNano()
              && r.span.timeUnixNano() <= n.end()) {
            blamed = whereTheTimeWent(r, known);
            n.calleeSeen = true;
            break;
          }
        }
        n.unreached = List.of(blamed);
        n.component = blamed;
        return;
      }
    }
  }

  /**
   * A span of a service's own work (server or consumer) with no child at all, though its operation
   * calls something in nearly every healthy trace: its calls left no span (an HTTP client span that
   * the instrumentation ends only with an answer, a call still waiting), so its time and its error
   * belong to what it calls, not to it. Its own exception stays its own.
   */
  private static void blameSilent(SpanNode n, KnownCalls known) {
    if (!n.children.isEmpty()
        || !n.unreached.isEmpty()
        || !n.component.equals(n.span.serviceName())
        || (n.span.spanKind() != SpanKind.SERVER && n.span.spanKind() != SpanKind.CONSUMER)
        || n.threw()) {
      return;
    }
    Set<String> calls = known.alwaysCalls(KnownCalls.operation(n.span));
    calls.remove(n.span.serviceName());
    if (!calls.isEmpty()) {
      n.unreached = List.copyOf(calls);
      n.component = n.unreached.get(0);
      n.inferred = true;
    }
  }

  private void errorOrigins(
      Iterable<SpanNode> spans, KnownCalls known, Map<String, String> hostOf) {
    List<SpanNode> roots = new ArrayList<>();
    List<SpanNode> slowCalls = new ArrayList<>();
    for (SpanNode n : spans) {
      if (!n.error() || n.children.stream().anyMatch(SpanNode::error)) {
        continue;
      }
      SpanNode child = n.remoteChild();
      if (child != null && n.span.spanKind() == SpanKind.CLIENT) {
        slowCalls.add(n); // the callee answered without error: the caller gave up waiting
      } else {
        roots.add(n);
      }
    }
    if (roots.isEmpty()) {
      for (SpanNode n : slowCalls) {
        n.component = whereTheTimeWent(n.remoteChild(), known);
        roots.add(n);
      }
    }
    roots.sort(Comparator.comparingLong(n -> n.span.timeUnixNano()));
    for (SpanNode n : roots) {
      String why = n.message();
      boolean mine = n.unreached.isEmpty() && n.component.equals(n.span.serviceName());
      FailureKind kind = n.kind();
      // A pool that ran out is not surely its owner's fault: a leak and a database so slow that
      // every connection is busy look alike until the slow queries end.
      boolean own = mine && kind == FailureKind.OWN;
      Set<String> pool =
          mine && kind == FailureKind.EXHAUSTED
              ? known.dependencies(KnownCalls.operation(n.span))
              : Set.of();
      boolean timedOut = n.timedOut();
      // The callee's side unseen: the time it took is not in the trace.
      boolean waited = timedOut && !mine && !n.inferred && !n.calleeSeen && n.remoteChild() == null;
      for (String c : n.unreached.isEmpty() ? List.of(n.component) : n.unreached) {
        errorOrigins.add(c);
        errorOwn.add(own);
        errorInferred.add(n.inferred);
        errorPools.add(pool);
        errorBehind.add(waited ? Set.copyOf(known.datastores(c).keySet()) : Set.of());
        // A call that timed out had connected: the host answered, whatever its process did.
        errorHosts.add(timedOut ? null : hostOf.getOrDefault(c, known.host(c)));
        errorDetails.add(
            c
                + ": "
                + n.span.serviceName()
                + " "
                + n.span.name()
                + (why.isEmpty() ? "" : " — " + why)
                + (n.unreached.isEmpty()
                    ? ""
                    : " (it could not reach " + String.join(" or ", n.unreached) + ")"));
      }
    }
  }

  /**
   * The component whose work made {@code n} slow: down through the longest child while it takes at
   * least half its parent's time (a service slow on a slow query is the database's).
   */
  private static String whereTheTimeWent(SpanNode n, KnownCalls known) {
    SpanNode at = n;
    while (true) {
      // A call far slower than its own usual (a database 10× its healthy median) is where the
      // time went, though the span around it holds more (waiting for a pooled connection).
      List<Event> calls = new ArrayList<>();
      for (SpanNode c : at.children) {
        calls.add(c.span);
      }
      Set<String> slow = known.slowCalls(calls);
      if (!slow.isEmpty()) {
        return slow.iterator().next();
      }
      SpanNode longest = null;
      for (SpanNode c : at.children) {
        if (longest == null || c.span.durationNanos() > longest.span.durationNanos()) {
          longest = c;
        }
      }
      if (longest == null || longest.span.durationNanos() * 2 < at.span.durationNanos()) {
        return at.component;
      }
      at = longest;
    }
  }

  /** CRISP: follow the child that finished last, then the one that finished before it began. */
  private void criticalPath(SpanNode n) {
    long start = n.span.timeUnixNano();
    long end = start + n.span.durationNanos();
    List<SpanNode> kids = new ArrayList<>(n.children);
    kids.sort(Comparator.comparingLong(SpanNode::end).reversed());
    long bound = end + SKEW_NANOS;
    long covered = 0;
    for (SpanNode c : kids) {
      if (c.end() > bound || c.span.timeUnixNano() < start - SKEW_NANOS) {
        continue; // ran after its parent ended (asynchronous work), or overlaps the one chosen
      }
      covered += Math.max(0, Math.min(c.end(), end) - Math.max(c.span.timeUnixNano(), start));
      criticalPath(c);
      bound = c.span.timeUnixNano() + SKEW_NANOS;
    }
    double self = Math.max(0, n.span.durationNanos() - covered) / 1e6;
    selfTime.merge(n.component, self, Double::sum);
  }

  static Map<String, String> strings(Event e) {
    Map<String, String> out = new HashMap<>();
    e.attributes().asMap().forEach((k, v) -> out.put(k, String.valueOf(v)));
    return out;
  }

  private static final class SpanNode {
    final Event span;
    final List<SpanNode> children = new ArrayList<>();
    String component;
    List<String> unreached = List.of();

    /** {@link #unreached} is inferred from what the operation usually calls: no call was seen. */
    boolean inferred;

    /** The side of the callee it names is in the trace (an answer its caller gave up on). */
    boolean calleeSeen;

    SpanNode(Event span) {
      this.span = span;
    }

    long end() {
      return span.timeUnixNano() + span.durationNanos();
    }

    boolean error() {
      return span.status() == StatusCode.ERROR;
    }

    /** The span's status message, else its {@code error.type}, else empty. */
    String message() {
      String why = span.statusMessage();
      Object type = span.attributes().get("error.type");
      if ((why == null || why.isEmpty()) && type != null) {
        why = type.toString();
      }
      return why == null ? "" : why;
    }

    /** Its status message, its exception's messages and types, as one text. */
    String messages() {
      StringBuilder b = new StringBuilder(message());
      Object m = span.attributes().get("exception.message");
      if (m != null) {
        b.append(' ').append(m);
      }
      span.events().stream()
          .filter(e -> e.name().equals("exception"))
          .forEach(
              e ->
                  b.append(' ')
                      .append(e.attributes().asMap().getOrDefault("exception.type", ""))
                      .append(' ')
                      .append(e.attributes().asMap().getOrDefault("exception.message", "")));
      return b.toString();
    }

    /** Whether the span recorded an exception (an event, or its attributes). */
    boolean threw() {
      return span.attributes().get("exception.message") != null
          || span.attributes().get("exception.type") != null
          || span.events().stream().anyMatch(e -> e.name().equals("exception"));
    }

    /**
     * Whether its error says a call was reached but not answered in time: in its messages, or in
     * the causes its exceptions' stack traces name (Spring wraps the JDK client's {@code
     * HttpTimeoutException} in a message that does not say so).
     */
    boolean timedOut() {
      StringBuilder b = new StringBuilder(messages());
      span.events().stream()
          .filter(e -> e.name().equals("exception"))
          .map(e -> e.attributes().asMap().get("exception.stacktrace"))
          .filter(Objects::nonNull)
          .flatMap(t -> t.toString().lines())
          .filter(l -> l.startsWith("Caused by:"))
          .forEach(l -> b.append(' ').append(l));
      return FailureKind.of(b.toString()) == FailureKind.TIMED_OUT;
    }

    FailureKind kind() {
      Object exception = span.attributes().get("exception.message");
      FailureKind k = FailureKind.of(message());
      return k == FailureKind.OWN && exception != null ? FailureKind.of(exception.toString()) : k;
    }

    /** The server or consumer child in another service, if the callee's side was recorded. */
    SpanNode remoteChild() {
      for (SpanNode c : children) {
        if ((c.span.spanKind() == SpanKind.SERVER || c.span.spanKind() == SpanKind.CONSUMER)
            && !c.span.serviceName().equals(span.serviceName())) {
          return c;
        }
      }
      return null;
    }
  }
}
