package io.sextant.server.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.sextant.query.Aggregate;
import io.sextant.query.Calculation;
import io.sextant.query.Engine;
import io.sextant.query.Filter;
import io.sextant.query.Op;
import io.sextant.query.QueryException;
import io.sextant.query.Question;
import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.TimeRange;
import io.sextant.topology.Change;
import io.sextant.topology.ChangeLog;
import io.sextant.topology.DependencyMap;
import io.sextant.topology.Edge;
import io.sextant.topology.LiveMap;
import io.sextant.topology.Node;
import io.sextant.topology.Red;
import io.sextant.topology.declared.DeclaredComparison;
import io.sextant.topology.declared.DeclaredModel;
import io.sextant.topology.health.HealthOverlay;
import io.sextant.topology.health.HealthResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The dependency map, RED and changes on :7070 (docs/api.md): {@code GET /api/v1/map}, {@code GET
 * /api/v1/red} and {@code GET /api/v1/changes}.
 */
public final class MapApi {
  private static final JsonFactory JSON = new JsonFactory();
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final LiveMap map;
  private final ChangeLog changes;
  private final Supplier<List<HealthResult>> health;
  private final Supplier<DeclaredModel> declared;
  private final Engine engine;
  private final Clock clock;
  private final Executor blocking;

  public MapApi(
      LiveMap map,
      ChangeLog changes,
      Supplier<List<HealthResult>> health,
      Supplier<DeclaredModel> declared,
      Engine engine,
      Clock clock,
      Executor blocking) {
    this.map = map;
    this.changes = changes;
    this.health = health;
    this.declared = declared;
    this.engine = engine;
    this.clock = clock;
    this.blocking = blocking;
  }

  /**
   * Binds the routes; each request is answered by {@code of} its tenant. {@code health} is the
   * latest poll of every health target, shown to the operations tenant only (its targets are the
   * operator's).
   */
  public static void bind(ServerBuilder sb, int port, Function<ServiceRequestContext, MapApi> of) {
    sb.virtualHost(port)
        .service(
            "/api/v1/map",
            (ctx, req) -> {
              MapApi a = of.apply(ctx);
              return a.get(req.method(), () -> a.map(ctx.queryParams()));
            })
        .service(
            "/api/v1/red",
            (ctx, req) -> {
              MapApi a = of.apply(ctx);
              return a.get(req.method(), () -> a.red(ctx.queryParams()));
            })
        .service(
            "/api/v1/changes",
            (ctx, req) -> {
              MapApi a = of.apply(ctx);
              return a.get(req.method(), () -> a.changes(ctx.queryParams()));
            })
        .service(
            "/api/v1/health",
            (ctx, req) -> {
              MapApi a = of.apply(ctx);
              return a.get(req.method(), a::health);
            });
  }

  private interface Body {
    void write(JsonGenerator g) throws Exception;
  }

  private interface Answer {
    Body compute() throws Exception;
  }

