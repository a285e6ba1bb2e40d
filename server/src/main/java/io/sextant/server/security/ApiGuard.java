package io.sextant.server.security;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.sextant.model.Tenant;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The door of the API and UI port, in this order (docs/security.md):
 *
 * <ol>
 *   <li>the {@code Host} header must name this server (loopback names, the bind address, the
 *       machine's addresses when bound to all of them, or {@code --allowed-hosts}): 421 otherwise,
 *       which defeats DNS rebinding;
 *   <li>a state-changing request (POST, PUT, PATCH, DELETE) must not come from another origin (an
 *       {@code Origin} other than this server's, {@code null}, or {@code Sec-Fetch-Site:
 *       cross-site}) unless it carries a bearer token, which a browser never adds to a cross-site
 *       request by itself: 403; and its body must be {@code application/json} (an empty body may
 *       have no type): 415;
 *   <li>with tokens configured, {@code /api/} needs a token whose scopes cover the route: 401 with
 *       {@code WWW-Authenticate: Bearer} without one, 403 for a missing scope. {@code /health} and
 *       the web UI's files are open;
 *   <li>the request's tenant is decided ({@link RequestTenant}): the key's, else {@code
 *       X-Scope-OrgID}'s, else the default; 403 when the header names another tenant than the
 *       key's, 400 for a bad name.
 * </ol>
 */
public final class ApiGuard implements DecoratingHttpServiceFunction {
  private final Supplier<Tokens> tokens;
  private final Set<String> hosts = new HashSet<>();
  private final List<String> suffixes;
  private final boolean anyHost;
  private final String operationsTenant;

  /**
   * {@code tokens}: the keys in force, asked at every request (they change on a reload); {@code
   * operationsTenant}: the only tenant whose requests reach probes, triage and SLOs.
   */
  public ApiGuard(
      Supplier<Tokens> tokens,
      String bindAddress,
      List<String> allowedHosts,
      String operationsTenant) {
    this.tokens = tokens;
    this.operationsTenant = operationsTenant;
    hosts.add("localhost");
    hosts.add("127.0.0.1");
    hosts.add("::1");
    hosts.add(normalize(bindAddress));
    if (isWildcard(bindAddress)) {
      try {
        for (NetworkInterface ni : NetworkInterface.networkInterfaces().toList()) {
          for (InetAddress a : ni.inetAddresses().toList()) {
            hosts.add(normalize(a.getHostAddress()));
          }
        }
      } catch (SocketException e) {
        // the loopback names and --allowed-hosts still apply
      }
    }
    boolean any = false;
    for (String h : allowedHosts) {
      if (h.equals("*")) {
        any = true;
      } else if (!h.startsWith(".")) {
        hosts.add(normalize(h));
      }
    }
    this.anyHost = any;
    this.suffixes =
        allowedHosts.stream()
            .filter(h -> h.startsWith("."))
            .map(h -> h.toLowerCase(Locale.ROOT))
            .toList();
  }

