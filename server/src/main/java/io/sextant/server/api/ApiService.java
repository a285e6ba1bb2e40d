package io.sextant.server.api;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.server.ServerBuilder;
import io.sextant.model.Event;
import io.sextant.model.TraceId;
import io.sextant.pipeline.StoreSink;
import io.sextant.server.api.answer.Answers;
import io.sextant.server.api.answer.ReadAnswers;
import io.sextant.server.ingest.IngestCounters;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.Health;
import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.StoreStats;
import io.sextant.store.spi.TimeRange;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The read API on :7070: one trace, services in a range, status, health. Store calls block, so they
 * run on the blocking executor, never on an event loop.
 */
public final class ApiService {
  private final EventStore store;
  private final StoreSink writer;
  private final IngestCounters counters;
  private final RateMeter rates;
  private final Clock clock;
  private final Executor blocking;
  private final boolean operations;

  /**
   * The routes over {@code store}, one tenant's view; {@code operations}: whether it is the
   * operations tenant, the one shown the server's own ingest and pipeline counters.
   */
  public ApiService(
      EventStore store,
      boolean operations,
      StoreSink writer,
      IngestCounters counters,
      RateMeter rates,
      Clock clock,
      Executor blocking) {
    this.store = store;
    this.operations = operations;
    this.writer = writer;
    this.counters = counters;
    this.rates = rates;
    this.clock = clock;
    this.blocking = blocking;
  }

  /**
   * Binds the API routes, each request answered by {@code of} its tenant; returns the API port's
   * virtual host so more routes can join it.
   */
  public static com.linecorp.armeria.server.VirtualHostBuilder bind(
      ServerBuilder sb,
      int port,
      Function<com.linecorp.armeria.server.ServiceRequestContext, ApiService> of) {
    return sb.virtualHost(port)
        .service(
            "/api/v1/traces/{traceId}",
            (ctx, req) -> {
              ApiService a = of.apply(ctx);
              return a.async(() -> a.trace(ctx.pathParam("traceId")));
            })
        .service(
            "/api/v1/services",
            (ctx, req) -> {
              ApiService a = of.apply(ctx);
              return a.async(() -> a.services(ctx.queryParams()));
            })
        .service(
            "/api/v1/status",
            (ctx, req) -> {
              ApiService a = of.apply(ctx);
              return a.async(a::status);
            })
        .service(
            "/health",
            (ctx, req) -> {
              ApiService a = of.apply(ctx);
              return a.async(a::health);
            });
  }

  private interface Call {
    HttpResponse run() throws Exception;
  }

  private HttpResponse async(Call call) {
    return HttpResponse.of(
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return call.run();
              } catch (BadRequest e) {
                return Answers.error(HttpStatus.BAD_REQUEST, e.getMessage());
              } catch (StoreException e) {
                return Answers.error(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
              } catch (Exception e) {
                return Answers.error(HttpStatus.INTERNAL_SERVER_ERROR, "internal error: " + e);
              }
            },
            blocking));
  }

  private HttpResponse trace(String id) throws Exception {
    TraceId traceId;
    try {
      traceId = TraceId.fromHex(id);
    } catch (IllegalArgumentException e) {
      throw new BadRequest("invalid trace id \"" + id + "\": " + e.getMessage());
    }
    List<Event> events = store.trace(traceId);
    if (events.isEmpty()) {
      return Answers.error(HttpStatus.NOT_FOUND, "trace " + traceId + " not found");
    }
    return ok(ReadAnswers.Trace.of(traceId, events));
  }

  private HttpResponse services(QueryParams params) throws Exception {
    Instant to = instant(params.get("to"), clock.instant());
    Instant from = instant(params.get("from"), to.minus(Duration.ofHours(1)));
    if (to.isBefore(from)) {
      throw new BadRequest("'to' is before 'from'");
    }
    TimeRange range;
    try {
      range = new TimeRange(nanos(from), nanos(to));
    } catch (ArithmeticException e) {
      throw new BadRequest("times must be within the years 1677 to 2262");
    }
    return ok(ReadAnswers.Services.of(from, to, store.services(range)));
  }

  private HttpResponse status() throws Exception {
    StoreStats stats = store.stats();
    Health health = store.check();
    if (!operations) {
      return ok(ReadAnswers.Status.of(health, stats));
    }
    RateMeter.Rates r = rates.current();
    return ok(
        ReadAnswers.Status.of(
            health,
            stats,
            new ReadAnswers.Ingest(
                ReadAnswers.IngestCounts.of(counters), r.spansPerSecond(), r.logsPerSecond()),
            ReadAnswers.Pipeline.of(writer.stats())));
  }

  private HttpResponse health() {
    Health h = store.check();
    return HttpResponse.of(
        h.healthy() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE,
        MediaType.PLAIN_TEXT_UTF_8,
        h.healthy() ? "ok" : h.detail());
  }

  private static Instant instant(String text, Instant fallback) throws BadRequest {
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      return text.chars().allMatch(Character::isDigit)
          ? Instant.ofEpochMilli(Long.parseLong(text))
          : Instant.parse(text);
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new BadRequest(
          "time \"" + text + "\" is neither epoch milliseconds nor an ISO-8601 instant");
    }
  }

  private static long nanos(Instant i) {
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
  }

  private static HttpResponse ok(Record answer) {
    return Answers.response(HttpStatus.OK, answer);
  }

  private static final class BadRequest extends Exception {
    BadRequest(String message) {
      super(message, null, false, false);
    }
  }
}
