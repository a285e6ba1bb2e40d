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
import io.sextant.ingest.MalformedRequestException;
import io.sextant.ingest.zipkin.ZipkinDecoder;
import io.sextant.pipeline.Overloaded;
import io.sextant.server.ingest.IngestCounters.Signal;
import io.sextant.server.security.RequestTenant;
import java.util.concurrent.CompletableFuture;

/**
 * Zipkin API v2 {@code POST /api/v2/spans} (JSON), so Zipkin and Brave reporters work unchanged.
 * Answers 202 once the spans are durable, as Zipkin does on accept. Zipkin has no partial success:
 * when some spans break a limit the valid ones are stored and the answer is 400 saying how many
 * were rejected and why, so a reporter's log shows the problem.
 */
public final class ZipkinService implements HttpService {
  private final ZipkinDecoder decoder;
  private final IngestGate gate;
  private final IngestLimits limits;

  public ZipkinService(ZipkinDecoder decoder, IngestGate gate, IngestLimits limits) {
    this.decoder = decoder;
    this.gate = gate;
    this.limits = limits;
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    if (req.method() != HttpMethod.POST) {
      return text(HttpStatus.METHOD_NOT_ALLOWED, "use POST to send spans to /api/v2/spans");
    }
    String tenant = RequestTenant.of(ctx);
    return HttpResponse.of(req.aggregate().thenCompose(agg -> handle(agg, tenant)));
  }

  private CompletableFuture<HttpResponse> handle(AggregatedHttpRequest req, String tenant) {
    MediaType type = req.contentType();
    if (type != null && !type.is(MediaType.JSON)) {
      return done(
          text(
              HttpStatus.UNSUPPORTED_MEDIA_TYPE,
              "Content-Type "
                  + type.nameWithoutParameters()
                  + " is not supported; send Zipkin v2 JSON as application/json"));
    }
    DecodeResult decoded;
    try {
      decoded = decoder.decodeJsonV2(Bodies.read(req, limits.maxBodyBytes()));
    } catch (Bodies.BadBody e) {
      gate.counters().requestsMalformed.increment();
      return done(text(HttpStatus.valueOf(e.status), e.getMessage()));
    } catch (MalformedRequestException e) {
      gate.counters().requestsMalformed.increment();
      return done(text(HttpStatus.BAD_REQUEST, e.getMessage()));
    }
    CompletableFuture<Void> durable;
    try {
      durable = gate.accept(Signal.TRACES, decoded, tenant);
    } catch (Overloaded e) {
      return done(
          text(HttpStatus.TOO_MANY_REQUESTS, e.getMessage())
              .mapHeaders(
                  h ->
                      h.toBuilder()
                          .set(HttpHeaderNames.RETRY_AFTER, Integer.toString(e.retryAfterSeconds()))
                          .build()));
    }
    return durable.handle(
        (ok, failure) -> {
          if (failure != null) {
            return text(
                HttpStatus.SERVICE_UNAVAILABLE,
                "the spans could not be stored; retry: " + OtlpHttpService.rootMessage(failure));
          }
          if (decoded.rejected() > 0) {
            return text(HttpStatus.BAD_REQUEST, decoded.rejectionMessage());
          }
          return HttpResponse.of(HttpStatus.ACCEPTED);
        });
  }

  private static HttpResponse text(HttpStatus status, String message) {
    return HttpResponse.of(status, MediaType.PLAIN_TEXT_UTF_8, message);
  }

  private static CompletableFuture<HttpResponse> done(HttpResponse r) {
    return CompletableFuture.completedFuture(r);
  }
}
