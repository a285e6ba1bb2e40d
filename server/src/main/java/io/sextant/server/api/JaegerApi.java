package io.sextant.server.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.sextant.model.Event;
import io.sextant.model.TraceId;
import io.sextant.query.Engine;
import io.sextant.query.Filter;
import io.sextant.query.HopQuery;
import io.sextant.query.Op;
import io.sextant.query.QueryException;
import io.sextant.query.Question;
import io.sextant.query.Result;
import io.sextant.query.TraceQuery;
import io.sextant.query.TraceSummary;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.ServiceSummary;
import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.TimeRange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Jaeger's query HTTP API on :7070 (docs/api.md), so Grafana's Jaeger data source, the Jaeger UI
 * and other Jaeger clients read Sextant: services, operations, trace search and one trace, in
 * Jaeger's JSON ({@link JaegerJson}) and its envelope {@code {data, total, limit, offset, errors}}.
 * The routes sit on the API port behind the same guard as the rest of {@code /api/} (read scope).
 * Searches run through the query engine; a trace is read whole from the store.
 */
public final class JaegerApi {
  /** The window services, operations and searches look back over when none is given. */
  static final Duration DEFAULT_LOOKBACK = Duration.ofDays(2);

  /** The widest window one request may cover. */
  static final Duration MAX_WINDOW = Duration.ofDays(31);

  /** The most traces one search returns. */
  static final int MAX_LIMIT = TraceQuery.MAX_LIMIT;

  /** Jaeger's default number of traces. */
  static final int DEFAULT_LIMIT = 100;

  /** A search stops adding traces once its answer holds this many spans. */
  static final int MAX_SPANS = 100_000;

  static final int MAX_TAGS = 50;
  static final int MAX_PARAM_CHARS = 8_192;
  static final int MAX_TRACE_IDS = 100;

  private static final JsonFactory JSON = new JsonFactory();
  static final ObjectMapper MAPPER = new ObjectMapper();

  private final Engine engine;
  private final EventStore store;
  private final Clock clock;
  private final Executor blocking;

  public JaegerApi(Engine engine, EventStore store, Clock clock, Executor blocking) {
    this.engine = engine;
    this.store = store;
    this.clock = clock;
    this.blocking = blocking;
  }

  /** Binds the routes; each request is answered by {@code of} its tenant. */
  public static void bind(
      ServerBuilder sb, int port, Function<ServiceRequestContext, JaegerApi> of) {
    sb.virtualHost(port)
        .service("/api/services", (ctx, req) -> of.apply(ctx).get(ctx, req, JaegerApi::services))
        .service(
            "/api/services/{service}/operations",
            (ctx, req) ->
                of.apply(ctx)
                    .get(ctx, req, (a, p) -> a.operationNames(ctx.pathParam("service"), p)))
        .service(
            "/api/operations", (ctx, req) -> of.apply(ctx).get(ctx, req, JaegerApi::operations))
        .service("/api/traces", (ctx, req) -> of.apply(ctx).get(ctx, req, JaegerApi::search))
        .service(
            "/api/traces/{traceID}",
            (ctx, req) -> of.apply(ctx).get(ctx, req, (a, p) -> a.trace(ctx.pathParam("traceID"))))
        .service(
            "/api/dependencies",
            (ctx, req) -> of.apply(ctx).get(ctx, req, JaegerApi::dependencies));
  }

  /** An answer: status and JSON body. */
  private record Answer(HttpStatus status, byte[] body) {}

  private interface Handler {
    Answer answer(JaegerApi api, QueryParams params) throws Exception;
  }

  /** A request Jaeger's API would refuse with 400; the message is one sentence. */
  static final class BadRequest extends RuntimeException {
    BadRequest(String message) {
      super(message, null, false, false);
    }
  }

