package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.client.grpc.GrpcClients;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.sextant.server.security.ApiToken;
import io.sextant.server.security.Scope;
import io.sextant.server.security.SecurityConfig;
import io.sextant.server.security.Tokens;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.ForwardingEventStore;
import io.sextant.store.spi.StoreException;
import io.sextant.triage.probe.ProbeSuite;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The security of a real server on loopback ports (docs/security.md): tokens and scopes on every
 * endpoint of every port, the Host allowlist, cross-site refusal, CORS for browser telemetry,
 * redaction of what is stored and shown, and health that says when writes fail.
 */
class SecurityIT {
  @TempDir Path dir;

  private final Map<Scope, String> secrets = new LinkedHashMap<>();
  private Server target;
  private final java.util.concurrent.atomic.AtomicInteger hits =
      new java.util.concurrent.atomic.AtomicInteger();

  @BeforeEach
  void probeTarget() {
    target =
        Server.builder()
            .http(new InetSocketAddress("127.0.0.1", 0))
            .service(
                "/shop",
                (ctx, req) -> {
                  hits.incrementAndGet();
                  return HttpResponse.of(HttpStatus.OK);
                })
            .build();
    target.start().join();
  }

  @AfterEach
  void stopTarget() {
    target.stop().join();
  }

  /** One token per scope; {@code secrets} holds their secrets. */
  private Tokens tokens() {
    List<ApiToken> all = new ArrayList<>();
    for (Scope s : Scope.values()) {
      String secret = ApiToken.newSecret();
      secrets.put(s, secret);
      all.add(new ApiToken(s.label() + "-token", Set.of(s), ApiToken.hash(secret)));
    }
    return new Tokens(all);
  }

