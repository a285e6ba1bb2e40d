package io.sextant.server.ingest;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.sextant.ingest.DecodeResult;
import io.sextant.ingest.IngestLimits;
import io.sextant.ingest.jsonl.JsonLinesDecoder;
import io.sextant.ingest.jsonl.JsonLinesResult;
import io.sextant.pipeline.Overloaded;
import io.sextant.server.api.answer.Answers;
import io.sextant.server.api.answer.IngestAnswers;
import io.sextant.server.ingest.IngestCounters.Signal;
import io.sextant.server.security.RequestTenant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /v1/logs/jsonl} (and {@code POST /v1/logs} with {@code Content-Type:
 * application/x-ndjson}): newline-delimited JSON, one log event per line, accepted line by line.
 * The answer is JSON: {@code {"accepted":n,"rejected":m,"errors":[{"line":3,"error":"…"}]}} with at
 * most {@value JsonLinesDecoder#MAX_LISTED_ERRORS} errors listed; 200 when any line was kept (or
 * there was none), 400 when every line was rejected, and the same 413/415/429/503 as OTLP/HTTP,
 * with {@code {"error": "…"}}. Acknowledged only once the events are durable.
 */
public final class JsonLinesService implements HttpService {
  /** The content types taken as JSON lines; curl's default form type too, for shell pipes. */
  static final List<MediaType> ACCEPTED =
      List.of(
          MediaType.parse("application/x-ndjson"),
          MediaType.parse("application/ndjson"),
          MediaType.parse("application/jsonl"),
          MediaType.parse("application/json-lines"),
          MediaType.parse("application/x-jsonlines"),
          MediaType.JSON,
          MediaType.PLAIN_TEXT,
          MediaType.parse("application/x-www-form-urlencoded"));

  private final JsonLinesDecoder decoder;
  private final IngestGate gate;
  private final IngestLimits limits;

  public JsonLinesService(JsonLinesDecoder decoder, IngestGate gate, IngestLimits limits) {
    this.decoder = decoder;
    this.gate = gate;
    this.limits = limits;
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    if (req.method() != HttpMethod.POST) {
      return Answers.error(
          HttpStatus.METHOD_NOT_ALLOWED, "use POST to send JSON lines to " + ctx.path());
    }
    String tenant = RequestTenant.of(ctx);
    return HttpResponse.of(req.aggregate().thenCompose(agg -> handle(agg, tenant)));
  }

  private CompletableFuture<HttpResponse> handle(AggregatedHttpRequest req, String tenant) {
    MediaType type = req.contentType();
    if (type != null && ACCEPTED.stream().noneMatch(type::is)) {
      return done(
          Answers.error(
              HttpStatus.UNSUPPORTED_MEDIA_TYPE,
              "Content-Type "
                  + type.nameWithoutParameters()
                  + " is not supported; send JSON lines as application/x-ndjson"));
    }
    JsonLinesResult result;
    try {
      result = decoder.decode(Bodies.read(req, limits.maxBodyBytes()));
    } catch (Bodies.BadBody e) {
      gate.counters().requestsMalformed.increment();
      return done(Answers.error(HttpStatus.valueOf(e.status), e.getMessage()));
    }
    DecodeResult decoded = result.toDecodeResult();
    CompletableFuture<Void> durable;
    try {
      durable = gate.accept(Signal.LOGS, decoded, tenant);
    } catch (Overloaded e) {
      return done(retryLater(HttpStatus.TOO_MANY_REQUESTS, e.getMessage(), e.retryAfterSeconds()));
    }
    return durable.handle(
        (ok, failure) -> {
          if (failure != null) {
            return retryLater(
                HttpStatus.SERVICE_UNAVAILABLE,
                "the events could not be stored; retry: " + OtlpHttpService.rootMessage(failure),
                5);
          }
          boolean allRejected = result.events().isEmpty() && result.rejected() > 0;
          return Answers.response(
              allRejected ? HttpStatus.BAD_REQUEST : HttpStatus.OK,
              IngestAnswers.JsonLines.of(result));
        });
  }

  private static HttpResponse retryLater(HttpStatus status, String message, int seconds) {
    return Answers.error(status, message)
        .mapHeaders(
            h -> h.toBuilder().set(HttpHeaderNames.RETRY_AFTER, Integer.toString(seconds)).build());
  }

  private static CompletableFuture<HttpResponse> done(HttpResponse r) {
    return CompletableFuture.completedFuture(r);
  }
}
