package io.sextant.server.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.server.ServerBuilder;
import io.sextant.model.Event;
import io.sextant.model.TraceId;
import io.sextant.pipeline.BatchingWriter;
import io.sextant.pipeline.StoreSink;
import io.sextant.server.ingest.IngestCounters;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.Health;
import io.sextant.store.spi.ServiceSummary;
import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.StoreStats;
import io.sextant.store.spi.TimeRange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
  private static final JsonFactory JSON = new JsonFactory();

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
                return error(HttpStatus.BAD_REQUEST, e.getMessage());
              } catch (StoreException e) {
                return error(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
              } catch (Exception e) {
                return error(HttpStatus.INTERNAL_SERVER_ERROR, "internal error: " + e);
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
      return error(HttpStatus.NOT_FOUND, "trace " + traceId + " not found");
    }
    return json(
        g -> {
          g.writeStartObject();
          g.writeStringField("trace_id", traceId.toHex());
          g.writeArrayFieldStart("events");
          for (Event e : events) {
            EventJson.write(g, e);
          }
          g.writeEndArray();
          g.writeEndObject();
        });
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
    List<ServiceSummary> services = store.services(range);
    return json(
        g -> {
          g.writeStartObject();
          g.writeStringField("from", from.toString());
          g.writeStringField("to", to.toString());
          g.writeArrayFieldStart("services");
          for (ServiceSummary s : services) {
            g.writeStartObject();
            g.writeStringField("name", s.name());
            g.writeNumberField("events", s.events());
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  private HttpResponse status() throws Exception {
    StoreStats stats = store.stats();
    BatchingWriter.Stats w = writer.stats();
    Health health = store.check();
    RateMeter.Rates r = rates.current();
    return json(
        g -> {
          g.writeStartObject();
          g.writeStringField("status", health.healthy() ? "ok" : "degraded");
          if (!health.healthy()) {
            g.writeStringField("reason", health.detail());
          }
          if (operations) {
            ingestAndPipeline(g, w, r);
          }
          g.writeObjectFieldStart("store");
          g.writeBooleanField("healthy", health.healthy());
          g.writeStringField("detail", health.detail());
          g.writeNumberField("events", stats.events());
          if (operations) {
            g.writeNumberField("bytes_on_disk", stats.bytesOnDisk());
          }
          g.writeEndObject();
          g.writeEndObject();
        });
  }

  /** The server's own counters: every tenant's requests, shown to the operations tenant. */
  private void ingestAndPipeline(JsonGenerator g, BatchingWriter.Stats w, RateMeter.Rates r)
      throws IOException {
    g.writeObjectFieldStart("ingest");
    counters.writeFields(g);
    g.writeNumberField("spans_per_second", r.spansPerSecond());
    g.writeNumberField("logs_per_second", r.logsPerSecond());
    g.writeEndObject();
    g.writeObjectFieldStart("pipeline");
    g.writeNumberField("queued_events", w.queuedEvents());
    g.writeNumberField("written_events", w.writtenEvents());
    g.writeNumberField("batches", w.batches());
    g.writeNumberField("failed_batches", w.failedBatches());
    g.writeNumberField("last_batch_events", w.lastBatchEvents());
    g.writeNumberField("last_batch_millis", w.lastBatchMillis());
    g.writeEndObject();
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

  static HttpResponse error(HttpStatus status, String message) {
    return json(
        status,
        g -> {
          g.writeStartObject();
          g.writeStringField("error", message);
          g.writeEndObject();
        });
  }

  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private static HttpResponse json(Body body) {
    return json(HttpStatus.OK, body);
  }

  private static HttpResponse json(HttpStatus status, Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return HttpResponse.of(status, MediaType.JSON_UTF_8, out.toByteArray());
  }

  private static final class BadRequest extends Exception {
    BadRequest(String message) {
      super(message, null, false, false);
    }
  }
}