  private HttpResponse get(HttpMethod method, Answer answer) {
    if (method != HttpMethod.GET) {
      return QueryApi.error(HttpStatus.METHOD_NOT_ALLOWED, "use GET", -1);
    }
    return HttpResponse.of(
        CompletableFuture.supplyAsync(
            () -> {
              try {
                Body body = answer.compute();
                ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
                try (JsonGenerator g = JSON.createGenerator(out)) {
                  body.write(g);
                }
                return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, out.toByteArray());
              } catch (QueryException e) {
                return QueryApi.error(HttpStatus.BAD_REQUEST, e.getMessage(), -1);
              } catch (StoreException e) {
                return QueryApi.error(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage(), -1);
              } catch (Exception e) {
                return QueryApi.error(HttpStatus.INTERNAL_SERVER_ERROR, "internal error: " + e, -1);
              }
            },
            blocking));
  }

  /**
   * The window of {@code from}/{@code to}/{@code last} (default: the last 15 minutes). When {@code
   * to} is not given it is now rounded up to a multiple of the cache's lifetime, so that pages
   * refreshing {@code last=15m} share one build and still see the newest spans.
   */
  private TimeRange range(QueryParams params) {
    Map<String, Object> p = new LinkedHashMap<>();
    for (String n : new String[] {"from", "to", "last"}) {
      String v = params.get(n);
      if (v != null) {
        p.put(n, !v.isEmpty() && v.chars().allMatch(Character::isDigit) ? Long.parseLong(v) : v);
      }
    }
    if (p.isEmpty()) {
      p.put("last", "15m");
    }
    Instant i = clock.instant();
    long now = i.getEpochSecond() * 1_000_000_000L + i.getNano();
    long step = Math.max(1, map.ttl().toNanos());
    return QueryJson.range(MAPPER.valueToTree(p), now - Math.floorMod(now, step) + step);
  }

  private Body map(QueryParams params) throws Exception {
    DependencyMap m = map.map(range(params));
    HealthOverlay.Marks marks = HealthOverlay.of(m, health.get());
    DeclaredModel model = declared.get();
    DeclaredComparison vs = DeclaredComparison.of(m, model);
    return g -> {
      g.writeStartObject();
      g.writeNumberField("from", m.range().fromUnixNano());
      g.writeNumberField("to", m.range().toUnixNano());
      g.writeNumberField("build_ms", m.buildMillis());
      g.writeArrayFieldStart("nodes");
      for (Node n : m.nodes()) {
        g.writeStartObject();
        g.writeStringField("id", n.id());
        g.writeStringField("kind", n.kind().label());
        ComponentJson.parts(g, n.component());
        g.writeBooleanField("instrumented", n.instrumented());
        if (!n.attributes().isEmpty()) {
          g.writeObjectFieldStart("attributes");
          for (var a : new TreeMap<>(n.attributes()).entrySet()) {
            g.writeStringField(a.getKey(), a.getValue());
          }
          g.writeEndObject();
        }
        red(g, n.red());
        health(g, marks.nodes().get(n.id()));
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("edges");
      for (Edge e : m.edges()) {
        g.writeStartObject();
        g.writeStringField("from", e.from());
        g.writeStringField("to", e.to());
        red(g, e.red());
        health(g, marks.edges().get(List.of(e.from(), e.to())));
        String status = vs.edges().get(List.of(e.from(), e.to()));
        if (status != null) {
          g.writeStringField("declared", status);
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      if (!model.services().isEmpty()) {
        g.writeArrayFieldStart("missing");
        for (DeclaredComparison.Missing x : vs.missing()) {
          g.writeStartObject();
          g.writeStringField("from", x.from());
          g.writeStringField("callee", x.callee());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    };
  }

  private Body changes(QueryParams params) throws Exception {
    List<Change> list = changes.changes(range(params));
    return g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("changes");
      for (Change c : list) {
        g.writeStartObject();
        g.writeNumberField("time", c.timeUnixNano());
        g.writeStringField("service", c.service());
        g.writeStringField("attribute", c.attribute());
        g.writeStringField("value", c.value());
        if (c.previous() != null) {
          g.writeStringField("previous", c.previous());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    };
  }

  /** The latest poll of every health target (the history is in the store, as log events). */
  private Body health() {
    List<HealthResult> latest = health.get();
    return g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("targets");
      for (HealthResult r : latest) {
        g.writeStartObject();
        g.writeStringField("service", r.target().service());
        g.writeStringField("url", r.target().url().toString());
        g.writeNumberField("time", r.timeUnixNano());
        g.writeBooleanField("healthy", r.healthy());
        g.writeNumberField("duration_ms", r.millis());
        if (r.error() != null) {
          g.writeStringField("error", r.error());
        }
        g.writeArrayFieldStart("dependencies");
        for (HealthResult.Dependency d : r.dependencies()) {
          g.writeStartObject();
          g.writeStringField("name", d.name());
          g.writeBooleanField("healthy", d.healthy());
          if (d.detail() != null) {
            g.writeStringField("detail", d.detail());
          }
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    };
  }

  /** {@code "health": "ok"} or {@code "failing"} where a health check says, nothing otherwise. */
  private static void health(JsonGenerator g, Boolean healthy) throws IOException {
    if (healthy != null) {
      g.writeStringField("health", healthy ? "ok" : "failing");
    }
  }

  private static void red(JsonGenerator g, Red r) throws IOException {
    g.writeNumberField("calls", r.calls());
    g.writeNumberField("rate", round(r.perSecond()));
    g.writeNumberField("errors", r.errors());
    g.writeNumberField("error_pct", round(r.errorPercent()));
    g.writeNumberField("p50_ms", round(r.p50Nanos() / 1e6));
    g.writeNumberField("p99_ms", round(r.p99Nanos() / 1e6));
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /**
   * RED per operation of one service as time series: requests per second, p50 and p99 of its server
   * and consumer spans, and errors per second, by {@code name}.
   */
  private Body red(QueryParams params) throws Exception {
    String service = params.get("service");
    if (service == null || service.isBlank()) {
      throw new QueryException("name the service: /api/v1/red?service=checkout&last=1h");
    }
    TimeRange range = range(params);
    Filter served =
        Filter.and(
            Filter.Predicate.of("service.name", Op.EQ, service),
            Filter.Predicate.of("span.kind", Op.IN, "server", "consumer"));
    Question requests =
        Question.over(range)
            .where(served)
            .by("name")
            .calculate(
                Calculation.of(Aggregate.RATE, null),
                Calculation.of(Aggregate.P50, "duration"),
                Calculation.of(Aggregate.P99, "duration"))
            .series(true)
            .build();
    Question errors =
        Question.over(range)
            .where(Filter.and(served, Filter.Predicate.of("error", Op.EQ, true)))
            .by("name")
            .calculate(Calculation.of(Aggregate.RATE, null))
            .series(true)
            .build();
    var r = engine.run(requests);
    var e = engine.run(errors);
    return g -> {
      g.writeStartObject();
      g.writeStringField("service", service);
      g.writeFieldName("requests");
      QueryJson.write(g, r);
      g.writeFieldName("errors");
      QueryJson.write(g, e);
      g.writeEndObject();
    };
  }
}
