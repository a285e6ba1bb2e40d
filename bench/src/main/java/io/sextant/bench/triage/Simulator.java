package io.sextant.bench.triage;

import io.sextant.bench.triage.Topology.Backend;
import io.sextant.bench.triage.Topology.Call;
import io.sextant.bench.triage.Topology.Db;
import io.sextant.bench.triage.Topology.Maybe;
import io.sextant.bench.triage.Topology.Opt;
import io.sextant.bench.triage.Topology.Par;
import io.sextant.bench.triage.Topology.Publish;
import io.sextant.bench.triage.Topology.Service;
import io.sextant.bench.triage.Topology.Step;
import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.StatusCode;
import io.sextant.model.TraceId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Runs one request through a {@link Topology} under a set of faults and returns its spans as the
 * services' OpenTelemetry SDKs would have exported them: a SERVER span per call answered, a CLIENT
 * span per outgoing call (HTTP peers by {@code server.address}/{@code server.port}, databases and
 * caches by {@code db.system}/{@code db.namespace}), PRODUCER and CONSUMER spans for kafka. A call
 * that is refused, reset or times out leaves a CLIENT span in error with no SERVER child. Time is
 * simulated: nothing sleeps.
 */
final class Simulator {
  /** What a client (a user or the probe runner) saw. */
  record Run(
      TraceId traceId, List<Event> spans, boolean error, boolean degraded, double ms, String why) {}

  /** The probe runner gives up after this long. */
  static final double CLIENT_TIMEOUT_MS = 5000;

  private static final double DB_TIMEOUT_MS = 1000;
  private static final double CPU_HOG_FACTOR = 6;
  private static final double CO_LOCATED_FACTOR = 1.3;

  private final Topology sys;
  private final Map<String, Fault> byService = new HashMap<>();
  private final Map<String, Fault> byBackend = new HashMap<>();
  private final Map<String, Fault> byHost = new HashMap<>();
  private final Map<String, Resource> resources = new HashMap<>();

  Simulator(Topology sys, List<Fault> faults) {
    this.sys = sys;
    for (Fault f : faults) {
      switch (f.kind()) {
        case HOST_DOWN -> byHost.put(f.target(), f);
        case DB_DOWN, DB_SLOW -> byBackend.put(f.target(), f);
        case CPU_HOG -> {
          byService.put(f.target(), f);
          byHost.putIfAbsent(sys.services.get(f.target()).host(), f);
        }
        default -> byService.put(f.target(), f);
      }
    }
    for (Service s : sys.services.values()) {
      resources.put(
          s.name(),
          new Resource(
              Attributes.of(
                  "service.name",
                  s.name(),
                  "service.version",
                  "1.4.0",
                  "host.name",
                  s.host(),
                  "telemetry.sdk.language",
                  "java")));
    }
  }

  /** One request to the API function whose gateway call is {@code entry}. */
  Run run(Call entry, RandomGenerator rng, long startNanos) {
    Trace x = new Trace(rng, startNanos);
    Service gateway = sys.services.get(entry.service());
    if (down(gateway)) {
      return new Run(x.traceId, List.of(), true, false, 1, "connection refused");
    }
    if (kind(gateway, Fault.Kind.HUNG)) {
      return new Run(x.traceId, List.of(), true, false, CLIENT_TIMEOUT_MS, "timed out");
    }
    if (kind(gateway, Fault.Kind.RESET)
        && rng.nextDouble() < byService.get(gateway.name()).rate()) {
      return new Run(x.traceId, List.of(), true, false, 2, "connection reset by peer");
    }
    Outcome o = serve(gateway, SpanKind.SERVER, entry.endpoint(), entry.children(), 0, null, 0, x);
    double ms = o.end;
    if (ms > CLIENT_TIMEOUT_MS) {
      return new Run(x.traceId, x.spans, true, o.degraded, CLIENT_TIMEOUT_MS, "timed out");
    }
    return new Run(
        x.traceId,
        x.spans,
        o.error,
        o.degraded,
        ms,
        o.error ? "HTTP 500: " + o.message : o.degraded ? "incomplete body: " + o.message : "");
  }

  // --- what the faults do ------------------------------------------------------------------

  private boolean kind(Service s, Fault.Kind k) {
    Fault f = byService.get(s.name());
    return f != null && f.kind() == k;
  }

  private boolean down(Service s) {
    Fault h = byHost.get(s.host());
    return kind(s, Fault.Kind.DOWN) || (h != null && h.kind() == Fault.Kind.HOST_DOWN);
  }

  private boolean down(Backend b) {
    Fault f = byBackend.get(b.name());
    Fault h = byHost.get(b.host());
    return (f != null && f.kind() == Fault.Kind.DB_DOWN)
        || (h != null && h.kind() == Fault.Kind.HOST_DOWN);
  }