  private HttpResponse get(ServiceRequestContext ctx, HttpRequest req, Handler h) {
    if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
      return respond(error(HttpStatus.METHOD_NOT_ALLOWED, "use GET"));
    }
    ctx.setRequestTimeout(QueryApi.TIMEOUT);
    return HttpResponse.of(
        CompletableFuture.supplyAsync(() -> respond(run(h, ctx.queryParams())), blocking));
  }

  private Answer run(Handler h, QueryParams params) {
    try {
      return h.answer(this, params);
    } catch (BadRequest | QueryException e) {
      return error(HttpStatus.BAD_REQUEST, e.getMessage());
    } catch (StoreException e) {
      return error(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
    } catch (Exception e) {
      return error(HttpStatus.INTERNAL_SERVER_ERROR, "internal error: " + e);
    }
  }

  private static HttpResponse respond(Answer a) {
    return HttpResponse.of(a.status(), MediaType.JSON_UTF_8, a.body());
  }

  // ---- routes ----

  private Answer services(QueryParams params) throws Exception {
    TimeRange range = window(params, null);
    Set<String> names = new TreeSet<>();
    for (ServiceSummary s : store.services(range)) {
      names.add(s.name());
    }
    return data(names.size(), g -> writeStrings(g, names));
  }

  /** {@code /api/services/{service}/operations}: the operation names, as the Jaeger UI reads. */
  private Answer operationNames(String service, QueryParams params) throws Exception {
    Set<String> names = new TreeSet<>();
    for (String[] op : operationsOf(service, null, params)) {
      names.add(op[0]);
    }
    return data(names.size(), g -> writeStrings(g, names));
  }

  /** {@code /api/operations?service=…&spanKind=…}: names with their span kinds. */
  private Answer operations(QueryParams params) throws Exception {
    String service = params.get("service");
    if (service == null || service.isEmpty()) {
      throw new BadRequest("parameter 'service' is required");
    }
    String kind = params.get("spanKind");
    if (kind != null && !kind.isEmpty()) {
      kind = kind.toLowerCase(Locale.ROOT);
      if (!Set.of("server", "client", "producer", "consumer", "internal").contains(kind)) {
        throw new BadRequest(
            "spanKind \""
                + params.get("spanKind")
                + "\" is not one of server, client, producer, consumer or internal");
      }
    } else {
      kind = null;
    }
    List<String[]> ops = operationsOf(service, kind, params);
    return data(
        ops.size(),
        g -> {
          g.writeStartArray();
          for (String[] op : ops) {
            g.writeStartObject();
            g.writeStringField("name", op[0]);
            g.writeStringField("spanKind", op[1]);
            g.writeEndObject();
          }
          g.writeEndArray();
        });
  }

  /** {name, Jaeger span kind} of each operation of {@code service}, by name then kind. */
  private List<String[]> operationsOf(String service, String kind, QueryParams params)
      throws StoreException {
    JaegerParams.checkLength("service", service);
    List<Filter> parts = new ArrayList<>();
    parts.add(Filter.Predicate.of("kind", Op.EQ, "span"));
    parts.add(Filter.Predicate.of("service.name", Op.EQ, service));
    if (kind != null) {
      parts.add(
          kind.equals("internal")
              ? Filter.Predicate.of("span.kind", Op.IN, "internal", "unspecified")
              : Filter.Predicate.of("span.kind", Op.EQ, kind));
    }
    Question q =
        Question.over(window(params, null))
            .where(new Filter.And(parts))
            .by("name", "span.kind")
            .limit(Question.MAX_LIMIT)
            .build();
    Result r = engine.run(q);
    Map<String, String[]> ops = new TreeMap<>();
    for (List<Object> row : r.rows()) {
      String name = String.valueOf(row.get(0));
      String k = row.get(1) == null ? "" : row.get(1).toString();
      String jaegerKind = k.equals("unspecified") ? "internal" : k;
      ops.putIfAbsent(name + '\u0000' + jaegerKind, new String[] {name, jaegerKind});
    }
    return new ArrayList<>(ops.values());
  }

  private Answer trace(String id) throws Exception {
    TraceId traceId = JaegerParams.traceId(id);
    List<Event> events = store.trace(traceId);
    if (JaegerJson.spanCount(events) == 0) {
      return error(HttpStatus.NOT_FOUND, "trace not found");
    }
    return data(
        1,
        g -> {
          g.writeStartArray();
          JaegerJson.trace(g, traceId, events);
          g.writeEndArray();
        });
  }

  private Answer search(QueryParams params) throws Exception {
    List<String> ids = params.getAll("traceID");
    if (!ids.isEmpty()) {
      if (ids.size() > MAX_TRACE_IDS) {
        throw new BadRequest("at most " + MAX_TRACE_IDS + " traceID parameters are allowed");
      }
      Set<TraceId> wanted = new LinkedHashSet<>();
      for (String id : ids) {
        wanted.add(JaegerParams.traceId(id));
      }
      List<TraceId> found = new ArrayList<>();
      List<List<Event>> traces = new ArrayList<>();
      for (TraceId t : wanted) {
        List<Event> events = store.trace(t);
        if (JaegerJson.spanCount(events) > 0) {
          found.add(t);
          traces.add(events);
        }
      }
      return traces(found, traces);
    }
    String service = params.get("service");
    if (service == null || service.isEmpty()) {
      throw new BadRequest("parameter 'service' is required");
    }
    JaegerParams.checkLength("service", service);
    int limit = JaegerParams.limit(params.get("limit"));
    TimeRange range = window(params, params.get("lookback"));
    List<Filter> parts = new ArrayList<>();
    parts.add(Filter.Predicate.of("kind", Op.EQ, "span"));
    parts.add(Filter.Predicate.of("service.name", Op.EQ, service));
    String operation = params.get("operation");
    if (operation != null && !operation.isEmpty()) {
      JaegerParams.checkLength("operation", operation);
      parts.add(Filter.Predicate.of("name", Op.EQ, operation));
    }
    Long min = JaegerParams.duration(params.get("minDuration"), "minDuration");
    Long max = JaegerParams.duration(params.get("maxDuration"), "maxDuration");
    if (min != null && max != null && max < min) {
      throw new BadRequest("'maxDuration' should be greater than 'minDuration'");
    }
    if (min != null) {
      parts.add(Filter.Predicate.of("duration", Op.GE, min));
    }
    if (max != null) {
      parts.add(Filter.Predicate.of("duration", Op.LE, max));
    }
    Map<String, String> tags = JaegerParams.tags(params);
    var catalog = engine.catalog();
    for (Map.Entry<String, String> t : tags.entrySet()) {
      Filter f = JaegerParams.tagFilter(t.getKey(), t.getValue());
      String column = ((Filter.Predicate) f).column();
      if (!catalog.contains(column)) {
        // No stored event has this key, so no span matches: Jaeger answers with no traces.
        return traces(List.of(), List.of());
      }
      parts.add(f);
    }
    List<TraceSummary> found = engine.traces(new TraceQuery(range, new Filter.And(parts), limit));
    List<TraceId> foundIds = new ArrayList<>();
    List<List<Event>> traces = new ArrayList<>();
    int spans = 0;
    for (TraceSummary s : found) {
      TraceId t = TraceId.fromHex(s.traceId());
      List<Event> events = store.trace(t);
      int n = JaegerJson.spanCount(events);
      if (n == 0) {
        continue; // deleted by retention between the search and the read
      }
      if (!traces.isEmpty() && spans + n > MAX_SPANS) {
        break;
      }
      spans += n;
      foundIds.add(t);
      traces.add(events);
    }
    return traces(foundIds, traces);
  }

  private static Answer traces(List<TraceId> ids, List<List<Event>> traces) {
    return data(
        traces.size(),
        g -> {
          g.writeStartArray();
          for (int i = 0; i < traces.size(); i++) {
            JaegerJson.trace(g, ids.get(i), traces.get(i));
          }
          g.writeEndArray();
        });
  }

  /**
   * {@code /api/dependencies?endTs=<ms>&lookback=<ms>}: calls between services, from client and
   * producer spans joined to the server or consumer span of another service under them.
   */
  private Answer dependencies(QueryParams params) throws Exception {
    long endMs = JaegerParams.longParam(params.get("endTs"), "endTs", clock.millis());
    long lookbackMs =
        JaegerParams.longParam(params.get("lookback"), "lookback", DEFAULT_LOOKBACK.toMillis());
    if (lookbackMs <= 0 || lookbackMs > MAX_WINDOW.toMillis()) {
      throw new BadRequest(
          "lookback must be between 1 and " + MAX_WINDOW.toMillis() + " milliseconds");
    }
    long to = JaegerParams.nanos(endMs, 1_000_000L, "endTs");
    TimeRange range = new TimeRange(to - lookbackMs * 1_000_000L, to);
    List<HopQuery.Hop> hops =
        engine.hops(
            new HopQuery(
                range,
                Filter.Predicate.of("span.kind", Op.IN, "client", "producer"),
                List.of("service.name"),
                0));
    Map<String, Long> calls = new TreeMap<>();
    for (HopQuery.Hop h : hops) {
      Object caller = h.key().get(0);
      if (caller != null && h.callee() != null && !h.callee().equals(caller.toString())) {
        calls.merge(caller + "\u0000" + h.callee(), h.calls(), Long::sum);
      }
    }
    return data(
        calls.size(),
        g -> {
          g.writeStartArray();
          for (Map.Entry<String, Long> c : calls.entrySet()) {
            String[] pc = c.getKey().split("\u0000", 2);
            g.writeStartObject();
            g.writeStringField("parent", pc[0]);
            g.writeStringField("child", pc[1]);
            g.writeNumberField("callCount", c.getValue());
            g.writeEndObject();
          }
          g.writeEndArray();
        });
  }

  // ---- parameters ----

  /**
   * The window of a request: {@code start}/{@code end} in microseconds since the epoch, else {@code
   * lookback} (a duration such as {@code 1h}; Jaeger's UI also sends {@code custom}, read as no
   * lookback) before {@code end}, else {@link #DEFAULT_LOOKBACK}.
   */
  TimeRange window(QueryParams params, String lookback) {
    long now = JaegerParams.nanosOf(clock.instant());
    long end = JaegerParams.micros(params.get("end"), "end", now);
    long span = DEFAULT_LOOKBACK.toNanos();
    if (lookback != null && !lookback.isEmpty() && !lookback.equals("custom")) {
      span = JaegerParams.duration(lookback, "lookback");
      if (span <= 0) {
        throw new BadRequest("lookback must be longer than zero");
      }
      if (span > MAX_WINDOW.toNanos()) {
        throw new BadRequest("lookback " + lookback + " is over the maximum of 31 days");
      }
    }
    long start = JaegerParams.micros(params.get("start"), "start", end - span);
    if (end < start) {
      throw new BadRequest("'end' is before 'start'");
    }
    if (end - start > MAX_WINDOW.toNanos()) {
      throw new BadRequest("the window from 'start' to 'end' is over the maximum of 31 days");
    }
    return new TimeRange(start, end);
  }

  // ---- JSON ----

  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  /** Jaeger's envelope around {@code data}. */
  private static Answer data(int total, Body data) {
    return answer(
        HttpStatus.OK,
        g -> {
          g.writeStartObject();
          g.writeFieldName("data");
          data.write(g);
          g.writeNumberField("total", total);
          g.writeNumberField("limit", 0);
          g.writeNumberField("offset", 0);
          g.writeNullField("errors");
          g.writeEndObject();
        });
  }

  /** Jaeger's error: {@code {"data":null,...,"errors":[{"code":404,"msg":"trace not found"}]}}. */
  static Answer error(HttpStatus status, String message) {
    return answer(
        status,
        g -> {
          g.writeStartObject();
          g.writeNullField("data");
          g.writeNumberField("total", 0);
          g.writeNumberField("limit", 0);
          g.writeNumberField("offset", 0);
          g.writeArrayFieldStart("errors");
          g.writeStartObject();
          g.writeNumberField("code", status.code());
          g.writeStringField("msg", message);
          g.writeEndObject();
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  private static void writeStrings(JsonGenerator g, Set<String> names) throws IOException {
    g.writeStartArray();
    for (String n : names) {
      g.writeString(n);
    }
    g.writeEndArray();
  }

  private static Answer answer(HttpStatus status, Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Answer(status, out.toByteArray());
  }
}
