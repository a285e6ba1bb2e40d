package io.sextant.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.sextant.query.Engine;
import io.sextant.query.Filter;
import io.sextant.query.Op;
import io.sextant.query.QueryException;
import io.sextant.query.Question;
import io.sextant.query.Result;
import io.sextant.query.TraceQuery;
import io.sextant.query.text.QueryText;
import io.sextant.server.api.answer.Answers;
import io.sextant.server.api.answer.QueryAnswers;
import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.TimeRange;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The query API on :7070 (docs/api.md): questions, compare-to-baseline, trace search and the column
 * catalog. Bodies are limited to {@link #MAX_BODY} bytes; a question that cannot be answered as
 * asked gets a 400 with one sentence and, for the text syntax, the position.
 */
public final class QueryApi {
  static final int MAX_BODY = 64 * 1024;
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Engine engine;
  private final Clock clock;
  private final Executor blocking;

  public QueryApi(Engine engine, Clock clock, Executor blocking) {
    this.engine = engine;
    this.clock = clock;
    this.blocking = blocking;
  }

  /** Binds the routes; each request is answered by {@code of} its tenant. */
  public static void bind(
      ServerBuilder sb, int port, Function<ServiceRequestContext, QueryApi> of) {
    sb.virtualHost(port)
        .service("/api/v1/query", (ctx, req) -> of.apply(ctx).post(ctx, req, Handler.QUERY))
        .service("/api/v1/compare", (ctx, req) -> of.apply(ctx).post(ctx, req, Handler.COMPARE))
        .service("/api/v1/columns", (ctx, req) -> of.apply(ctx).get(ctx, req, Handler.COLUMNS))
        .service("/api/v1/traces", (ctx, req) -> of.apply(ctx).get(ctx, req, Handler.TRACES));
  }

  private interface Handler {
    Record answer(QueryApi api, JsonNode body, QueryParams params) throws Exception;

    Handler QUERY = QueryApi::query;
    Handler COMPARE = QueryApi::compare;
    Handler COLUMNS = QueryApi::columns;
    Handler TRACES = QueryApi::traces;
  }

  private long now() {
    Instant i = clock.instant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  private HttpResponse post(ServiceRequestContext ctx, HttpRequest req, Handler h) {
    if (req.method() != HttpMethod.POST) {
      return error(HttpStatus.METHOD_NOT_ALLOWED, "use POST with a JSON body", -1);
    }
    ctx.setMaxRequestLength(MAX_BODY);
    ctx.setRequestTimeout(TIMEOUT);
    return HttpResponse.of(
        req.aggregate()
            .thenApplyAsync(agg -> answerBody(h, () -> body(agg), ctx.queryParams()), blocking)
            .exceptionally(
                t ->
                    com.linecorp.armeria.common.util.Exceptions.peel(t)
                            instanceof com.linecorp.armeria.common.ContentTooLargeException
                        ? error(
                            HttpStatus.REQUEST_ENTITY_TOO_LARGE,
                            "the request body is over " + MAX_BODY + " bytes",
                            -1)
                        : error(
                            HttpStatus.BAD_REQUEST,
                            "the request body could not be read: " + t,
                            -1)));
  }

  private HttpResponse get(ServiceRequestContext ctx, HttpRequest req, Handler h) {
    if (req.method() != HttpMethod.GET) {
      return error(HttpStatus.METHOD_NOT_ALLOWED, "use GET", -1);
    }
    ctx.setRequestTimeout(TIMEOUT);
    return HttpResponse.of(
        CompletableFuture.supplyAsync(() -> answer(h, null, ctx.queryParams()), blocking));
  }

  private static JsonNode body(AggregatedHttpRequest agg) {
    String text = agg.contentUtf8();
    if (text.isBlank()) {
      throw new QueryException("the request body is empty; send a JSON question");
    }
    try {
      JsonNode node = MAPPER.readTree(text);
      if (!node.isObject()) {
        throw new QueryException("the request body must be a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new QueryException("the request body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private HttpResponse answer(Handler h, JsonNode body, QueryParams params) {
    try {
      return Answers.response(HttpStatus.OK, h.answer(this, body, params));
    } catch (QueryException e) {
      return error(HttpStatus.BAD_REQUEST, e.getMessage(), e.position());
    } catch (StoreException e) {
      return error(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage(), -1);
    } catch (Exception e) {
      return error(HttpStatus.INTERNAL_SERVER_ERROR, "internal error: " + e, -1);
    }
  }

  /** Wraps the JSON body parse, which runs before the handler. */
  private HttpResponse answerBody(Handler h, Supplier<JsonNode> body, QueryParams p) {
    try {
      return answer(h, body.get(), p);
    } catch (QueryException e) {
      return error(HttpStatus.BAD_REQUEST, e.getMessage(), e.position());
    }
  }

  private Question question(JsonNode body) {
    if (body.hasNonNull("q")) {
      return QueryText.parse(body.get("q").asText(), now());
    }
    return QueryJson.question(body, now());
  }

  /** The query {@link Result}, which {@code Answers.JSON} writes as it walks it. */
  private Result query(JsonNode body, QueryParams params) throws Exception {
    return engine.run(question(body));
  }

  private QueryAnswers.Compare compare(JsonNode body, QueryParams params) throws Exception {
    return QueryAnswers.Compare.of(engine.compare(QueryJson.compare(body, now())));
  }

  private TimeRange range(QueryParams params) {
    JsonNode node = MAPPER.valueToTree(paramsObject(params, "from", "to", "last"));
    return QueryJson.range(node, now());
  }

  private static Map<String, Object> paramsObject(QueryParams params, String... names) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String n : names) {
      String v = params.get(n);
      if (v != null) {
        out.put(n, v.chars().allMatch(Character::isDigit) && !v.isEmpty() ? Long.parseLong(v) : v);
      }
    }
    return out;
  }

  private QueryAnswers.Columns columns(JsonNode body, QueryParams params) throws Exception {
    return QueryAnswers.Columns.of(engine.columns(range(params)));
  }

  /**
   * Trace search: {@code q} in the text syntax (its where clause and time range), or Jaeger-like
   * parameters {@code service}, {@code operation}, {@code min_duration}, {@code max_duration},
   * {@code error=true}, {@code attr.<key>=<value>}; and {@code from}/{@code to}/{@code last},
   * {@code limit}.
   */
  private QueryAnswers.Traces traces(JsonNode body, QueryParams params) throws Exception {
    int limit = parseLimit(params.get("limit"));
    TraceQuery query;
    if (params.contains("q")) {
      Question q = QueryText.parse(params.get("q"), now());
      query = new TraceQuery(q.range(), q.where(), limit);
    } else {
      List<Filter> parts = new ArrayList<>();
      add(parts, "service.name", Op.EQ, params.get("service"));
      add(parts, "name", Op.EQ, params.get("operation"));
      if (params.get("min_duration") != null) {
        parts.add(
            Filter.Predicate.of(
                "duration", Op.GE, QueryJson.duration(params.get("min_duration"), "min_duration")));
      }
      if (params.get("max_duration") != null) {
        parts.add(
            Filter.Predicate.of(
                "duration", Op.LE, QueryJson.duration(params.get("max_duration"), "max_duration")));
      }
      add(parts, "error", Op.EQ, params.get("error"));
      for (String name : params.names()) {
        if (name.startsWith("attr.") && name.length() > 5) {
          add(parts, name.substring(5), Op.EQ, params.get(name));
        }
      }
      Filter where =
          parts.isEmpty() ? null : parts.size() == 1 ? parts.get(0) : new Filter.And(parts);
      query = new TraceQuery(range(params), where, limit);
    }
    return QueryAnswers.Traces.of(engine.traces(query));
  }

  private static void add(List<Filter> parts, String column, Op op, String value) {
    if (value != null && !value.isEmpty()) {
      parts.add(Filter.Predicate.of(column, op, value));
    }
  }

  private static int parseLimit(String text) {
    if (text == null) {
      return 0;
    }
    int n;
    try {
      n = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new QueryException("limit \"" + text + "\" is not a whole number");
    }
    if (n < 1) {
      throw new QueryException("limit must be at least 1, not " + n);
    }
    return n;
  }

  static HttpResponse error(HttpStatus status, String message, int position) {
    return Answers.response(status, new Answers.QueryErrorAnswer(message, position));
  }
}
