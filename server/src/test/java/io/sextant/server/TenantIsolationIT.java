package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.client.grpc.GrpcClients;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.trace.v1.Span;
import io.sextant.server.security.ApiToken;
import io.sextant.server.security.Scope;
import io.sextant.server.security.SecurityConfig;
import io.sextant.server.security.TenantLimits;
import io.sextant.server.security.Tokens;
import io.sextant.store.clickhouse.ClickHouseConfig;
import io.sextant.store.clickhouse.ClickHouseEventStore;
import io.sextant.store.clickhouse.LocalClickHouse;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Tenants on a real server over a real DuckDB file (docs/security.md, "Tenants"): two tenants send
 * telemetry that shares a trace id, over OTLP/HTTP, OTLP/gRPC and Zipkin, and no read endpoint of
 * either the Sextant or the Jaeger API shows one anything of the other: no service, span, column
 * name, value or count; the same over a real ClickHouse server ({@code --store clickhouse}). A key
 * cannot name another tenant, probes and triage are the operations tenant's, and each tenant's
 * ingest limit holds without slowing the other.
 */
class TenantIsolationIT {
  static final String SHARED_TRACE = "5eed0000000000000000000000000001";

  /** The store under the server. */
  enum Store {
    DUCKDB,
    CLICKHOUSE
  }

  /** One ClickHouse server for the class, started by its first test over ClickHouse. */
  private static LocalClickHouse clickhouse;

  private static final AtomicInteger databases = new AtomicInteger();

  @TempDir Path dir;

  private final List<ApiToken> keys = new ArrayList<>();

  @AfterAll
  static void stopClickHouse() {
    if (clickhouse != null) {
      clickhouse.close();
      clickhouse = null;
    }
  }

  private String key(String name, Scope scope, String tenant) {
    String secret = ApiToken.newSecret();
    keys.add(new ApiToken(name, Set.of(scope), ApiToken.hash(secret), tenant));
    return secret;
  }

  private TestServer server(SecurityConfig security) throws Exception {
    return server(security, Store.DUCKDB);
  }

  private TestServer server(SecurityConfig security, Store store) throws Exception {
    ServerConfig config = TestServer.ports(ServerConfig.defaults(dir)).withSecurity(security);
    if (store == Store.DUCKDB) {
      return new TestServer(config, UnaryOperator.identity());
    }
    if (clickhouse == null) {
      clickhouse =
          LocalClickHouse.start(
              Path.of("target", "clickhouse-it", "tenants-" + ProcessHandle.current().pid()));
    }
    ClickHouseConfig ch =
        new ClickHouseConfig(
            clickhouse.url(), "tenants" + databases.incrementAndGet(), Duration.ofSeconds(60));
    return new TestServer(config, () -> ClickHouseEventStore.open(ch));
  }