  private double selfMs(Service s, RandomGenerator rng) {
    double ms = s.selfMs() * jitter(rng);
    Fault f = byService.get(s.name());
    if (f != null && f.kind() == Fault.Kind.CPU_HOG) {
      // Saturated: every request is slower, and queues behind the others.
      ms = ms * CPU_HOG_FACTOR * (0.8 + 0.4 * rng.nextDouble()) - 150 * Math.log(rng.nextDouble());
    } else {
      Fault h = byHost.get(s.host());
      if (h != null && h.kind() == Fault.Kind.CPU_HOG) {
        ms *= CO_LOCATED_FACTOR;
      }
    }
    if (f != null && f.kind() == Fault.Kind.LATENCY) {
      ms += f.addedMs() * (0.9 + 0.2 * rng.nextDouble());
    }
    return ms;
  }

  /** Log-normal around 1, with a rare pause (a GC, a slow disk) for a realistic tail. */
  private static double jitter(RandomGenerator rng) {
    double j = Math.exp(0.25 * rng.nextGaussian());
    return rng.nextDouble() < 0.01 ? j * 4 : j;
  }

  /** A caller at depth d (the gateway is 0) gives up after this long. */
  private static double timeout(int depth) {
    return Math.max(600, 2500 - 500 * depth);
  }

  // --- the request's life ------------------------------------------------------------------

  private record Outcome(double end, boolean error, boolean degraded, String message) {}

  private Outcome serve(
      Service s,
      SpanKind kind,
      String endpoint,
      List<Step> children,
      double t,
      SpanId parent,
      int depth,
      Trace x) {
    SpanId id = x.nextId();
    double self = selfMs(s, x.rng);
    double cur = t + 0.4 * self;
    boolean error = false;
    boolean degraded = false;
    String message = "";
    Fault f = byService.get(s.name());
    if (f != null && f.kind() == Fault.Kind.BAD_DEPLOY && endpoint.equals(f.endpoint())) {
      error = true;
      message = "NullPointerException in " + endpoint + " (release 1.4.1)";
    } else if (f != null && f.kind() == Fault.Kind.ERROR_RATE && x.rng.nextDouble() < f.rate()) {
      error = true;
      message = "IllegalStateException: " + s.name() + " could not serve " + endpoint;
    } else {
      for (Step c : children) {
        Outcome o = exec(c, s, cur, id, depth, x);
        cur = o.end;
        if (o.error) {
          error = true;
          message = o.message;
          break;
        }
        if (o.degraded) {
          degraded = true;
          message = o.message;
        }
      }
    }
    double end = cur + 0.6 * self;
    Attributes a =
        kind == SpanKind.SERVER
            ? Attributes.of(
                "http.request.method", method(endpoint),
                "http.route", route(endpoint),
                "http.response.status_code", error ? 500 : 200)
            : Attributes.of(
                "messaging.system", "kafka",
                "messaging.destination.name", endpoint,
                "messaging.operation.type", "process");
    x.span(
        s,
        id,
        parent,
        kind,
        kind == SpanKind.SERVER ? endpoint : "process " + endpoint,
        t,
        end,
        error,
        error ? message : "",
        a);
    return new Outcome(end, error, degraded, message);
  }

  private Outcome exec(Step step, Service caller, double t, SpanId parent, int depth, Trace x) {
    return switch (step) {
      case Call c -> call(c, caller, t, parent, depth, x);
      case Db d -> query(d, caller, t, parent, x);
      case Publish p -> publish(p, caller, t, parent, x);
      case Maybe m ->
          x.rng.nextDouble() < m.p() ? exec(m.step(), caller, t, parent, depth, x) : ok(t);
      case Opt o -> {
        Outcome r = exec(o.step(), caller, t, parent, depth, x);
        yield r.error ? new Outcome(r.end, false, true, "optional call failed: " + r.message) : r;
      }
      case Par p -> {
        double end = t;
        Outcome failed = null;
        boolean degraded = false;
        String message = "";
        for (Step s : p.steps()) {
          Outcome r = exec(s, caller, t, parent, depth, x);
          end = Math.max(end, r.end);
          if (r.error && failed == null) {
            failed = r;
          }
          if (r.degraded) {
            degraded = true;
            message = r.message;
          }
        }
        yield failed != null
            ? new Outcome(end, true, degraded, failed.message)
            : new Outcome(end, false, degraded, message);
      }
    };
  }

  private static Outcome ok(double t) {
    return new Outcome(t, false, false, "");
  }

  private Outcome call(Call c, Service caller, double t, SpanId parent, int depth, Trace x) {
    Service target = sys.services.get(c.service());
    SpanId id = x.nextId();
    double limit = timeout(depth);
    double net = 0.2 + 0.6 * x.rng.nextDouble();
    Fault f = byService.get(target.name());
    double end;
    String error = null;
    boolean degraded = false;
    if (down(target)) {
      end = t + 1 + x.rng.nextDouble();
      error = "connect to " + target.address() + ":" + target.port() + ": connection refused";
    } else if (f != null && f.kind() == Fault.Kind.RESET && x.rng.nextDouble() < f.rate()) {
      end = t + net + 3 * x.rng.nextDouble();
      error = "connection reset by peer";
    } else if (f != null && f.kind() == Fault.Kind.HUNG) {
      end = t + limit;
      error = "deadline exceeded after " + (long) limit + " ms";
    } else {
      Outcome r =
          serve(target, SpanKind.SERVER, c.endpoint(), c.children(), t + net, id, depth + 1, x);
      end = r.end + net;
      degraded = r.degraded;
      if (end - t > limit) {
        end = t + limit;
        error = "deadline exceeded after " + (long) limit + " ms";
      } else if (r.error) {
        error = "HTTP 500 from " + target.name() + ": " + r.message;
      }
    }
    x.span(
        caller,
        id,
        parent,
        SpanKind.CLIENT,
        c.endpoint(),
        t,
        end,
        error != null,
        error == null ? "" : error,
        Attributes.of(
            "http.request.method",
            method(c.endpoint()),
            "server.address",
            target.address(),
            "server.port",
            (long) target.port(),
            "url.full",
            "http://" + target.address() + ":" + target.port() + route(c.endpoint())));
    return error == null
        ? new Outcome(end, false, degraded, degraded ? "incomplete answer" : "")
        : new Outcome(end, true, degraded, error);
  }

