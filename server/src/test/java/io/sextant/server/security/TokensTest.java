package io.sextant.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokensTest {
  @TempDir Path dir;

  @Test
  void linesFile_holdsHashesOnly_andFindsTokensBySecret() throws Exception {
    String ci = ApiToken.newSecret();
    String ops = ApiToken.newSecret();
    Path file = dir.resolve("tokens");
    Files.writeString(
        file,
        "# name scopes hash\n"
            + "ci-exporter ingest sha256:"
            + ApiToken.hash(ci)
            + "\n\n"
            + "ops read,triage "
            + ApiToken.hash(ops).toUpperCase()
            + "\n");
    Tokens t = Tokens.load(file);
    assertThat(t.enabled()).isTrue();
    assertThat(Files.readString(file)).doesNotContain(ci).doesNotContain(ops);
    assertThat(t.find(ci).orElseThrow().name()).isEqualTo("ci-exporter");
    assertThat(t.find(ci).orElseThrow().allows(Scope.INGEST)).isTrue();
    assertThat(t.find(ci).orElseThrow().allows(Scope.READ)).isFalse();
    ApiToken o = t.find(ops).orElseThrow();
    assertThat(o.allows(Scope.READ)).isTrue();
    assertThat(o.allows(Scope.TRIAGE)).isTrue();
    assertThat(o.allows(Scope.ADMIN)).isFalse();
    assertThat(o.allows(Scope.INGEST)).isFalse();
    assertThat(t.find("sxt_wrong")).isEmpty();
    assertThat(t.find(null)).isEmpty();
    assertThat(t.find("")).isEmpty();
  }

  @Test
  void yamlFile_isReadToo() throws Exception {
    String s = ApiToken.newSecret();
    Path file = dir.resolve("tokens.yaml");
    Files.writeString(
        file,
        "tokens:\n  - name: root\n    scopes: [admin]\n    sha256: sha256:"
            + ApiToken.hash(s)
            + "\n");
    ApiToken root = Tokens.load(file).find(s).orElseThrow();
    assertThat(root.scopes()).containsExactly(Scope.ADMIN);
    for (Scope needed : Scope.values()) {
      assertThat(root.allows(needed)).isTrue();
    }
  }

  @Test
  void badFiles_areRefusedWithTheLineAndWhy() throws Exception {
    Path file = dir.resolve("t");
    Files.writeString(file, "ci ingest sxt_plaintext-secret\n");
    assertThatThrownBy(() -> Tokens.load(file))
        .hasMessageContaining("line 1")
        .hasMessageContaining("never the secret itself");
    Files.writeString(file, "ci write sha256:" + ApiToken.hash("x") + "\n");
    assertThatThrownBy(() -> Tokens.load(file)).hasMessageContaining("unknown scope \"write\"");
    Files.writeString(file, "# every key revoked\n");
    Tokens none = Tokens.load(file);
    assertThat(none.enabled()).as("a keys file without keys lets no one in").isTrue();
    assertThat(none.all()).isEmpty();
    Files.writeString(
        file,
        "a read sha256:" + ApiToken.hash("x") + "\nb admin sha256:" + ApiToken.hash("x") + "\n");
    assertThatThrownBy(() -> Tokens.load(file)).hasMessageContaining("have one secret");
  }

  @Test
  void bearer_isParsedCaseInsensitively() {
    assertThat(Tokens.bearer("Bearer abc")).isEqualTo("abc");
    assertThat(Tokens.bearer("bearer  abc ")).isEqualTo("abc");
    assertThat(Tokens.bearer("Basic abc")).isNull();
    assertThat(Tokens.bearer(null)).isNull();
  }

  @Test
  void aTokenLine_roundTrips() {
    ApiToken t = new ApiToken("ci", Set.of(Scope.READ, Scope.INGEST), ApiToken.hash("s"));
    assertThat(t.line()).isEqualTo("ci ingest,read sha256:" + ApiToken.hash("s"));
    assertThat(ApiToken.newSecret()).startsWith("sxt_").hasSizeGreaterThan(40);
  }

  @Test
  void aKeysTenant_isOnItsLine_andDecidesTheRequestsTenant() throws Exception {
    ApiToken acme = new ApiToken("acme", Set.of(Scope.READ), ApiToken.hash("a"), "acme");
    assertThat(acme.line()).isEqualTo("acme read sha256:" + ApiToken.hash("a") + " tenant=acme");
    Tokens read =
        Tokens.parse("keys", acme.line() + "\n" + "plain read sha256:" + ApiToken.hash("p"));
    assertThat(read.find("a").orElseThrow().tenant()).isEqualTo("acme");
    assertThat(read.find("p").orElseThrow().tenant()).isEqualTo("default");
    assertThatThrownBy(
            () -> Tokens.parse("keys", "x read sha256:" + ApiToken.hash("x") + " tenant=a/b"))
        .hasMessageContaining("keys line 1")
        .hasMessageContaining("tenant name");
    assertThatThrownBy(
            () -> Tokens.parse("keys", "x read sha256:" + ApiToken.hash("x") + " owner=a"))
        .hasMessageContaining("[tenant=<name>]");

    assertThat(RequestTenant.decide(acme, null)).isEqualTo("acme");
    assertThat(RequestTenant.decide(acme, "acme")).isEqualTo("acme");
    assertThatThrownBy(() -> RequestTenant.decide(acme, "globex"))
        .isInstanceOfSatisfying(
            RequestTenant.Refused.class, r -> assertThat(r.forbidden()).isTrue())
        .hasMessageContaining("belongs to tenant acme");
    assertThat(RequestTenant.decide(null, " globex ")).isEqualTo("globex");
    assertThat(RequestTenant.decide(null, null)).isEqualTo("default");
    assertThatThrownBy(() -> RequestTenant.decide(null, "a'b"))
        .isInstanceOfSatisfying(
            RequestTenant.Refused.class, r -> assertThat(r.forbidden()).isFalse());
  }

  @Test
  void tenantLimits_keepEachTenantToItsRate_andItsQueue() throws Exception {
    long[] now = {0};
    TenantLimits rate = new TenantLimits(100, 0, () -> now[0]);
    rate.take("acme", 150); // a full bucket lets a large request through, then owes
    assertThatThrownBy(() -> rate.take("acme", 1))
        .isInstanceOf(io.sextant.pipeline.Overloaded.class)
        .hasMessageContaining("tenant acme is over its limit of 100 events/s");
    rate.take("globex", 100); // another tenant's bucket is its own
    now[0] += 600_000_000L; // 0.6 s: 60 back, 10 in hand
    rate.take("acme", 10);
    assertThatThrownBy(() -> rate.take("acme", 1))
        .isInstanceOf(io.sextant.pipeline.Overloaded.class);

    TenantLimits queue = new TenantLimits(0, 100, () -> now[0]);
    queue.take("acme", 80);
    assertThatThrownBy(() -> queue.take("acme", 30))
        .hasMessageContaining("tenant acme has 80 events waiting to be stored");
    queue.take("globex", 100);
    queue.release("acme", 80);
    queue.take("acme", 100);
    queue.release("acme", 100);
    queue.take("acme", 500); // alone, a request larger than the limit still passes
  }

  @Test
  void loopback_isRecognised() {
    assertThat(SecurityConfig.isLoopback("127.0.0.1")).isTrue();
    assertThat(SecurityConfig.isLoopback("::1")).isTrue();
    assertThat(SecurityConfig.isLoopback("[::1]")).isTrue();
    assertThat(SecurityConfig.isLoopback("localhost")).isTrue();
    assertThat(SecurityConfig.isLoopback("0.0.0.0")).isFalse();
    assertThat(SecurityConfig.isLoopback("::")).isFalse();
    assertThat(SecurityConfig.isLoopback("10.1.2.3")).isFalse();
  }

  @Test
  void scopes_forRoutes() {
    var get = com.linecorp.armeria.common.HttpMethod.GET;
    var post = com.linecorp.armeria.common.HttpMethod.POST;
    assertThat(ApiGuard.scopeFor(get, "/api/v1/probes")).isEqualTo(Scope.READ);
    assertThat(ApiGuard.scopeFor(post, "/api/v1/query")).isEqualTo(Scope.READ);
    assertThat(ApiGuard.scopeFor(post, "/api/v1/compare")).isEqualTo(Scope.READ);
    assertThat(ApiGuard.scopeFor(post, "/api/v1/probes/run")).isEqualTo(Scope.TRIAGE);
    assertThat(ApiGuard.scopeFor(post, "/api/v1/probes/reload")).isEqualTo(Scope.TRIAGE);
    assertThat(ApiGuard.scopeFor(post, "/api/v1/triage")).isEqualTo(Scope.TRIAGE);
    assertThat(ApiGuard.scopeFor(post, "/api/v1/demo/faults")).isEqualTo(Scope.ADMIN);
  }
}