  private static TestServer.Reply get(TestServer s, String path, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(s.api(path))).timeout(Duration.ofSeconds(30));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> r = TestServer.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new TestServer.Reply(r.statusCode(), r.body(), null);
  }

  private static byte[] spans(String service, String secretKey, String secretValue, int n) {
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      spans.add(
          Otlp.span(SHARED_TRACE, String.format("%016x", i + 1), service + " op")
              .addAttributes(Otlp.attr(secretKey, secretValue))
              .addAttributes(Otlp.attr("user_id", service + "-user"))
              .build());
    }
    return Otlp.request(service, spans).toByteArray();
  }

  private static String zipkinSpan(String service, String id) {
    long now = System.currentTimeMillis() * 1000;
    return "[{\"traceId\":\""
        + SHARED_TRACE
        + "\",\"id\":\""
        + id
        + "\",\"name\":\"zipkin op\",\"kind\":\"SERVER\",\"timestamp\":"
        + now
        + ",\"duration\":1000,\"localEndpoint\":{\"serviceName\":\""
        + service
        + "\"},\"tags\":{\"user_id\":\""
        + service
        + "-user\"}}]";
  }

  /** Waits until the tenant of {@code auth} sees {@code events} events. */
  private static void awaitEvents(TestServer s, long events, String... auth) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    long seen = -1;
    while (System.nanoTime() < deadline) {
      TestServer.Reply r = get(s, "/api/v1/status", auth);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      seen = r.json().path("store").path("events").asLong();
      if (seen >= events) {
        assertThat(seen).isEqualTo(events);
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the tenant saw " + seen + " events, not " + events);
  }

  private static final List<String> READS =
      List.of(
          "/api/v1/services",
          "/api/v1/status",
          "/api/v1/traces/" + SHARED_TRACE,
          "/api/v1/traces?last=1h",
          "/api/v1/columns?last=1h",
          "/api/v1/map?last=1h",
          "/api/v1/red?service=bank&last=1h",
          "/api/v1/red?service=shop&last=1h",
          "/api/v1/changes?last=1h",
          "/api/services",
          "/api/services/bank/operations",
          "/api/operations?service=bank",
          "/api/traces?service=bank&lookback=1h",
          "/api/traces?service=shop&lookback=1h",
          "/api/traces/" + SHARED_TRACE,
          "/api/dependencies");

  /** An answer less the service name it echoes from its request ({@code "service":"bank"}). */
  private static String withoutEcho(String body) {
    return body.replaceFirst("^\\{\"service\":\"[a-z]+\",", "{");
  }

  @ParameterizedTest(name = "over {0}")
  @EnumSource(Store.class)
  void withKeys_eachTenantReadsOnlyItsOwnTelemetry_onEveryReadEndpoint(Store store)
      throws Exception {
    String acmeIngest = key("acme-ingest", Scope.INGEST, "acme");
    String acmeRead = key("acme-read", Scope.READ, "acme");
    String globexIngest = key("globex-ingest", Scope.INGEST, "globex");
    String globexRead = key("globex-read", Scope.READ, "globex");
    try (TestServer s = server(SecurityConfig.DEFAULTS.withTokens(new Tokens(keys)), store)) {
      // acme over OTLP/HTTP and Zipkin, globex over OTLP/gRPC: the same trace id, the same span
      // ids.
      assertThat(
              TestServer.post(
                      s.otlpHttp("/v1/traces"),
                      "application/x-protobuf",
                      spans("shop", "acme.secret", "acme-value", 3),
                      "Authorization",
                      "Bearer " + acmeIngest)
                  .status())
          .isEqualTo(200);
      assertThat(
              TestServer.post(
                      s.zipkin("/api/v2/spans"),
                      "application/json",
                      zipkinSpan("shop", "00000000000000aa").getBytes(StandardCharsets.UTF_8),
                      "Authorization",
                      "Bearer " + acmeIngest)
                  .status())
          .isEqualTo(202);
      GrpcClients.builder(s.grpcEndpoint())
          .addHeader("authorization", "Bearer " + globexIngest)
          .build(TraceServiceGrpc.TraceServiceBlockingStub.class)
          .export(
              io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest.parseFrom(
                  spans("bank", "globex.only", "globex-value", 2)));
      String[] acme = {"Authorization", "Bearer " + acmeRead};
      String[] globex = {"Authorization", "Bearer " + globexRead};
      awaitEvents(s, 4, acme);
      awaitEvents(s, 2, globex);

      for (String path : READS) {
        TestServer.Reply a = get(s, path, acme);
        assertThat(a.status()).as(path + ": " + a.body()).isIn(200, 404);
        assertThat(withoutEcho(a.body()))
            .as("acme's answer to " + path)
            .doesNotContain("globex", "bank", "ledger");
        TestServer.Reply g = get(s, path, globex);
        assertThat(g.status()).as(path + ": " + g.body()).isIn(200, 404);
        assertThat(withoutEcho(g.body()))
            .as("globex's answer to " + path)
            .doesNotContain("acme", "shop");
      }
      assertThat(get(s, "/api/v1/traces/" + SHARED_TRACE, acme).json().path("events").size())
          .isEqualTo(4);
      assertThat(get(s, "/api/traces/" + SHARED_TRACE, globex).body()).contains("bank op");
      assertThat(get(s, "/api/v1/columns?last=1h", acme).body()).contains("acme.secret");

      String count = "{\"q\":\"count() by service.name | last 1h\"}";
      TestServer.Reply q =
          TestServer.post(
              s.api("/api/v1/query"), "application/json", count.getBytes(), acme[0], acme[1]);
      assertThat(q.status()).as(q.body()).isEqualTo(200);
      assertThat(q.body()).contains("shop").doesNotContain("bank");
      String compare =
          "{\"last\":\"1h\",\"selection\":{\"column\":\"name\",\"op\":\"=\",\"value\":\"shop op\"}}";
      TestServer.Reply c =
          TestServer.post(
              s.api("/api/v1/compare"), "application/json", compare.getBytes(), acme[0], acme[1]);
      assertThat(c.status()).as(c.body()).isEqualTo(200);
      assertThat(c.body()).doesNotContain("globex", "bank");
      // The store holds both: the isolation is in the reads.
      assertThat(s.server.store().stats().events()).isEqualTo(6);
    }
  }

  @Test
  void aKeyCannotNameAnotherTenant_andProbesAreTheOperationsTenants() throws Exception {
    String acmeIngest = key("acme-ingest", Scope.INGEST, "acme");
    String acmeTriage = key("acme-triage", Scope.TRIAGE, "acme");
    try (TestServer s = server(SecurityConfig.DEFAULTS.withTokens(new Tokens(keys)))) {
      TestServer.Reply spoofed =
          get(
              s,
              "/api/v1/services",
              "Authorization",
              "Bearer " + acmeTriage,
              "X-Scope-OrgID",
              "globex");
      assertThat(spoofed.status()).isEqualTo(403);
      assertThat(spoofed.body()).contains("belongs to tenant acme");
      TestServer.Reply same =
          get(
              s,
              "/api/v1/services",
              "Authorization",
              "Bearer " + acmeTriage,
              "X-Scope-OrgID",
              "acme");
      assertThat(same.status()).isEqualTo(200);

      TestServer.Reply ingest =
          TestServer.post(
              s.otlpHttp("/v1/traces"),
              "application/x-protobuf",
              spans("shop", "k", "v", 1),
              "Authorization",
              "Bearer " + acmeIngest,
              "X-Scope-OrgID",
              "globex");
      assertThat(ingest.status()).isEqualTo(403);
      assertThatThrownBy(
              () ->
                  GrpcClients.builder(s.grpcEndpoint())
                      .addHeader("authorization", "Bearer " + acmeIngest)
                      .addHeader("x-scope-orgid", "globex")
                      .build(TraceServiceGrpc.TraceServiceBlockingStub.class)
                      .export(Otlp.request("shop", List.of())))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));

      // Probes and triage act on the operations tenant's system: not acme's to run or read.
      String[] triage = {"Authorization", "Bearer " + acmeTriage};
      TestServer.Reply run =
          TestServer.post(
              s.api("/api/v1/triage"), "application/json", "{}".getBytes(), triage[0], triage[1]);
      assertThat(run.status()).isEqualTo(403);
      assertThat(run.body()).contains("operations tenant default");
      assertThat(get(s, "/api/v1/probes", triage).status()).isEqualTo(403);
    }
  }

  @Test
  void withoutKeys_theScopeHeaderNamesTheTenant() throws Exception {
    try (TestServer s = server(SecurityConfig.DEFAULTS)) {
      assertThat(
              TestServer.post(
                      s.otlpHttp("/v1/traces"),
                      "application/x-protobuf",
                      spans("shop", "acme.secret", "acme-value", 2),
                      "X-Scope-OrgID",
                      "acme")
                  .status())
          .isEqualTo(200);
      assertThat(
              TestServer.post(
                      s.otlpHttp("/v1/traces"),
                      "application/json",
                      "{\"resourceSpans\":[]}".getBytes(),
                      "X-Scope-OrgID",
                      "bad tenant!")
                  .status())
          .isEqualTo(400);
      awaitEvents(s, 2, "X-Scope-OrgID", "acme");
      awaitEvents(s, 0, "X-Scope-OrgID", "globex");
      awaitEvents(s, 0); // the default tenant
      assertThat(get(s, "/api/v1/services", "X-Scope-OrgID", "globex").body())
          .doesNotContain("shop");
      assertThat(get(s, "/api/v1/services", "X-Scope-OrgID", "bad tenant!").status())
          .isEqualTo(400);
    }
  }

  @Test
  void aTenantOverItsLimitIsRefused_andTheOtherIsNot() throws Exception {
    String acme = key("acme", Scope.INGEST, "acme");
    String globex = key("globex", Scope.INGEST, "globex");
    SecurityConfig security =
        SecurityConfig.DEFAULTS
            .withTokens(new Tokens(keys))
            .withTenants(new TenantLimits(50, 0), null);
    try (TestServer s = server(security)) {
      // 50 events/s, a second's worth in the bucket: a full bucket lets 200 pass, which leaves a
      // debt of 3 s, so the next request is refused.
      int[] statuses = new int[2];
      for (int i = 0; i < 2; i++) {
        statuses[i] =
            TestServer.post(
                    s.otlpHttp("/v1/traces"),
                    "application/x-protobuf",
                    spans("shop", "k", "v", 200),
                    "Authorization",
                    "Bearer " + acme)
                .status();
      }
      assertThat(statuses).containsExactly(200, 429);
      TestServer.Reply other =
          TestServer.post(
              s.otlpHttp("/v1/traces"),
              "application/x-protobuf",
              spans("bank", "k", "v", 200),
              "Authorization",
              "Bearer " + globex);
      assertThat(other.status()).as(other.body()).isEqualTo(200);
    }
  }
}
