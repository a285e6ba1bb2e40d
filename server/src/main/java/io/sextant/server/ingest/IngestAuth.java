package io.sextant.server.ingest;

import com.google.rpc.Code;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.sextant.server.security.ApiToken;
import io.sextant.server.security.Scope;
import io.sextant.server.security.Tokens;
import java.util.Optional;

/**
 * The ingest ports' check of {@code Authorization: Bearer <token>} (as OTel exporters send it from
 * {@code OTEL_EXPORTER_OTLP_HEADERS}) for a token with the {@code ingest} scope, when tokens are
 * configured. OTLP/HTTP refusals are a {@code google.rpc.Status} (401 / 403, with {@code
 * WWW-Authenticate}); Zipkin's are plain text; gRPC's are UNAUTHENTICATED / PERMISSION_DENIED.
 */
public final class IngestAuth {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Tokens tokens;

  public IngestAuth(Tokens tokens) {
    this.tokens = tokens;
  }

  public boolean enabled() {
    return tokens.enabled();
  }

  /** Why a request with {@code authorization} may not send telemetry, or null when it may. */
  String refusal(String authorization, boolean[] presented) {
    String bearer = Tokens.bearer(authorization);
    presented[0] = bearer != null;
    Optional<ApiToken> t = tokens.find(bearer);
    if (t.isEmpty()) {
      return bearer == null
          ? "this server needs a token with the ingest scope: send Authorization: Bearer <token>"
              + " (OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<token>)"
          : "the token is not one this server knows";
    }
    if (!t.get().allows(Scope.INGEST)) {
      presented[0] = true;
      return "token " + t.get().name() + " lacks the ingest scope";
    }
    return null;
  }

  /** For OTLP/HTTP: refusals as google.rpc.Status in the request's encoding. */
  public DecoratingHttpServiceFunction otlpHttp() {
    return (HttpService delegate, ServiceRequestContext ctx, HttpRequest req) -> {
      boolean[] presented = {false};
      String why = refusal(req.headers().get(HttpHeaderNames.AUTHORIZATION), presented);
      if (why == null) {
        return delegate.serve(ctx, req);
      }
      boolean json = req.contentType() != null && req.contentType().is(MediaType.JSON);
      boolean known = why.startsWith("token ");
      HttpResponse r =
          OtlpHttpService.error(
              json,
              known ? HttpStatus.FORBIDDEN : HttpStatus.UNAUTHORIZED,
              known ? Code.PERMISSION_DENIED : Code.UNAUTHENTICATED,
              why);
      return challenge(r, known, presented[0]);
    };
  }

  /** For Zipkin: plain-text refusals. */
  public DecoratingHttpServiceFunction zipkin() {
    return (HttpService delegate, ServiceRequestContext ctx, HttpRequest req) -> {
      boolean[] presented = {false};
      String why = refusal(req.headers().get(HttpHeaderNames.AUTHORIZATION), presented);
      if (why == null) {
        return delegate.serve(ctx, req);
      }
      boolean known = why.startsWith("token ");
      return challenge(
          HttpResponse.of(
              known ? HttpStatus.FORBIDDEN : HttpStatus.UNAUTHORIZED,
              MediaType.PLAIN_TEXT_UTF_8,
              why),
          known,
          presented[0]);
    };
  }

  private static HttpResponse challenge(HttpResponse r, boolean scope, boolean presented) {
    String value =
        scope
            ? "Bearer realm=\"sextant\", error=\"insufficient_scope\", scope=\"ingest\""
            : presented
                ? "Bearer realm=\"sextant\", error=\"invalid_token\""
                : "Bearer realm=\"sextant\"";
    return r.mapHeaders(h -> h.toBuilder().set(HttpHeaderNames.WWW_AUTHENTICATE, value).build());
  }

  /** For OTLP/gRPC: UNAUTHENTICATED or PERMISSION_DENIED, with the reason as description. */
  public ServerInterceptor grpc() {
    return new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        boolean[] presented = {false};
        String why = refusal(headers.get(AUTHORIZATION), presented);
        if (why == null) {
          return next.startCall(call, headers);
        }
        Status status =
            why.startsWith("token ") ? Status.PERMISSION_DENIED : Status.UNAUTHENTICATED;
        call.close(status.withDescription(why), new Metadata());
        return new ServerCall.Listener<>() {};
      }
    };
  }
}
