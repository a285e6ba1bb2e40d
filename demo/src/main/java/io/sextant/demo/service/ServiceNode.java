package io.sextant.demo.service;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.sextant.client.HealthCheck;
import io.sextant.client.TracerBullet;
import io.sextant.demo.cache.CacheClient;
import io.sextant.demo.db.ServiceDatabase;
import io.sextant.demo.net.FaultProxy;
import io.sextant.demo.queue.Messaging;
import io.sextant.demo.telemetry.ServiceTelemetry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * One running service: its own Armeria server on a loopback port, behind its own {@link FaultProxy}
 * (the port everyone else calls), its own OpenTelemetry SDK, and optionally a database pool, the
 * cache and a Kafka producer. Every route is a SERVER span whose parent and baggage come from the
 * W3C headers; handlers run on virtual threads in that span's context.
 */
public final class ServiceNode implements AutoCloseable {
  private static final TextMapGetter<RequestHeaders> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(RequestHeaders carrier) {
          List<String> keys = new ArrayList<>();
          carrier.names().forEach(n -> keys.add(n.toString()));
          return keys;
        }

        @Override
        public String get(RequestHeaders carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };

  /** A route declared by a service. */
  public record Route(HttpMethod method, String path, Handler handler) {}

  final ServiceTelemetry telemetry;
  final ServiceFaults faults = new ServiceFaults();
  final ServiceDatabase db;
  final CacheClient cache;
  final Messaging.Publisher publisher;
  private final String name;
  private final Map<String, Downstream> downstream = new LinkedHashMap<>();
  private final Map<String, Integer> dependencyPorts = new LinkedHashMap<>();
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final List<Route> routes;
  private final Server server;
  private final FaultProxy proxy;

  public ServiceNode(
      ServiceTelemetry telemetry,
      List<Route> routes,
      ServiceDatabase db,
      CacheClient cache,
      int cachePort,
      Messaging.Publisher publisher,
      int queuePort)
      throws IOException {
    this.telemetry = telemetry;
    this.name = telemetry.service();
    this.routes = List.copyOf(routes);
    this.db = db;
    this.cache = cache;
    this.publisher = publisher;
    ServerBuilder sb =
        Server.builder()
            .http(new InetSocketAddress("127.0.0.1", 0))
            .requestTimeout(Duration.ofSeconds(15))
            .gracefulShutdownTimeoutMillis(0, 1000)
            .maxRequestLength(4 * 1024 * 1024);
    for (Route r : routes) {
      sb.route().methods(r.method()).path(r.path()).build(traced(r));
    }
    sb.service("/health", (ctx, req) -> healthResponse());
    this.server = sb.build();
    server.start().join();
    this.proxy = new FaultProxy(name, server.activeLocalPort()).start();
    HealthCheck.Builder hb = HealthCheck.builder(name).cacheFor(Duration.ofSeconds(5));
    if (db != null) {
      hb.dependency(db.server().component(), db::ping);
    }
    if (cache != null) {
      hb.dependency("cache", () -> reachable(cachePort));
    }
    if (publisher != null) {
      hb.dependency("queue", () -> reachable(queuePort));
    }
    this.dependencyHealth = hb;
  }

  private final HealthCheck.Builder dependencyHealth;
  private volatile HealthCheck builtHealth;

  /** Wires a call target: {@code service} is reached on {@code port} (its proxy). */
  public void connect(String service, int port, Duration timeout) {
    downstream.put(service, new Downstream(service, port, timeout, telemetry.tracer()));
    dependencyPorts.put(service, port);
    dependencyHealth.dependency(service, () -> reachable(port));
  }

  Downstream downstream(String service) {
    Downstream d = downstream.get(service);
    if (d == null) {
      throw new IllegalStateException(name + " is not wired to call " + service);
    }
    return d;
  }

  public String name() {
    return name;
  }

  public int port() {
    return proxy.port();
  }

  /** Its health endpoint (the seed format), through its proxy. */
  public URI healthUrl() {
    return URI.create("http://127.0.0.1:" + port() + "/health");
  }

  public FaultProxy proxy() {
    return proxy;
  }

  public ServiceFaults faults() {
    return faults;
  }

  public ServiceTelemetry telemetry() {
    return telemetry;
  }

  public ServiceDatabase database() {
    return db;
  }

  public List<Route> routes() {
    return routes;
  }

  public Set<String> dependencies() {
    return dependencyPorts.keySet();
  }

  private HealthCheck health() {
    HealthCheck h = builtHealth;
    if (h == null) {
      synchronized (this) {
        if (builtHealth == null) {
          builtHealth = dependencyHealth.build();
        }
        h = builtHealth;
      }
    }
    return h;
  }

