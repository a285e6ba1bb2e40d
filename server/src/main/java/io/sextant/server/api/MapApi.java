package io.sextant.server.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
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
import io.sextant.server.api.answer.Answers;
import io.sextant.server.api.answer.MapAnswers;
import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.TimeRange;
import io.sextant.topology.ChangeLog;
import io.sextant.topology.DependencyMap;
import io.sextant.topology.LiveMap;
import io.sextant.topology.declared.DeclaredComparison;
import io.sextant.topology.declared.DeclaredModel;
import io.sextant.topology.health.HealthOverlay;
import io.sextant.topology.health.HealthResult;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The dependency map, RED and changes on :7070 (docs/api.md): {@code GET /api/v1/map}, {@code GET
 * /api/v1/red} and {@code GET /api/v1/changes}.
 */
public final class MapApi {
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

  private interface Answer {
    Record compute() throws Exception;
  }

  private HttpResponse get(HttpMethod method, Answer answer) {
    if (method != HttpMethod.GET) {
      return QueryApi.error(HttpStatus.METHOD_NOT_ALLOWED, "use GET", -1);
    }
    return HttpResponse.of(
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return Answers.response(HttpStatus.OK, answer.compute());
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

  private MapAnswers.MapAnswer map(QueryParams params) throws Exception {
    DependencyMap m = map.map(range(params));
    DeclaredModel model = declared.get();
    return MapAnswers.MapAnswer.of(
        m,
        HealthOverlay.of(m, health.get()),
        DeclaredComparison.of(m, model),
        !model.services().isEmpty());
  }

  private MapAnswers.Changes changes(QueryParams params) throws Exception {
    return MapAnswers.Changes.of(changes.changes(range(params)));
  }

  /** The latest poll of every health target (the history is in the store, as log events). */
  private MapAnswers.HealthAnswer health() {
    return MapAnswers.HealthAnswer.of(health.get());
  }

  /**
   * RED per operation of one service as time series: requests per second, p50 and p99 of its server
   * and consumer spans, and errors per second, by {@code name}.
   */
  private MapAnswers.RedAnswer red(QueryParams params) throws Exception {
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
    return new MapAnswers.RedAnswer(service, engine.run(requests), engine.run(errors));
  }
}