  private Outcome query(Db d, Service caller, double t, SpanId parent, Trace x) {
    Backend b = sys.backends.get(d.backend());
    SpanId id = x.nextId();
    double end;
    String error = null;
    if (down(b)) {
      end = t + 1 + 2 * x.rng.nextDouble();
      error = "connect to " + b.address() + ":" + b.port() + ": connection refused";
    } else {
      double ms = b.ms() * jitter(x.rng);
      Fault f = byBackend.get(b.name());
      if (f != null && f.kind() == Fault.Kind.DB_SLOW) {
        ms += f.addedMs() * (0.8 + 0.4 * x.rng.nextDouble());
      }
      if (ms > DB_TIMEOUT_MS) {
        ms = DB_TIMEOUT_MS;
        error = "query timed out after " + (long) DB_TIMEOUT_MS + " ms";
      }
      end = t + ms;
    }
    x.span(
        caller,
        id,
        parent,
        SpanKind.CLIENT,
        d.statement(),
        t,
        end,
        error != null,
        error == null ? "" : error,
        Attributes.of(
            "db.system", b.system(),
            "db.namespace", b.name(),
            "db.operation.name", d.statement().split(" ")[0],
            "server.address", b.address(),
            "server.port", (long) b.port()));
    return error == null ? ok(end) : new Outcome(end, true, false, error);
  }

  private Outcome publish(Publish p, Service caller, double t, SpanId parent, Trace x) {
    Backend broker = sys.backends.get(p.topic());
    SpanId id = x.nextId();
    double end = t + 1 + 2 * x.rng.nextDouble();
    String error = down(broker) ? "broker not available: " + broker.address() : null;
    x.span(
        caller,
        id,
        parent,
        SpanKind.PRODUCER,
        "publish " + p.topic(),
        t,
        end,
        error != null,
        error == null ? "" : error,
        Attributes.of(
            "messaging.system",
            "kafka",
            "messaging.destination.name",
            p.topic(),
            "messaging.operation.type",
            "publish",
            "server.address",
            broker.address(),
            "server.port",
            (long) broker.port()));
    if (error != null) {
      return new Outcome(end, true, false, error);
    }
    Service consumer = sys.services.get(p.consumer());
    if (!down(consumer) && !kind(consumer, Fault.Kind.HUNG)) {
      // Consumed later, outside the request: it never makes the request slower or fail.
      serve(
          consumer,
          SpanKind.CONSUMER,
          p.topic(),
          p.children(),
          end + 5 + 40 * x.rng.nextDouble(),
          id,
          1,
          x);
    }
    return ok(end);
  }

  private static String method(String endpoint) {
    int sp = endpoint.indexOf(' ');
    return sp < 0 ? "GET" : endpoint.substring(0, sp);
  }

  private static String route(String endpoint) {
    int sp = endpoint.indexOf(' ');
    return sp < 0 ? endpoint : endpoint.substring(sp + 1);
  }

  /** The spans of one trace under construction. */
  private final class Trace {
    final RandomGenerator rng;
    final long startNanos;
    final TraceId traceId;
    final List<Event> spans = new ArrayList<>();
    long nextSpan;

    Trace(RandomGenerator rng, long startNanos) {
      this.rng = rng;
      this.startNanos = startNanos;
      this.traceId = new TraceId(rng.nextLong() | 1, rng.nextLong() | 1);
      this.nextSpan = (rng.nextLong() & 0x7fff_ffff_0000_0000L) | 1;
    }

    SpanId nextId() {
      return new SpanId(nextSpan++);
    }

    void span(
        Service s,
        SpanId id,
        SpanId parent,
        SpanKind kind,
        String name,
        double startMs,
        double endMs,
        boolean error,
        String message,
        Attributes attributes) {
      spans.add(
          Event.span(traceId, id)
              .parentSpanId(parent)
              .resource(resources.get(s.name()))
              .name(name)
              .spanKind(kind)
              .timeUnixNano(startNanos + (long) (startMs * 1e6))
              .durationNanos(Math.max(0, (long) ((endMs - startMs) * 1e6)))
              .status(error ? StatusCode.ERROR : StatusCode.UNSET)
              .statusMessage(message)
              .attributes(attributes)
              .build());
    }
  }
}