  private TestServer server(SecurityConfig security, UnaryOperator<EventStore> decorate)
      throws Exception {
    TestServer s =
        new TestServer(
            TestServer.ports(ServerConfig.defaults(dir)).withSecurity(security), decorate);
    String yaml =
        """
        defaults: {every: 1h, timeout: 2s}
        probes:
          - {name: shop, request: {url: "${base}/shop?api_key=SECRET-PROBE-KEY&page=1"}}
        """;
    s.server.startTriage(
        ProbeSuite.parse(
            new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)),
            "probes.yaml",
            Map.of("base", "http://127.0.0.1:" + target.activeLocalPort())));
    return s;
  }

  private record Endpoint(String method, String path, String body, Scope needs) {}

  private static final List<Endpoint> API =
      List.of(
          new Endpoint("GET", "/api/v1/services", null, Scope.READ),
          new Endpoint("GET", "/api/v1/status", null, Scope.READ),
          new Endpoint("GET", "/api/v1/traces/4bf92f3577b34da6a3ce929d0e0e4736", null, Scope.READ),
          new Endpoint("GET", "/api/v1/traces?last=1h", null, Scope.READ),
          new Endpoint("GET", "/api/v1/columns?last=1h", null, Scope.READ),
          new Endpoint("GET", "/api/v1/map?last=15m", null, Scope.READ),
          new Endpoint("GET", "/api/v1/red?service=x&last=1h", null, Scope.READ),
          new Endpoint("GET", "/api/v1/changes?last=1h", null, Scope.READ),
          new Endpoint("GET", "/api/v1/health", null, Scope.READ),
          new Endpoint("GET", "/api/v1/probes", null, Scope.READ),
          new Endpoint("GET", "/api/v1/probes/audit", null, Scope.READ),
          new Endpoint("GET", "/api/v1/probes/entries", null, Scope.READ),
          // Jaeger's query API (docs/api.md): read, as the rest.
          new Endpoint("GET", "/api/services", null, Scope.READ),
          new Endpoint("GET", "/api/services/frontend/operations", null, Scope.READ),
          new Endpoint("GET", "/api/operations?service=frontend", null, Scope.READ),
          new Endpoint("GET", "/api/traces?service=frontend&lookback=1h", null, Scope.READ),
          new Endpoint("GET", "/api/traces/4bf92f3577b34da6a3ce929d0e0e4736", null, Scope.READ),
          new Endpoint("GET", "/api/dependencies", null, Scope.READ),
          new Endpoint("POST", "/api/v1/query", "{\"q\":\"count() | last 1h\"}", Scope.READ),
          new Endpoint(
              "POST",
              "/api/v1/compare",
              "{\"last\":\"1h\",\"selection\":{\"column\":\"error\",\"op\":\"=\",\"value\":true}}",
              Scope.READ),
          new Endpoint("POST", "/api/v1/probes/run", "{\"repeats\":1}", Scope.TRIAGE),
          new Endpoint(
              "POST", "/api/v1/triage", "{\"repeats\":1,\"adaptive\":false}", Scope.TRIAGE),
          // SLOs (docs/slo.md): read them with read, edit them with admin.
          new Endpoint("GET", "/api/v1/slos", null, Scope.READ),
          new Endpoint("GET", "/api/v1/slos/checkout?last=1h", null, Scope.READ),
          new Endpoint(
              "PUT",
              "/api/v1/slos/checkout",
              "{\"valid\":\"kind = span\",\"good\":\"error = false\",\"objective\":99}",
              Scope.ADMIN),
          new Endpoint("DELETE", "/api/v1/slos/checkout", null, Scope.ADMIN),
          new Endpoint("DELETE", "/api/v1/anything", null, Scope.ADMIN));

  @Test
  void everyApiEndpoint_needsATokenWithItsScope() throws Exception {
    try (TestServer s =
        server(SecurityConfig.DEFAULTS.withTokens(tokens()), UnaryOperator.identity())) {
      int port = s.config.apiPort();
      for (Endpoint e : API) {
        Raw none = Raw.send(port, e.method(), e.path(), e.body(), "application/json");
        assertThat(none.status()).as("no token: %s %s", e.method(), e.path()).isEqualTo(401);
        assertThat(none.header("www-authenticate")).startsWith("Bearer");
        assertThat(none.body()).contains("needs an API token");
        Raw wrong =
            Raw.send(
                port,
                e.method(),
                e.path(),
                e.body(),
                "application/json",
                "Authorization",
                "Bearer sxt_not-a-token");
        assertThat(wrong.status()).as("unknown token: %s", e.path()).isEqualTo(401);
        assertThat(wrong.header("www-authenticate")).contains("invalid_token");
        for (Scope scope : Scope.values()) {
          Raw r =
              Raw.send(
                  port,
                  e.method(),
                  e.path(),
                  e.body(),
                  "application/json",
                  "Authorization",
                  "Bearer " + secrets.get(scope));
          boolean allowed = scope.covers(e.needs());
          if (allowed) {
            assertThat(r.status())
                .as("%s token on %s %s: %s", scope, e.method(), e.path(), r.body())
                .isNotIn(401, 403)
                .isLessThan(500);
          } else {
            assertThat(r.status())
                .as("%s token on %s %s", scope, e.method(), e.path())
                .isEqualTo(403);
            assertThat(r.body()).contains("lacks the " + e.needs().label() + " scope");
            assertThat(r.header("www-authenticate")).contains("insufficient_scope");
          }
        }
      }
      // Health for load balancers and the UI's files stay open.
      assertThat(Raw.send(port, "GET", "/health", null, null).status()).isEqualTo(200);
      assertThat(Raw.send(port, "GET", "/", null, null).status()).isEqualTo(200);
      // The probe and triage answers were real (200), with the triage token.
      Raw run =
          Raw.send(
              port,
              "POST",
              "/api/v1/probes/run",
              "{\"repeats\":1}",
              "application/json",
              "Authorization",
              "Bearer " + secrets.get(Scope.TRIAGE));
      assertThat(run.status()).isEqualTo(200);
    }
  }

  @Test
  void ingestPorts_needATokenWithTheIngestScope() throws Exception {
    try (TestServer s =
        server(SecurityConfig.DEFAULTS.withTokens(tokens()), UnaryOperator.identity())) {
      String traceId = "5b8efff798038103d269b633813fc60c";
      byte[] otlp =
          Otlp.request("checkout", List.of(Otlp.span(traceId, "00f067aa0ba902b7", "GET /").build()))
              .toByteArray();
      String url = s.otlpHttp("/v1/traces");
      TestServer.Reply none = TestServer.post(url, "application/x-protobuf", otlp);
      assertThat(none.status()).isEqualTo(401);
      com.google.rpc.Status status = com.google.rpc.Status.parseFrom(none.bytes());
      assertThat(status.getCode()).isEqualTo(com.google.rpc.Code.UNAUTHENTICATED_VALUE);
      assertThat(status.getMessage()).contains("ingest scope");
      TestServer.Reply read =
          TestServer.post(
              url,
              "application/json",
              "{}".getBytes(StandardCharsets.UTF_8),
              "Authorization",
              "Bearer " + secrets.get(Scope.READ));
      assertThat(read.status()).isEqualTo(403);
      assertThat(read.json().path("message").asText()).contains("lacks the ingest scope");
      for (Scope ok : List.of(Scope.INGEST, Scope.ADMIN)) {
        assertThat(
                TestServer.post(
                        url,
                        "application/x-protobuf",
                        otlp,
                        "Authorization",
                        "Bearer " + secrets.get(ok))
                    .status())
            .isEqualTo(200);
      }
      assertThat(
              TestServer.post(s.otlpHttp("/v1/logs"), "application/json", "{}".getBytes()).status())
          .isEqualTo(401);

      String zipkin =
          "[{\"traceId\":\"6b8efff798038103d269b633813fc60c\",\"id\":\"10f067aa0ba902b7\","
              + "\"name\":\"get\",\"timestamp\":"
              + System.currentTimeMillis() * 1000
              + ",\"duration\":5,\"localEndpoint\":{\"serviceName\":\"zip\"}}]";
      byte[] z = zipkin.getBytes(StandardCharsets.UTF_8);
      String zurl = s.zipkin("/api/v2/spans");
      TestServer.Reply zNone = TestServer.post(zurl, "application/json", z);
      assertThat(zNone.status()).isEqualTo(401);
      assertThat(zNone.body()).contains("ingest scope");
      assertThat(
              TestServer.post(
                      zurl,
                      "application/json",
                      z,
                      "Authorization",
                      "Bearer " + secrets.get(Scope.TRIAGE))
                  .status())
          .isEqualTo(403);
      assertThat(
              TestServer.post(
                      zurl,
                      "application/json",
                      z,
                      "Authorization",
                      "Bearer " + secrets.get(Scope.INGEST))
                  .status())
          .isEqualTo(202);

      ExportTraceServiceRequest request =
          Otlp.request(
              "grpc-svc",
              List.of(
                  Otlp.span("7b8efff798038103d269b633813fc60c", "20f067aa0ba902b7", "g").build()));
      assertThatThrownBy(() -> grpc(s, null).export(request))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                assertThat(e.getStatus().getDescription()).contains("ingest scope");
              });
      assertThatThrownBy(() -> grpc(s, secrets.get(Scope.READ)).export(request))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
      assertThat(grpc(s, secrets.get(Scope.INGEST)).export(request).hasPartialSuccess()).isFalse();

      // What the ingest token sent is there, read with the read token.
      s.loaded();
      Raw trace =
          Raw.send(
              s.config.apiPort(),
              "GET",
              "/api/v1/traces/" + traceId,
              null,
              null,
              "Authorization",
              "Bearer " + secrets.get(Scope.READ));
      assertThat(trace.status()).isEqualTo(200);
    }
  }

  private static TraceServiceGrpc.TraceServiceBlockingStub grpc(TestServer s, String secret) {
    var b = GrpcClients.builder(s.grpcEndpoint());
    if (secret != null) {
      b.addHeader("authorization", "Bearer " + secret);
    }
    return b.build(TraceServiceGrpc.TraceServiceBlockingStub.class);
  }

  @Test
  void aNonLoopbackBind_withoutTokens_refusesToStart() {
    ServerConfig open = ServerConfig.defaults(dir);
    ServerConfig wide = open.withBindAddress("0.0.0.0");
    assertThatThrownBy(wide::validate)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--bind 0.0.0.0 is reachable from other machines")
        .hasMessageContaining("--auth-tokens");
    wide.withSecurity(SecurityConfig.DEFAULTS.withInsecureNoAuth(true)).validate();
    wide.withSecurity(SecurityConfig.DEFAULTS.withTokens(tokens())).validate();
    open.validate(); // loopback, no tokens: open as before
  }

  @Test
  void theApiPort_answersOnlyItsOwnHostNames() throws Exception {
    try (TestServer s =
        server(
            SecurityConfig.DEFAULTS.withAllowedHosts(List.of("sextant.internal", ".corp.example")),
            UnaryOperator.identity())) {
      int port = s.config.apiPort();
      Raw rebinding =
          Raw.send(port, "GET", "/api/v1/services", null, null, "Host", "attacker.example");
      assertThat(rebinding.status()).isEqualTo(421);
      assertThat(
              Raw.send(port, "GET", "/api/services", null, null, "Host", "attacker.example")
                  .status())
          .isEqualTo(421);
      assertThat(rebinding.body()).contains("attacker.example").contains("--allowed-hosts");
      assertThat(
              Raw.send(port, "GET", "/", null, null, "Host", "attacker.example:" + port).status())
          .isEqualTo(421);
      assertThat(
              Raw.send(
                      port,
                      "GET",
                      "/api/v1/services",
                      null,
                      null,
                      "Host",
                      "127.0.0.1.attacker.example")
                  .status())
          .isEqualTo(421);
      for (String ok :
          List.of(
              "127.0.0.1:" + port,
              "localhost:" + port,
              "LOCALHOST",
              "[::1]:" + port,
              "sextant.internal:" + port,
              "ui.corp.example")) {
        assertThat(Raw.send(port, "GET", "/api/v1/services", null, null, "Host", ok).status())
            .as(ok)
            .isEqualTo(200);
      }
      // The ingest ports take any Host (exporters behind proxies and DNS names).
      assertThat(
              Raw.send(
                      s.config.otlpHttpPort(),
                      "POST",
                      "/v1/traces",
                      "{}",
                      "application/json",
                      "Host",
                      "collector.example")
                  .status())
          .isEqualTo(200);
    }
  }

  @Test
  void crossSiteRequests_changeNothing() throws Exception {
    try (TestServer s = server(SecurityConfig.DEFAULTS, UnaryOperator.identity())) {
      int port = s.config.apiPort();
      String self = "http://127.0.0.1:" + port;
      // The suite's first scheduled run, before counting what reaches the probed service.
      long wait = System.nanoTime() + 10_000_000_000L;
      while (hits.get() == 0 && System.nanoTime() < wait) {
        Thread.sleep(50);
      }
      // ... and until it is over: no new hit for a second (a loaded machine runs it slowly).
      int seen;
      do {
        seen = hits.get();
        Thread.sleep(1_000);
      } while (hits.get() != seen && System.nanoTime() < wait + 20_000_000_000L);
      int before = hits.get();
      // The attack of issue 13: a page elsewhere posting text/plain to fire probes.
      Raw evil =
          Raw.send(
              port,
              "POST",
              "/api/v1/probes/run",
              "{\"repeats\":10}",
              "text/plain",
              "Origin",
              "http://evil.example");
      assertThat(evil.status()).isEqualTo(403);
      assertThat(evil.body()).contains("http://evil.example may not change anything");
      assertThat(
              Raw.send(
                      port,
                      "POST",
                      "/api/v1/probes/run",
                      "{\"repeats\":1}",
                      "application/json",
                      "Origin",
                      "http://evil.example")
                  .status())
          .isEqualTo(403);
      assertThat(
              Raw.send(port, "POST", "/api/v1/triage", "{}", "application/json", "Origin", "null")
                  .status())
          .isEqualTo(403);
      assertThat(
              Raw.send(
                      port,
                      "POST",
                      "/api/v1/triage",
                      "{}",
                      "application/json",
                      "Sec-Fetch-Site",
                      "cross-site")
                  .status())
          .isEqualTo(403);
      // Another port of the same host is another origin.
      assertThat(
              Raw.send(
                      port,
                      "POST",
                      "/api/v1/query",
                      "{\"q\":\"count()\"}",
                      "application/json",
                      "Origin",
                      "http://127.0.0.1:" + (port + 1))
                  .status())
          .isEqualTo(403);
      // Not JSON is refused even without an Origin (a form or text/plain body).
      Raw plain = Raw.send(port, "POST", "/api/v1/probes/run", "{\"repeats\":1}", "text/plain");
      assertThat(plain.status()).isEqualTo(415);
      assertThat(plain.body()).contains("send application/json");
      assertThat(
              Raw.send(
                      port,
                      "POST",
                      "/api/v1/probes/run",
                      "repeats=1",
                      "application/x-www-form-urlencoded")
                  .status())
          .isEqualTo(415);
      assertThat(Raw.send(port, "POST", "/api/v1/probes/run", "{\"repeats\":1}", null).status())
          .isEqualTo(415);
      // None of those ran a probe.
      Thread.sleep(300);
      assertThat(hits.get()).isEqualTo(before);

      // The UI's own page (same origin), a CLI (no Origin), a client with a token: allowed.
      assertThat(
              Raw.send(
                      port,
                      "POST",
                      "/api/v1/probes/run",
                      "{\"repeats\":1}",
                      "application/json",
                      "Origin",
                      self,
                      "Sec-Fetch-Site",
                      "same-origin")
                  .status())
          .isEqualTo(200);
      assertThat(
              Raw.send(port, "POST", "/api/v1/probes/run", "{\"repeats\":1}", "application/json")
                  .status())
          .isEqualTo(200);
      assertThat(
              Raw.send(
                      port,
                      "POST",
                      "/api/v1/query",
                      "{\"q\":\"count() | last 1h\"}",
                      "application/json",
                      "Origin",
                      "http://localhost:" + port,
                      "Host",
                      "localhost:" + port)
                  .status())
          .isEqualTo(200);
      assertThat(
              Raw.send(
                      port,
                      "POST",
                      "/api/v1/probes/run",
                      "{\"repeats\":1}",
                      "application/json",
                      "Origin",
                      "http://evil.example",
                      "Authorization",
                      "Bearer anything")
                  .status())
          .as("auth is off on loopback; a bearer header cannot come from a cross-site form")
          .isEqualTo(200);
      // An empty body needs no type (the demo's `fault clear` sends DELETE without one).
      assertThat(Raw.send(port, "POST", "/api/v1/probes/run", "", null).status()).isEqualTo(200);
      // GETs are not state-changing: no Origin check (the UI's own reads stay simple).
      assertThat(
              Raw.send(port, "GET", "/api/v1/services", null, null, "Origin", "http://evil.example")
                  .status())
          .isEqualTo(200);
    }
  }

  @Test
  void cors_onlyForConfiguredOrigins_onOtlpHttp() throws Exception {
    try (TestServer s =
        server(
            SecurityConfig.DEFAULTS
                .withTokens(tokens())
                .withCorsOrigins(List.of("https://shop.example", "https://*.cdn.example")),
            UnaryOperator.identity())) {
      int port = s.config.otlpHttpPort();
      Raw preflight =
          Raw.send(
              port,
              "OPTIONS",
              "/v1/traces",
              null,
              null,
              "Origin",
              "https://shop.example",
              "Access-Control-Request-Method",
              "POST",
              "Access-Control-Request-Headers",
              "content-type,authorization");
      assertThat(preflight.status()).isEqualTo(200);
      assertThat(preflight.header("access-control-allow-origin")).isEqualTo("https://shop.example");
      assertThat(preflight.header("access-control-allow-methods")).contains("POST");
      assertThat(preflight.header("access-control-allow-headers").toLowerCase(Locale.ROOT))
          .contains("content-type")
          .contains("authorization");
      assertThat(
              Raw.send(
                      port,
                      "OPTIONS",
                      "/v1/logs",
                      null,
                      null,
                      "Origin",
                      "https://a.cdn.example",
                      "Access-Control-Request-Method",
                      "POST")
                  .header("access-control-allow-origin"))
          .isEqualTo("https://a.cdn.example");
      Raw other =
          Raw.send(
              port,
              "OPTIONS",
              "/v1/traces",
              null,
              null,
              "Origin",
              "https://evil.example",
              "Access-Control-Request-Method",
              "POST");
      assertThat(other.header("access-control-allow-origin")).isNull();

      byte[] body =
          Otlp.request(
                  "browser",
                  List.of(
                      Otlp.span("8b8efff798038103d269b633813fc60c", "30f067aa0ba902b7", "click")
                          .build()))
              .toByteArray();
      Raw sent =
          Raw.sendBytes(
              port,
              "POST",
              "/v1/traces",
              body,
              "application/x-protobuf",
              "Origin",
              "https://shop.example",
              "Authorization",
              "Bearer " + secrets.get(Scope.INGEST));
      assertThat(sent.status()).isEqualTo(200);
      assertThat(sent.header("access-control-allow-origin")).isEqualTo("https://shop.example");
      Raw noToken =
          Raw.sendBytes(
              port,
              "POST",
              "/v1/traces",
              body,
              "application/x-protobuf",
              "Origin",
              "https://shop.example");
      assertThat(noToken.status()).isEqualTo(401);
      assertThat(noToken.header("access-control-allow-origin"))
          .as("the browser may read why")
          .isEqualTo("https://shop.example");
      // The API port never answers CORS.
      assertThat(
              Raw.send(
                      s.config.apiPort(),
                      "OPTIONS",
                      "/api/v1/query",
                      null,
                      null,
                      "Origin",
                      "https://shop.example",
                      "Access-Control-Request-Method",
                      "POST")
                  .header("access-control-allow-origin"))
          .isNull();
    }
    // Off by default.
    try (TestServer s = new TestServer(dir.resolve("b"))) {
      assertThat(
              Raw.send(
                      s.config.otlpHttpPort(),
                      "OPTIONS",
                      "/v1/traces",
                      null,
                      null,
                      "Origin",
                      "https://shop.example",
                      "Access-Control-Request-Method",
                      "POST")
                  .header("access-control-allow-origin"))
          .isNull();
    }
  }

  @Test
  void secrets_areRedactedBeforeTheStore_andInProbeListings() throws Exception {
    try (TestServer s = server(SecurityConfig.DEFAULTS, UnaryOperator.identity())) {
      String traceId = "9b8efff798038103d269b633813fc60c";
      long now = System.currentTimeMillis() * 1_000_000L;
      String otlpJson =
          """
          {"resourceSpans":[{"resource":{"attributes":[
             {"key":"service.name","value":{"stringValue":"login"}},
             {"key":"db.password","value":{"stringValue":"SECRET-RESOURCE"}}]},
           "scopeSpans":[{"spans":[{"traceId":"%s","spanId":"00f067aa0ba902b7","name":"POST /login",
             "kind":2,"startTimeUnixNano":"%d","endTimeUnixNano":"%d","attributes":[
             {"key":"password","value":{"stringValue":"SECRET-PASSWORD"}},
             {"key":"http.request.header.authorization","value":{"arrayValue":{"values":[{"stringValue":"Bearer SECRET-BEARER"}]}}},
             {"key":"http.response.header.set-cookie","value":{"stringValue":"sid=SECRET-COOKIE"}},
             {"key":"url.full","value":{"stringValue":"https://api.example/v1?api_key=SECRET-QUERY&page=2"}},
             {"key":"user_id","value":{"stringValue":"u-7"}}]}]}]}]}
          """
              .formatted(traceId, now, now + 1_000_000);
      assertThat(
              TestServer.post(
                      s.otlpHttp("/v1/traces"),
                      "application/json",
                      otlpJson.getBytes(StandardCharsets.UTF_8))
                  .status())
          .isEqualTo(200);
      String zipkin =
          "[{\"traceId\":\"ab8efff798038103d269b633813fc60c\",\"id\":\"10f067aa0ba902b7\","
              + "\"name\":\"get\",\"timestamp\":"
              + System.currentTimeMillis() * 1000
              + ",\"duration\":5,\"localEndpoint\":{\"serviceName\":\"zip\"},"
              + "\"tags\":{\"http.url\":\"http://h/p?token=SECRET-ZIPKIN\",\"api_key\":\"SECRET-TAG\"}}]";
      assertThat(
              TestServer.post(
                      s.zipkin("/api/v2/spans"),
                      "application/json",
                      zipkin.getBytes(StandardCharsets.UTF_8))
                  .status())
          .isEqualTo(202);

      JsonNode span = s.get("/api/v1/traces/" + traceId).json().at("/events/0");
      assertThat(span.at("/attributes/password").asText()).isEqualTo("[redacted]");
      assertThat(span.at("/attributes/http.request.header.authorization").asText())
          .isEqualTo("[redacted]");
      assertThat(span.at("/attributes/http.response.header.set-cookie").asText())
          .isEqualTo("[redacted]");
      assertThat(span.at("/attributes/url.full").asText())
          .isEqualTo("https://api.example/v1?api_key=[redacted]&page=2");
      assertThat(span.at("/attributes/user_id").asText()).isEqualTo("u-7");
      assertThat(span.at("/resource/db.password").asText()).isEqualTo("[redacted]");
      String zip = s.get("/api/v1/traces/ab8efff798038103d269b633813fc60c").body();
      assertThat(zip).contains("token=[redacted]").doesNotContain("SECRET");

      // The probe's key: not in the listing, not in its stored results.
      Raw run =
          Raw.send(s.config.apiPort(), "POST", "/api/v1/probes/run", "{}", "application/json");
      assertThat(run.status()).isEqualTo(200);
      String runTrace = TestServer.JSON.readTree(run.body()).at("/runs/0/trace_id").asText();
      TestServer.Reply listing = s.get("/api/v1/probes");
      assertThat(listing.json().at("/probes/0/url").asText())
          .endsWith("/shop?api_key=[redacted]&page=1");
      assertThat(listing.body()).doesNotContain("SECRET");
      // As a browser asks for it: compressed answers are redacted too.
      java.net.http.HttpResponse<byte[]> gz =
          TestServer.HTTP.send(
              java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.api("/api/v1/probes")))
                  .header("Accept-Encoding", "gzip, deflate, br")
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      byte[] gzBody = gz.body();
      if (gz.headers().firstValue("content-encoding").orElse("").equals("gzip")) {
        gzBody =
            new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzBody))
                .readAllBytes();
      }
      assertThat(gz.statusCode()).isEqualTo(200);
      assertThat(new String(gzBody, StandardCharsets.UTF_8))
          .contains("api_key=[redacted]")
          .doesNotContain("SECRET");
      String probeEvents = null;
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (System.nanoTime() < deadline) {
        TestServer.Reply t = s.get("/api/v1/traces/" + runTrace);
        if (t.status() == 200 && t.body().contains("probe.url")) {
          probeEvents = t.body();
          break;
        }
        Thread.sleep(100);
      }
      assertThat(probeEvents).as("the probe result is stored").isNotNull();
      assertThat(probeEvents).contains("api_key=[redacted]").doesNotContain("SECRET");

      // Nothing anywhere answers with a secret: columns' examples, a search for the value.
      String columns = s.get("/api/v1/columns?last=1h").body();
      assertThat(columns).contains("password").doesNotContain("SECRET");
      TestServer.Reply q =
          TestServer.post(
              s.api("/api/v1/query"),
              "application/json",
              "{\"q\":\"where password = SECRET-PASSWORD | count() | last 1h\"}"
                  .getBytes(StandardCharsets.UTF_8));
      assertThat(q.json().at("/rows/0/0").asLong()).isZero();
    }
  }

  @Test
  void health_isDegradedWhileWritesFail_andRecovers() throws Exception {
    AtomicBoolean diskFull = new AtomicBoolean();
    UnaryOperator<EventStore> failing =
        store ->
            new ForwardingEventStore(store) {
              @Override
              protected void writing(int events, Write write) throws StoreException {
                if (diskFull.get()) {
                  throw new StoreException("IO Error: No space left on device");
                }
                write.run();
              }
            };
    try (TestServer s = server(SecurityConfig.DEFAULTS, failing)) {
      assertThat(s.get("/health").status()).isEqualTo(200);
      assertThat(s.get("/api/v1/status").json().path("status").asText()).isEqualTo("ok");

      diskFull.set(true);
      byte[] body =
          Otlp.request(
                  "svc",
                  List.of(
                      Otlp.span("cb8efff798038103d269b633813fc60c", "00f067aa0ba902b7", "x")
                          .build()))
              .toByteArray();
      // The group commit (the default ingest path) acknowledges only what the store committed.
      assertThat(TestServer.post(s.otlpHttp("/v1/traces"), "application/x-protobuf", body).status())
          .isEqualTo(503);
      TestServer.Reply health = s.getNow("/health");
      assertThat(health.status()).isEqualTo(503);
      assertThat(health.body()).contains("writes are failing").contains("No space left on device");
      JsonNode status = s.getNow("/api/v1/status").json();
      assertThat(status.path("status").asText()).isEqualTo("degraded");
      assertThat(status.path("reason").asText()).contains("No space left on device");
      assertThat(status.at("/store/healthy").asBoolean()).isFalse();

      diskFull.set(false);
      assertThat(TestServer.post(s.otlpHttp("/v1/traces"), "application/x-protobuf", body).status())
          .isEqualTo(200);
      assertThat(s.get("/health").status()).isEqualTo(200);
      status = s.get("/api/v1/status").json();
      assertThat(status.path("status").asText()).isEqualTo("ok");
      assertThat(status.has("reason")).isFalse();
      assertThat(s.get("/api/v1/traces/cb8efff798038103d269b633813fc60c").status()).isEqualTo(200);
    }
  }

  @Test
  void selfTracing_withTokens_sendsItsSpansWithATokenOfItsOwn() throws Exception {
    ServerConfig config =
        TestServer.ports(ServerConfig.defaults(dir))
            .withSecurity(SecurityConfig.DEFAULTS.withTokens(tokens()));
    SextantServer server = SextantServer.builder(config).selfTrace(true).build().start();
    try {
      String read = "Bearer " + secrets.get(Scope.READ);
      assertThat(
              Raw.send(config.apiPort(), "GET", "/api/v1/status", null, null, "Authorization", read)
                  .status())
          .isEqualTo(200);
      boolean found = false;
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (!found && System.nanoTime() < deadline) {
        Thread.sleep(500);
        Raw traces =
            Raw.send(
                config.apiPort(),
                "GET",
                "/api/v1/traces?service=sextant&operation=GET%20/api/v1/status&last=5m",
                null,
                null,
                "Authorization",
                read);
        found = TestServer.JSON.readTree(traces.body()).path("traces").size() > 0;
      }
      assertThat(found).as("Sextant's own span, sent through its own guarded OTLP port").isTrue();
    } finally {
      server.close();
    }
  }

  /** An HTTP/1.1 exchange over a plain socket, so any Host or Origin can be sent. */
  record Raw(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    static Raw send(
        int port, String method, String path, String body, String type, String... headers)
        throws Exception {
      return sendBytes(
          port,
          method,
          path,
          body == null ? null : body.getBytes(StandardCharsets.UTF_8),
          type,
          headers);
    }

    static Raw sendBytes(
        int port, String method, String path, byte[] body, String type, String... headers)
        throws Exception {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.setSoTimeout(60_000);
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        boolean host = false;
        for (int i = 0; i < headers.length; i += 2) {
          host |= headers[i].equalsIgnoreCase("host");
          head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        if (!host) {
          head.append("Host: 127.0.0.1:").append(port).append("\r\n");
        }
        if (type != null) {
          head.append("Content-Type: ").append(type).append("\r\n");
        }
        byte[] b = body == null ? new byte[0] : body;
        if (body != null || !method.equals("GET") && !method.equals("OPTIONS")) {
          head.append("Content-Length: ").append(b.length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(b);
        out.flush();
        InputStream in = socket.getInputStream();
        String response = readResponse(in, method.equals("HEAD"));
        int end = response.indexOf("\r\n\r\n");
        String[] lines = response.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> h = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
          int colon = lines[i].indexOf(':');
          h.merge(
              lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
              lines[i].substring(colon + 1).strip(),
              (a, c) -> a + ", " + c);
        }
        String rest = response.substring(end + 4);
        if ("chunked".equalsIgnoreCase(h.get("transfer-encoding"))) {
          rest = dechunk(rest);
        }
        return new Raw(
            status,
            h,
            new String(rest.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
      }
    }

    /** Reads one response: up to its Content-Length, the last chunk, or the end of the stream. */
    private static String readResponse(InputStream in, boolean head) throws java.io.IOException {
      java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
      byte[] b = new byte[8192];
      int n;
      while ((n = in.read(b)) > 0) {
        buf.write(b, 0, n);
        String sofar = buf.toString(StandardCharsets.ISO_8859_1);
        int end = sofar.indexOf("\r\n\r\n");
        if (end < 0) {
          continue;
        }
        String headers = sofar.substring(0, end).toLowerCase(Locale.ROOT);
        java.util.regex.Matcher m =
            java.util.regex.Pattern.compile("\r\ncontent-length:\\s*(\\d+)").matcher(headers);
        if (head || headers.startsWith("http/1.1 1")) {
          return sofar;
        }
        if (m.find()) {
          if (sofar.length() - end - 4 >= Integer.parseInt(m.group(1))) {
            return sofar;
          }
        } else if (headers.contains("transfer-encoding: chunked")) {
          if (sofar.endsWith("0\r\n\r\n")) {
            return sofar;
          }
        }
      }
      return buf.toString(StandardCharsets.ISO_8859_1);
    }

    private static String dechunk(String s) {
      StringBuilder out = new StringBuilder();
      int i = 0;
      while (i < s.length()) {
        int eol = s.indexOf("\r\n", i);
        if (eol < 0) {
          break;
        }
        int size = Integer.parseInt(s.substring(i, eol).split(";")[0].strip(), 16);
        if (size == 0) {
          break;
        }
        out.append(s, eol + 2, eol + 2 + size);
        i = eol + 2 + size + 2;
      }
      return out.toString();
    }
  }
}
