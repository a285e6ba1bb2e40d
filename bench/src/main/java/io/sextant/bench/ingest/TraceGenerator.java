package io.sextant.bench.ingest;

import io.sextant.bench.ingest.Catalog.Route;
import io.sextant.bench.ingest.GeneratedSpan.Attribute;
import io.sextant.bench.ingest.GeneratedSpan.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic traces for the load: 4–16 spans (mean 10) under one trace id, a SERVER root in an
 * entry service, remote calls (a CLIENT span and the callee's SERVER span), database CLIENT spans
 * (~30% of spans) and INTERNAL spans; log-normal durations; ~2% of spans in error; about 10
 * attributes per span including a high-cardinality {@code user_id} (100k users), {@code session_id}
 * and {@code request_id}.
 *
 * <p>The content (names, shapes, attributes, durations) follows {@code seed} alone; the ids follow
 * {@code idSalt} too, so two runs with the same seed and different salts send the same data under
 * new, unique trace and span ids. Trace ids are unique within a run by construction: their low 64
 * bits are a bijection of the trace counter.
 *
 * <p>Spans are handed out as requests of whole traces; the hosts (and so the OTLP Resource, {@code
 * k8s.pod.name} and {@code cloud.region}) of each service are fixed per request, as when a
 * collector forwards one batch per instance.
 */
final class TraceGenerator {
  static final int USERS = 100_000;
  static final int SESSIONS_PER_USER = 3;
  static final double ERROR_RATE = 0.02;

  private final SplittableRandom rnd;
  private final long seed;
  private final long traceSaltHigh;
  private final long traceSaltLow;
  private final long spanSalt;
  private final long startNanos;
  private final long traceSpacingNanos;
  private long traces;
  private long spans;
  private int requests;
  private List<Draft> pending;

  /**
   * @param startNanos the start time of the first trace (epoch nanoseconds)
   * @param traceSpacingNanos the mean time between the starts of consecutive traces
   */
  TraceGenerator(long seed, long idSalt, long startNanos, long traceSpacingNanos) {
    this.rnd = new SplittableRandom(seed);
    this.seed = seed;
    SplittableRandom salts = new SplittableRandom(Ids.mix(seed) ^ Ids.mix(idSalt + 0x5eed));
    this.traceSaltHigh = salts.nextLong();
    this.traceSaltLow = salts.nextLong();
    this.spanSalt = salts.nextLong();
    this.startNanos = startNanos;
    this.traceSpacingNanos = Math.max(1, traceSpacingNanos);
  }

  long traces() {
    return traces;
  }

  /**
   * The spans of the next request: whole traces, at most {@code maxSpans} and at most {@code
   * spansLeft}. A trace is cut short only when it is larger than a request or is the last one of
   * the run, so the run holds exactly the span count asked for.
   */
  List<GeneratedSpan> nextRequest(int maxSpans, long spansLeft) {
    int request = requests++;
    int limit = (int) Math.min(maxSpans, spansLeft);
    List<GeneratedSpan> out = new ArrayList<>(limit);
    while (out.size() < limit) {
      if (pending == null) {
        pending = nextTrace();
      }
      int room = limit - out.size();
      if (pending.size() > room) {
        boolean lastOfRun = spansLeft - out.size() < pending.size();
        if (!out.isEmpty() && !lastOfRun && pending.size() <= maxSpans) {
          break;
        }
        pending = pending.subList(0, room); // parents come before children: still a tree
      }
      for (Draft d : pending) {
        out.add(
            d.onHost(Catalog.host(d.service, (request + d.service) % Catalog.HOSTS_PER_SERVICE)));
      }
      pending = null;
    }
    return out;
  }

  /** A span before its host is known. */
  private static final class Draft {
    final int service;
    final long traceHigh;
    final long traceLow;
    final long spanId;
    final long parentId;
    final String name;
    final Kind kind;
    final long start;
    final long end;
    final boolean error;
    final List<Attribute> attributes;

    Draft(
        int service,
        long traceHigh,
        long traceLow,
        long spanId,
        long parentId,
        String name,
        Kind kind,
        long start,
        long end,
        boolean error,
        List<Attribute> attributes) {
      this.service = service;
      this.traceHigh = traceHigh;
      this.traceLow = traceLow;
      this.spanId = spanId;
      this.parentId = parentId;
      this.name = name;
      this.kind = kind;
      this.start = start;
      this.end = end;
      this.error = error;
      this.attributes = attributes;
    }

    GeneratedSpan onHost(int host) {
      List<Attribute> all = new ArrayList<>(attributes.size() + 2);
      all.addAll(attributes);
      all.add(new Attribute("k8s.pod.name", Catalog.podName(service, host)));
      all.add(new Attribute("cloud.region", Catalog.region(host)));
      return new GeneratedSpan(
          service,
          host,
          traceHigh,
          traceLow,
          spanId,
          parentId,
          name,
          kind,
          start,
          end,
          error,
          List.copyOf(all));
    }
  }

  private List<Draft> nextTrace() {
    long t = traces++;
    long high = Ids.mix(t + traceSaltHigh);
    long low = Ids.mix(t ^ traceSaltLow);
    if (high == 0 && low == 0) {
      high = 1;
    }
    int size = 4 + rnd.nextInt(13);
    int user = rnd.nextInt(USERS);
    List<Attribute> context =
        List.of(
            new Attribute("user_id", "user-" + user),
            new Attribute(
                "session_id",
                Ids.hex16(Ids.mix(seed * 31 + user * 8L + rnd.nextInt(SESSIONS_PER_USER)))),
            new Attribute("request_id", Ids.uuid(Ids.mix(high ^ spanSalt), Ids.mix(low))));
    long start = startNanos + t * traceSpacingNanos + rnd.nextLong(traceSpacingNanos);

    List<Draft> out = new ArrayList<>(size);
    List<Draft> parents = new ArrayList<>(size); // SERVER and INTERNAL spans: those that call out
    int entry = rnd.nextInt(Catalog.ENTRY_SERVICES);
    Route root = pick(Catalog.ROUTES_BY_SERVICE.get(entry));
    Draft rootSpan =
        server(high, low, 0, root, start, start + logNormalNanos(40e6, 0.8), context, "1.1");
    out.add(rootSpan);
    parents.add(rootSpan);

    while (out.size() < size) {
      Draft p = parents.get(rnd.nextInt(parents.size()));
      double r = rnd.nextDouble();
      long childStart = p.start + (long) (rnd.nextDouble() * 0.7 * (p.end - p.start));
      long maxEnd = p.end;
      if (r < 0.25 && out.size() <= size - 2) {
        int callee = pickCallee(p.service);
        Route route = pick(Catalog.ROUTES_BY_SERVICE.get(callee));
        long end = Math.min(maxEnd, childStart + logNormalNanos(15e6, 0.9));
        long lag = (end - childStart) / 20;
        Draft callee0 =
            server(high, low, 0, route, childStart + lag, end - lag, context, "2"); // id below
        int status = statusOf(callee0);
        List<Attribute> a = new ArrayList<>(context);
        a.add(new Attribute("http.request.method", route.method()));
        a.add(new Attribute("http.route", route.route()));
        a.add(new Attribute("http.response.status_code", (long) status));
        a.add(new Attribute("server.address", Catalog.serviceAddress(callee)));
        a.add(new Attribute("server.port", 8080L));
        Draft client =
            new Draft(
                p.service,
                high,
                low,
                nextSpanId(),
                p.spanId,
                route.spanName(),
                Kind.CLIENT,
                childStart,
                end,
                callee0.error,
                a);
        Draft calleeSpan =
            new Draft(
                callee,
                high,
                low,
                callee0.spanId,
                client.spanId,
                callee0.name,
                Kind.SERVER,
                callee0.start,
                callee0.end,
                callee0.error,
                callee0.attributes);
        out.add(client);
        out.add(calleeSpan);
        parents.add(calleeSpan);
      } else if (r < 0.65) {
        int op = weightedOperation();
        String table = Catalog.DB_TABLES[rnd.nextInt(Catalog.DB_TABLES.length)];
        int system = Catalog.dbSystem(p.service);
        boolean error = rnd.nextDouble() < ERROR_RATE;
        List<Attribute> a = new ArrayList<>(context);
        a.add(new Attribute("db.system", Catalog.DB_SYSTEMS[system]));
        a.add(new Attribute("db.operation.name", Catalog.DB_OPERATIONS[op]));
        a.add(new Attribute("db.collection.name", table));
        a.add(new Attribute("server.address", Catalog.dbAddress(p.service)));
        a.add(new Attribute("server.port", (long) Catalog.DB_PORTS[system]));
        out.add(
            new Draft(
                p.service,
                high,
                low,
                nextSpanId(),
                p.spanId,
                Catalog.DB_OPERATIONS[op] + " " + table,
                Kind.CLIENT,
                childStart,
                Math.min(maxEnd, childStart + logNormalNanos(2e6, 1.0)),
                error,
                a));
      } else {
        int n = rnd.nextInt(Catalog.INTERNAL_NAMES.length);
        boolean error = rnd.nextDouble() < ERROR_RATE;
        List<Attribute> a = new ArrayList<>(context);
        a.add(new Attribute("code.function.name", Catalog.codeFunction(n)));
        a.add(
            new Attribute(
                "code.file.path",
                "src/" + Catalog.SERVICES[p.service] + "/" + Catalog.codeFunction(n) + ".java"));
        a.add(new Attribute("code.line.number", (long) (20 + rnd.nextInt(400))));
        a.add(new Attribute("thread.name", "worker-" + rnd.nextInt(16)));
        Draft internal =
            new Draft(
                p.service,
                high,
                low,
                nextSpanId(),
                p.spanId,
                Catalog.INTERNAL_NAMES[n],
                Kind.INTERNAL,
                childStart,
                Math.min(maxEnd, childStart + logNormalNanos(0.5e6, 1.2)),
                error,
                a);
        out.add(internal);
        parents.add(internal);
      }
    }
    return out;
  }

  private Draft server(
      long high,
      long low,
      long parent,
      Route route,
      long start,
      long end,
      List<Attribute> context,
      String protocol) {
    boolean error = rnd.nextDouble() < ERROR_RATE;
    long status;
    if (error) {
      status = rnd.nextInt(4) == 0 ? 503 : 500;
    } else {
      double r = rnd.nextDouble();
      if (r < 0.015) {
        status = 404;
      } else if (r < 0.025) {
        status = 400;
      } else if (r < 0.03) {
        status = 401;
      } else {
        status = route.method().equals("POST") ? 201 : 200;
      }
    }
    List<Attribute> a = new ArrayList<>(context);
    a.add(new Attribute("http.request.method", route.method()));
    a.add(new Attribute("http.route", route.route()));
    a.add(new Attribute("http.response.status_code", status));
    a.add(new Attribute("url.scheme", "http"));
    a.add(new Attribute("network.protocol.version", protocol));
    return new Draft(
        route.service(),
        high,
        low,
        nextSpanId(),
        parent,
        route.spanName(),
        Kind.SERVER,
        start,
        Math.max(end, start + 1_000),
        error,
        a);
  }

  private static int statusOf(Draft server) {
    for (Attribute a : server.attributes) {
      if (a.key().equals("http.response.status_code")) {
        return ((Long) a.value()).intValue();
      }
    }
    throw new IllegalStateException("server span without status");
  }

  private int pickCallee(int caller) {
    int callee;
    do {
      callee =
          Catalog.ENTRY_SERVICES + rnd.nextInt(Catalog.SERVICES.length - Catalog.ENTRY_SERVICES);
    } while (callee == caller);
    return callee;
  }

  private int weightedOperation() {
    double r = rnd.nextDouble();
    return r < 0.7 ? 0 : r < 0.85 ? 1 : r < 0.97 ? 2 : 3;
  }

  private <T> T pick(List<T> list) {
    return list.get(rnd.nextInt(list.size()));
  }

  private long nextSpanId() {
    long id = Ids.mix(spans++ ^ spanSalt);
    return id == 0 ? 1 : id;
  }

  /** Log-normal with the given median (ns) and sigma; at least 1 µs. */
  private long logNormalNanos(double median, double sigma) {
    return Math.max(1_000, (long) (median * Math.exp(sigma * rnd.nextGaussian())));
  }
}