  private HttpResponse healthResponse() {
    CompletableFuture<HttpResponse> f =
        CompletableFuture.supplyAsync(
            () -> {
              HealthCheck.Report r = health().report();
              return HttpResponse.of(
                  HttpStatus.valueOf(r.httpStatus()), MediaType.JSON_UTF_8, r.toJson());
            },
            executor);
    return HttpResponse.of(f);
  }

  private static boolean reachable(int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    }
  }

  private HttpService traced(Route r) {
    String route = r.path();
    String method = r.method().name();
    return (ctx, req) -> {
      Context parent =
          ServiceTelemetry.PROPAGATORS
              .getTextMapPropagator()
              .extract(Context.root(), req.headers(), HEADERS);
      Span span =
          telemetry
              .tracer()
              .spanBuilder(method + " " + route)
              .setParent(parent)
              .setSpanKind(SpanKind.SERVER)
              .setAttribute("http.request.method", method)
              .setAttribute("http.route", route)
              .setAttribute("url.path", ctx.path())
              .setAttribute("url.scheme", "http")
              .setAttribute("server.address", "127.0.0.1")
              .setAttribute("server.port", (long) proxy.port())
              .setAttribute("network.protocol.version", "1.1")
              .startSpan();
      Context context = parent.with(span);
      ctx.addAdditionalResponseHeader(
          "traceresponse",
          "00-"
              + span.getSpanContext().getTraceId()
              + "-"
              + span.getSpanContext().getSpanId()
              + "-01");
      CompletableFuture<HttpResponse> response = new CompletableFuture<>();
      req.aggregate()
          .whenComplete(
              (agg, err) ->
                  executor.execute(
                      context.wrap(
                          () -> {
                            response.complete(run(r, method, route, ctx, agg, err, span));
                          })));
      return HttpResponse.of(response);
    };
  }

  private HttpResponse run(
      Route r,
      String method,
      String route,
      com.linecorp.armeria.server.ServiceRequestContext ctx,
      com.linecorp.armeria.common.AggregatedHttpRequest agg,
      Throwable err,
      Span span) {
    int status;
    Object body;
    Throwable failure = err;
    boolean rolledBack = false; // the kit rolled back a tracer bullet's write: the answer says so
    try (Scope ignored = span.makeCurrent();
        TracerBullet.Tracked tracked = TracerBullet.begin()) {
      if (err != null) {
        throw err;
      }
      faults.before(method, route);
      body = r.handler().handle(new Call(this, ctx, agg));
      status = 200;
      rolledBack = tracked.rolledBack();
    } catch (HttpError e) {
      status = e.status();
      body = Map.of("error", e.getMessage());
      failure = status >= 500 ? e : null;
    } catch (DownstreamException e) {
      status = 502;
      body = Map.of("error", e.getMessage());
      failure = e;
    } catch (SQLException e) {
      status = 500;
      body = Map.of("error", "database error: " + e.getMessage());
      failure = e;
    } catch (Throwable e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      status = 500;
      body = Map.of("error", e.getClass().getSimpleName() + ": " + e.getMessage());
      failure = e;
    }
    span.setAttribute("http.response.status_code", (long) status);
    if (status >= 500) {
      if (failure != null) {
        span.recordException(failure);
        span.setAttribute("error.type", failure.getClass().getName());
      }
      span.setStatus(StatusCode.ERROR, String.valueOf(((Map<?, ?>) body).get("error")));
      try (Scope ignored = span.makeCurrent()) {
        telemetry
            .log()
            .error(
                method + " " + route + " failed",
                failure,
                "http.route",
                route,
                "http.response.status_code",
                status);
      }
    }
    span.end();
    if (rolledBack) {
      ctx.addAdditionalResponseHeader(
          TracerBullet.RESPONSE_HEADER, TracerBullet.RESPONSE_ROLLED_BACK);
    }
    try {
      return HttpResponse.of(
          HttpStatus.valueOf(status),
          MediaType.JSON_UTF_8,
          Downstream.JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      return HttpResponse.of(HttpStatus.INTERNAL_SERVER_ERROR);
    }
  }

  @Override
  public void close() {
    proxy.close();
    executor.shutdownNow();
    faults.close();
    try {
      server.stop().get(3, TimeUnit.SECONDS);
    } catch (Exception e) {
      // a request stuck on a hung dependency; the process is going away anyway
    }
    if (publisher != null) {
      publisher.close();
    }
    if (cache != null) {
      cache.close();
    }
    if (db != null) {
      db.close();
    }
    telemetry.close();
  }
}
