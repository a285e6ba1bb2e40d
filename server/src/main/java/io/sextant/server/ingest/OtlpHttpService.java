package io.sextant.server.ingest;

import com.google.protobuf.util.JsonFormat;
import com.google.rpc.Code;
import com.google.rpc.Status;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.sextant.ingest.DecodeResult;
import io.sextant.ingest.IngestLimits;
import io.sextant.ingest.MalformedRequestException;
import io.sextant.ingest.otlp.OtlpDecoder;
import io.sextant.ingest.otlp.OtlpResponses;
import io.sextant.pipeline.Overloaded;
import io.sextant.server.ingest.IngestCounters.Signal;
import io.sextant.server.security.RequestTenant;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * OTLP/HTTP: {@code POST /v1/traces}, {@code /v1/logs} and {@code /v1/metrics}, protobuf or JSON,
 * optionally gzip. Statuses as the OTLP spec says: 200 with partial_success for rejected items, 400
 * for a body that cannot be decoded, 415 for an unknown content type, 429 with Retry-After when the
 * queue is full, 503 with Retry-After when the store failed (retryable, nothing was acknowledged).
 */
public final class OtlpHttpService implements HttpService {
  private static final MediaType PROTOBUF = MediaType.parse("application/x-protobuf");

  private final Signal signal;
  private final OtlpDecoder decoder;
  private final IngestGate gate;
  private final IngestLimits limits;

  public OtlpHttpService(Signal signal, OtlpDecoder decoder, IngestGate gate, IngestLimits limits) {
    this.signal = signal;
    this.decoder = decoder;
    this.gate = gate;
    this.limits = limits;
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    if (req.method() != HttpMethod.POST) {
      return HttpResponse.of(
          HttpStatus.METHOD_NOT_ALLOWED,
          MediaType.PLAIN_TEXT_UTF_8,
          "use POST to send OTLP data to " + ctx.path());
    }
    String tenant = RequestTenant.of(ctx);
    return HttpResponse.of(req.aggregate().thenCompose(agg -> handle(agg, tenant)));
  }

  private CompletableFuture<HttpResponse> handle(AggregatedHttpRequest req, String tenant) {
    MediaType type = req.contentType();
    boolean json;
    if (type != null && type.is(MediaType.JSON)) {
      json = true;
    } else if (type != null
        && (type.is(PROTOBUF) || type.is(MediaType.parse("application/protobuf")))) {
      json = false;
    } else {
      return done(
          error(
              false,
              HttpStatus.UNSUPPORTED_MEDIA_TYPE,
              Code.INVALID_ARGUMENT,
              "Content-Type "
                  + (type == null ? "(none)" : type.nameWithoutParameters())
                  + " is not supported; send application/x-protobuf or application/json"));
    }
    DecodeResult decoded;
    try {
      byte[] body = Bodies.read(req, limits.maxBodyBytes());
      decoded =
          switch (signal) {
            case TRACES -> json ? decoder.decodeTracesJson(body) : decoder.decodeTraces(body);
            case LOGS -> json ? decoder.decodeLogsJson(body) : decoder.decodeLogs(body);
            case METRICS -> json ? decoder.decodeMetricsJson(body) : decoder.decodeMetrics(body);
          };
    } catch (Bodies.BadBody e) {
      gate.counters().requestsMalformed.increment();
      return done(error(json, HttpStatus.valueOf(e.status), Code.INVALID_ARGUMENT, e.getMessage()));
    } catch (MalformedRequestException e) {
      gate.counters().requestsMalformed.increment();
      return done(error(json, HttpStatus.BAD_REQUEST, Code.INVALID_ARGUMENT, e.getMessage()));
    }
    CompletableFuture<Void> durable;
    try {
      durable = gate.accept(signal, decoded, tenant);
    } catch (Overloaded e) {
      return done(
          retryLater(json, HttpStatus.TOO_MANY_REQUESTS, e.getMessage(), e.retryAfterSeconds()));
    }
    return durable.handle(
        (ok, failure) ->
            failure == null
                ? success(json, decoded)
                : retryLater(
                    json,
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "the events could not be stored; retry: " + rootMessage(failure),
                    5));
  }

  private HttpResponse success(boolean json, DecodeResult decoded) {
    long rejected = decoded.rejected();
    String message = decoded.rejectionMessage();
    byte[] body =
        switch (signal) {
          case TRACES ->
              json
                  ? OtlpResponses.tracesJson(rejected, message)
                  : OtlpResponses.traces(rejected, message);
          case LOGS ->
              json
                  ? OtlpResponses.logsJson(rejected, message)
                  : OtlpResponses.logs(rejected, message);
          case METRICS ->
              json
                  ? OtlpResponses.metricsJson(rejected, message)
                  : OtlpResponses.metrics(rejected, message);
        };
    return HttpResponse.of(HttpStatus.OK, json ? MediaType.JSON : PROTOBUF, body);
  }

  private static HttpResponse retryLater(
      boolean json, HttpStatus status, String message, int seconds) {
    HttpResponse base = error(json, status, Code.RESOURCE_EXHAUSTED, message);
    return base.mapHeaders(
        h -> h.toBuilder().set(HttpHeaderNames.RETRY_AFTER, Integer.toString(seconds)).build());
  }

  /** The body OTLP specifies for failures: a google.rpc.Status in the request's encoding. */
  static HttpResponse error(boolean json, HttpStatus status, Code code, String message) {
    Status s = Status.newBuilder().setCode(code.getNumber()).setMessage(message).build();
    if (json) {
      String text;
      try {
        text = JsonFormat.printer().omittingInsignificantWhitespace().print(s);
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        text = "{\"message\":\"" + message.replace("\"", "'") + "\"}";
      }
      return HttpResponse.of(
          ResponseHeaders.of(status, HttpHeaderNames.CONTENT_TYPE, MediaType.JSON),
          com.linecorp.armeria.common.HttpData.of(StandardCharsets.UTF_8, text));
    }
    return HttpResponse.of(status, PROTOBUF, s.toByteArray());
  }

  private static CompletableFuture<HttpResponse> done(HttpResponse r) {
    return CompletableFuture.completedFuture(r);
  }

  static String rootMessage(Throwable t) {
    while (t.getCause() != null && (t instanceof CompletionException || t.getMessage() == null)) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