  @Override
  public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req)
      throws Exception {
    String authority = req.headers().authority();
    if (authority != null && !hostAllowed(authority)) {
      return Refusals.json(
          HttpStatus.MISDIRECTED_REQUEST,
          "the Host \""
              + hostOf(authority)
              + "\" is not a name of this server; if it is, start it with --allowed-hosts "
              + hostOf(authority));
    }
    String bearer = Tokens.bearer(req.headers().get(HttpHeaderNames.AUTHORIZATION));
    HttpMethod m = req.method();
    boolean changes =
        m == HttpMethod.POST
            || m == HttpMethod.PUT
            || m == HttpMethod.PATCH
            || m == HttpMethod.DELETE;
    if (changes && bearer == null) {
      String crossSite = crossSite(req, authority);
      if (crossSite != null) {
        return Refusals.json(HttpStatus.FORBIDDEN, crossSite);
      }
    }
    Tokens keys = tokens.get();
    ApiToken key = null;
    if (keys.enabled() && ctx.path().startsWith("/api/")) {
      Scope needed = scopeFor(m, ctx.path());
      Optional<ApiToken> token = keys.find(bearer);
      if (token.isEmpty()) {
        return Refusals.unauthorized(
            bearer == null
                ? "this server needs an API token: send Authorization: Bearer <token> (the CLI"
                    + " sends SEXTANT_TOKEN)"
                : "the API token is not one this server knows",
            bearer != null);
      }
      if (!token.get().allows(needed)) {
        return Refusals.forbidden(
            "token " + token.get().name() + " lacks the " + needed.label() + " scope", needed);
      }
      key = token.get();
    }
    try {
      String tenant = RequestTenant.decide(key, req.headers().get(Tenant.HEADER));
      if (!tenant.equals(operationsTenant) && isOperations(ctx.path())) {
        return Refusals.json(
            HttpStatus.FORBIDDEN,
            "probes, triage and SLOs belong to the operations tenant "
                + operationsTenant
                + ", and this request is tenant "
                + tenant
                + "'s");
      }
      RequestTenant.set(ctx, tenant);
    } catch (RequestTenant.Refused r) {
      return Refusals.json(
          r.forbidden() ? HttpStatus.FORBIDDEN : HttpStatus.BAD_REQUEST, r.getMessage());
    }
    if (!changes) {
      return delegate.serve(ctx, req);
    }
    MediaType type = req.contentType();
    if (type != null) {
      if (!type.is(MediaType.JSON)) {
        return Refusals.json(
            HttpStatus.UNSUPPORTED_MEDIA_TYPE,
            "Content-Type " + type.nameWithoutParameters() + " is refused; send application/json");
      }
      return delegate.serve(ctx, req);
    }
    // No type: only an empty body may come without one.
    return HttpResponse.of(
        req.aggregate()
            .thenApply(
                (AggregatedHttpRequest agg) -> {
                  if (!agg.content().isEmpty()) {
                    return Refusals.json(
                        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                        "a request body needs Content-Type: application/json");
                  }
                  try {
                    return delegate.serve(ctx, agg.toHttpRequest());
                  } catch (Exception e) {
                    return HttpResponse.ofFailure(e);
                  }
                }));
  }

  /** Why a state-changing request is refused as cross-site, or null when it is not. */
  private static String crossSite(HttpRequest req, String authority) {
    String fetchSite = req.headers().get("sec-fetch-site");
    if (fetchSite != null
        && (fetchSite.equalsIgnoreCase("cross-site") || fetchSite.equalsIgnoreCase("same-site"))) {
      return "a request from another site may not change anything here (Sec-Fetch-Site: "
          + fetchSite
          + "); send a bearer token";
    }
    String origin = req.headers().get(HttpHeaderNames.ORIGIN);
    if (origin == null) {
      return null;
    }
    if (authority != null && sameOrigin(origin, authority)) {
      return null;
    }
    return "a request from "
        + origin
        + " may not change anything here (only this server's own pages may); send a bearer token";
  }

  static boolean sameOrigin(String origin, String authority) {
    try {
      URI o = URI.create(origin.strip());
      if (o.getHost() == null || o.getScheme() == null) {
        return false;
      }
      int port =
          o.getPort() >= 0 ? o.getPort() : o.getScheme().equalsIgnoreCase("https") ? 443 : 80;
      String host = hostOf(authority);
      int reqPort = portOf(authority, o.getScheme().equalsIgnoreCase("https") ? 443 : 80);
      return normalize(o.getHost()).equals(normalize(host)) && port == reqPort;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Whether {@code path} is Sextant's own work: probes, triage and SLOs. */
  static boolean isOperations(String path) {
    return path.equals("/api/v1/triage")
        || path.equals("/api/v1/probes")
        || path.startsWith("/api/v1/probes/")
        || path.equals("/api/v1/slos")
        || path.startsWith("/api/v1/slos/");
  }

  /** The scope a request to {@code path} with {@code method} needs. */
  public static Scope scopeFor(HttpMethod method, String path) {
    if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
      return Scope.READ;
    }
    if (path.equals("/api/v1/query") || path.equals("/api/v1/compare")) {
      return Scope.READ; // questions, sent as POST for their size
    }
    if (path.equals("/api/v1/triage") || path.startsWith("/api/v1/probes/")) {
      return Scope.TRIAGE; // probes run, triage, reload
    }
    return Scope.ADMIN;
  }

  boolean hostAllowed(String authority) {
    if (anyHost) {
      return true;
    }
    String host = normalize(hostOf(authority));
    if (hosts.contains(host)
        || host.endsWith(".localhost")
        || host.matches("127(\\.\\d{1,3}){3}")) {
      return true;
    }
    for (String s : suffixes) {
      if (host.endsWith(s)) {
        return true;
      }
    }
    return false;
  }

  static String hostOf(String authority) {
    String a = authority.strip();
    if (a.startsWith("[")) {
      int end = a.indexOf(']');
      return end > 0 ? a.substring(1, end) : a;
    }
    int colon = a.lastIndexOf(':');
    return colon >= 0 && a.indexOf(':') == colon ? a.substring(0, colon) : a;
  }

  private static int portOf(String authority, int fallback) {
    String a = authority.strip();
    int colon = a.lastIndexOf(':');
    if (colon < 0 || (a.startsWith("[") && colon < a.indexOf(']'))) {
      return fallback;
    }
    try {
      return Integer.parseInt(a.substring(colon + 1));
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private static String normalize(String host) {
    String h = host.strip().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    if (h.equals("0:0:0:0:0:0:0:1")) {
      return "::1";
    }
    int zone = h.indexOf('%');
    return zone > 0 ? h.substring(0, zone) : h;
  }

  private static boolean isWildcard(String bind) {
    String b = normalize(bind);
    return b.equals("0.0.0.0") || b.equals("::") || b.equals("0:0:0:0:0:0:0:0");
  }

  /** The JSON refusals of the API port. */
  static final class Refusals {
    private Refusals() {}

    static HttpResponse json(HttpStatus status, String message) {
      return HttpResponse.of(status, MediaType.JSON_UTF_8, body(message));
    }

    static HttpResponse unauthorized(String message, boolean presented) {
      return HttpResponse.of(
          ResponseHeaders.builder(HttpStatus.UNAUTHORIZED)
              .contentType(MediaType.JSON_UTF_8)
              .set(
                  HttpHeaderNames.WWW_AUTHENTICATE,
                  presented
                      ? "Bearer realm=\"sextant\", error=\"invalid_token\""
                      : "Bearer realm=\"sextant\"")
              .build(),
          com.linecorp.armeria.common.HttpData.ofUtf8(body(message)));
    }

    static HttpResponse forbidden(String message, Scope needed) {
      return HttpResponse.of(
          ResponseHeaders.builder(HttpStatus.FORBIDDEN)
              .contentType(MediaType.JSON_UTF_8)
              .set(
                  HttpHeaderNames.WWW_AUTHENTICATE,
                  "Bearer realm=\"sextant\", error=\"insufficient_scope\", scope=\""
                      + needed.label()
                      + "\"")
              .build(),
          com.linecorp.armeria.common.HttpData.ofUtf8(body(message)));
    }

    private static String body(String message) {
      StringBuilder b = new StringBuilder("{\"error\":\"");
      for (char c : message.toCharArray()) {
        switch (c) {
          case '"' -> b.append("\\\"");
          case '\\' -> b.append("\\\\");
          default -> {
            if (c < 0x20) {
              b.append(String.format("\\u%04x", (int) c));
            } else {
              b.append(c);
            }
          }
        }
      }
      return b.append("\"}").toString();
    }
  }
}
