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
import io.sextant.model.Tenant;
import io.sextant.server.security.ApiToken;
import io.sextant.server.security.RequestTenant;
import io.sextant.server.security.Scope;
import io.sextant.server.security.Tokens;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The ingest ports' door. When tokens are configured it checks {@code Authorization: Bearer
 * <token>} (as OTel exporters send it from {@code OTEL_EXPORTER_OTLP_HEADERS}) for a token with the
 * {@code ingest} scope; on every request it decides the tenant the events are written to ({@link
 * RequestTenant}: the key's, else {@code X-Scope-OrgID}'s, else the default). OTLP/HTTP refusals
 * are a {@code google.rpc.Status} (401 / 403 with {@code WWW-Authenticate}, 400 for a bad tenant
 * name); Zipkin's are plain text; gRPC's are UNAUTHENTICATED / PERMISSION_DENIED /
 * INVALID_ARGUMENT.
 */
public final class IngestAuth {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> TENANT =
      Metadata.Key.of(Tenant.HEADER, Metadata.ASCII_STRING_MARSHALLER);

  private final Supplier<Tokens> tokens;

  /** {@code tokens}: the keys in force, asked at every request (they change on a reload). */
  public IngestAuth(Supplier<Tokens> tokens) {
    this.tokens = tokens;
  }

  public boolean enabled() {
    return tokens.get().enabled();
  }

  enum Kind {
    /** No token or an unknown one: 401. */
    UNAUTHENTICATED,
    /** A known token without the ingest scope: 403. */
    NO_SCOPE,
    /** The header names another tenant than the key's: 403. */
    OTHER_TENANT,
    /** The header is not a tenant name: 400. */
    BAD_TENANT
  }

  /**
   * Why a request may not send telemetry.
   *
   * @param presented whether a bearer token was sent at all
   */
  record Refusal(String message, Kind kind, boolean presented) {
    String challenge() {
      return switch (kind) {
        case NO_SCOPE -> "Bearer realm=\"sextant\", error=\"insufficient_scope\", scope=\"ingest\"";
        case UNAUTHENTICATED ->
            presented
                ? "Bearer realm=\"sextant\", error=\"invalid_token\""
                : "Bearer realm=\"sextant\"";
        default -> null;
      };
    }

    HttpStatus status() {
      return switch (kind) {
        case UNAUTHENTICATED -> HttpStatus.UNAUTHORIZED;
        case NO_SCOPE, OTHER_TENANT -> HttpStatus.FORBIDDEN;
        case BAD_TENANT -> HttpStatus.BAD_REQUEST;
      };
    }

    Code code() {
      return switch (kind) {
        case UNAUTHENTICATED -> Code.UNAUTHENTICATED;
        case NO_SCOPE, OTHER_TENANT -> Code.PERMISSION_DENIED;
        case BAD_TENANT -> Code.INVALID_ARGUMENT;
      };
    }
  }

  /** What the door decided: the tenant to write to, or why not. */
  record Decision(String tenant, Refusal refusal) {}

  /**
   * The decision for a request with {@code authorization} and {@code X-Scope-OrgID} {@code org}.
   */
  Decision decide(String authorization, String org) {
    ApiToken key = null;
    Tokens keys = tokens.get();
    if (keys.enabled()) {
      String bearer = Tokens.bearer(authorization);
      Optional<ApiToken> t = keys.find(bearer);
      if (t.isEmpty()) {
        return refused(
            bearer == null
                ? "this server needs a token with the ingest scope: send Authorization: Bearer"
                    + " <token> (OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<token>)"
                : "the token is not one this server knows",
            Kind.UNAUTHENTICATED,
            bearer != null);
      }
      if (!t.get().allows(Scope.INGEST)) {
        return refused("token " + t.get().name() + " lacks the ingest scope", Kind.NO_SCOPE, true);
      }
      key = t.get();
    }
    try {
      return new Decision(RequestTenant.decide(key, org), null);
    } catch (RequestTenant.Refused r) {
      return refused(r.getMessage(), r.forbidden() ? Kind.OTHER_TENANT : Kind.BAD_TENANT, true);
    }
  }

  private static Decision refused(String message, Kind kind, boolean presented) {
    return new Decision(null, new Refusal(message, kind, presented));
  }

  private Decision decide(ServiceRequestContext ctx, HttpRequest req) {
    Decision d =
        decide(req.headers().get(HttpHeaderNames.AUTHORIZATION), req.headers().get(Tenant.HEADER));
    if (d.refusal() == null) {
      RequestTenant.set(ctx, d.tenant());
    }
    return d;
  }

  /** For OTLP/HTTP: refusals as google.rpc.Status in the request's encoding. */
  public DecoratingHttpServiceFunction otlpHttp() {
    return (HttpService delegate, ServiceRequestContext ctx, HttpRequest req) -> {
      Refusal why = decide(ctx, req).refusal();
      if (why == null) {
        return delegate.serve(ctx, req);
      }
      boolean json = req.contentType() != null && req.contentType().is(MediaType.JSON);
      return challenge(OtlpHttpService.error(json, why.status(), why.code(), why.message()), why);
    };
  }

  /** For Zipkin: plain-text refusals. */
  public DecoratingHttpServiceFunction zipkin() {
    return (HttpService delegate, ServiceRequestContext ctx, HttpRequest req) -> {
      Refusal why = decide(ctx, req).refusal();
      if (why == null) {
        return delegate.serve(ctx, req);
      }
      return challenge(
          HttpResponse.of(why.status(), MediaType.PLAIN_TEXT_UTF_8, why.message()), why);
    };
  }

  private static HttpResponse challenge(HttpResponse r, Refusal why) {
    String challenge = why.challenge();
    return challenge == null
        ? r
        : r.mapHeaders(h -> h.toBuilder().set(HttpHeaderNames.WWW_AUTHENTICATE, challenge).build());
  }

  /** For OTLP/gRPC: UNAUTHENTICATED, PERMISSION_DENIED or INVALID_ARGUMENT, with the reason. */
  public ServerInterceptor grpc() {
    return new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        Decision d = decide(headers.get(AUTHORIZATION), headers.get(TENANT));
        Refusal why = d.refusal();
        if (why == null) {
          RequestTenant.set(ServiceRequestContext.current(), d.tenant());
          return next.startCall(call, headers);
        }
        Status status =
            switch (why.kind()) {
              case UNAUTHENTICATED -> Status.UNAUTHENTICATED;
              case NO_SCOPE, OTHER_TENANT -> Status.PERMISSION_DENIED;
              case BAD_TENANT -> Status.INVALID_ARGUMENT;
            };
        call.close(status.withDescription(why.message()), new Metadata());
        return new ServerCall.Listener<>() {};
      }
    };
  }
}
