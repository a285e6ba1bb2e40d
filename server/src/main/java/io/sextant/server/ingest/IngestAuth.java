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
import java.util.function.Supplier;

/**
 * The ingest ports' check of {@code Authorization: Bearer <token>} (as OTel exporters send it from
 * {@code OTEL_EXPORTER_OTLP_HEADERS}) for a token with the {@code ingest} scope, when tokens are
 * configured. OTLP/HTTP refusals are a {@code google.rpc.Status} (401 / 403, with {@code
 * WWW-Authenticate}); Zipkin's are plain text; gRPC's are UNAUTHENTICATED / PERMISSION_DENIED.
 */
public final class IngestAuth {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Supplier<Tokens> tokens;

  /** {@code tokens}: the keys in force, asked at every request (they change on a reload). */
  public IngestAuth(Supplier<Tokens> tokens) {
    this.tokens = tokens;
  }

  public boolean enabled() {
    return tokens.get().enabled();
  }

  /**
   * Why a request may not send telemetry.
   *
   * @param scope true: the token is known but lacks the ingest scope (403); false: no token or an
   *     unknown one (401)
   * @param presented whether a bearer token was sent at all
   */
  record Refusal(String message, boolean scope, boolean presented) {
    String challenge() {
      return scope
          ? "Bearer realm=\"sextant\", error=\"insufficient_scope\", scope=\"ingest\""
          : presented
              ? "Bearer realm=\"sextant\", error=\"invalid_token\""
              : "Bearer realm=\"sextant\"";
    }
  }

  /** Why a request with {@code authorization} may not send telemetry, or null when it may. */
  Refusal refusal(String authorization) {
    String bearer = Tokens.bearer(authorization);
    Optional<ApiToken> t = tokens.get().find(bearer);
    if (t.isEmpty()) {
      return new Refusal(
          bearer == null
              ? "this server needs a token with the ingest scope: send Authorization: Bearer"
                  + " <token> (OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<token>)"
              : "the token is not one this server knows",
          false,
          bearer != null);
    }
    if (!t.get().allows(Scope.INGEST)) {
      return new Refusal("token " + t.get().name() + " lacks the ingest scope", true, true);
    }
    return null;
  }

  /** For OTLP/HTTP: refusals as google.rpc.Status in the request's encoding. */
  public DecoratingHttpServiceFunction otlpHttp() {
    return (HttpService delegate, ServiceRequestContext ctx, HttpRequest req) -> {
      Refusal why = refusal(req.headers().get(HttpHeaderNames.AUTHORIZATION));
      if (why == null) {
        return delegate.serve(ctx, req);
      }
      boolean json = req.contentType() != null && req.contentType().is(MediaType.JSON);
      return challenge(
          OtlpHttpService.error(
              json,
              why.scope() ? HttpStatus.FORBIDDEN : HttpStatus.UNAUTHORIZED,
              why.scope() ? Code.PERMISSION_DENIED : Code.UNAUTHENTICATED,
              why.message()),
          why);
    };
  }

  /** For Zipkin: plain-text refusals. */
  public DecoratingHttpServiceFunction zipkin() {
    return (HttpService delegate, ServiceRequestContext ctx, HttpRequest req) -> {
      Refusal why = refusal(req.headers().get(HttpHeaderNames.AUTHORIZATION));
      if (why == null) {
        return delegate.serve(ctx, req);
      }
      return challenge(
          HttpResponse.of(
              why.scope() ? HttpStatus.FORBIDDEN : HttpStatus.UNAUTHORIZED,
              MediaType.PLAIN_TEXT_UTF_8,
              why.message()),
          why);
    };
  }

  private static HttpResponse challenge(HttpResponse r, Refusal why) {
    return r.mapHeaders(
        h -> h.toBuilder().set(HttpHeaderNames.WWW_AUTHENTICATE, why.challenge()).build());
  }

  /** For OTLP/gRPC: UNAUTHENTICATED or PERMISSION_DENIED, with the reason as description. */
  public ServerInterceptor grpc() {
    return new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        Refusal why = refusal(headers.get(AUTHORIZATION));
        if (why == null) {
          return next.startCall(call, headers);
        }
        Status status = why.scope() ? Status.PERMISSION_DENIED : Status.UNAUTHENTICATED;
        call.close(status.withDescription(why.message()), new Metadata());
        return new ServerCall.Listener<>() {};
      }
    };
  }
}
