package io.sextant.triage.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Server;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Probes against a real HTTP server on a free loopback port. */
class ProbeRunnerTest {
  static Server server;
  static final Map<String, String> seen = new ConcurrentHashMap<>();
  static final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  static final AtomicInteger inFlightAll = new AtomicInteger();
  static final Map<String, Integer> maxInFlight = new ConcurrentHashMap<>();
  static final Map<String, List<Long>> starts = new ConcurrentHashMap<>();
  static final Map<String, List<Long>> ends = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() {
    server =
        Server.builder()
            .http(new InetSocketAddress("127.0.0.1", 0))
            .service(
                "/ok",
                (ctx, req) -> {
                  seen.put("traceparent", req.headers().get("traceparent", ""));
                  seen.put("baggage", req.headers().get("baggage", ""));
                  seen.put("authorization", req.headers().get("authorization", ""));
                  return HttpResponse.of(
                      HttpStatus.OK, MediaType.JSON_UTF_8, "{\"products\":[1,2],\"state\":\"ok\"}");
                })
            .service(
                "/empty",
                (ctx, req) ->
                    HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, "{\"products\":[]}"))
            .service("/fail", (ctx, req) -> HttpResponse.of(HttpStatus.INTERNAL_SERVER_ERROR))
            .service(
                "/rolled",
                (ctx, req) ->
                    HttpResponse.of(
                        com.linecorp.armeria.common.ResponseHeaders.builder(HttpStatus.OK)
                            .add("Sextant-Tracer-Bullet", "rolled-back")
                            .build()))
            .service(
                "prefix:/held/",
                (ctx, req) -> {
                  // Holds each request 300 ms; counts how many are in flight, per probe and in all.
                  String probe = ctx.mappedPath().substring(1);
                  int mine =
                      inFlight.computeIfAbsent(probe, k -> new AtomicInteger()).incrementAndGet();
                  int all = inFlightAll.incrementAndGet();
                  maxInFlight.merge(probe, mine, Math::max);
                  maxInFlight.merge("*", all, Math::max);
                  starts
                      .computeIfAbsent(probe, k -> new CopyOnWriteArrayList<>())
                      .add(System.nanoTime());
                  return HttpResponse.of(
                      CompletableFuture.supplyAsync(
                          () -> {
                            inFlight.get(probe).decrementAndGet();
                            inFlightAll.decrementAndGet();
                            ends.computeIfAbsent(probe, k -> new CopyOnWriteArrayList<>())
                                .add(System.nanoTime());
                            return HttpResponse.of(HttpStatus.OK);
                          },
                          CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS)));
                })
            .service(
                "/slow",
                (ctx, req) ->
                    HttpResponse.of(
                        CompletableFuture.supplyAsync(
                            () -> HttpResponse.of(HttpStatus.OK),
                            CompletableFuture.delayedExecutor(1500, TimeUnit.MILLISECONDS))))
            .build();
    server.start().join();
  }

  @AfterAll
  static void stop() {
    server.stop().join();
  }

  static ProbeSuite suite(String probes) throws Exception {
    String yaml =
        """
        defaults:
          timeout: 5s
          tester: {user_id: u-tester-01, account_id: a-tester}
          headers: {Authorization: "Bearer ${token}"}
        probes:
        """
            + probes;
    return ProbeSuite.parse(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)),
        "test.yaml",
        Map.of("base", "http://127.0.0.1:" + server.activeLocalPort(), "token", "t0k"));
  }

  static ProbeRun run(String probe) throws Exception {
    ProbeSuite s = suite(probe);
    return new ProbeRunner(Clock.systemUTC()).run(s.probes().get(0));
  }

  /** Found by the long fuzz run: JsonPath's compiler recursed once per step of a long path. */
  @Test
  void aJsonPathOfThousandsOfSteps_isRefusedWithASentence() {
    String path = "$" + ".a".repeat(3_000);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                suite(
                    """
                      - name: long
                        request: {method: GET, url: "${base}/x"}
                        expect: {json: [{path: "%s"}]}
                    """
                        .formatted(path)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("longer than 256 characters");
  }

  @Test
  void aProbeCarriesAFreshSampledTraceparentAndTracerBulletBaggage() throws Exception {
    ProbeSuite s =
        suite(
            """
              - name: ok
                request: {url: "${base}/ok"}
                expect: {json: [{path: "$.products", op: not-empty}, {path: "$.state", op: equals, value: ok}]}
            """);
    ProbeRunner runner = new ProbeRunner(Clock.systemUTC());
    List<ProbeRun> runs = runner.runAll(s.probes(), 2);
    assertThat(runs).hasSize(2).allMatch(ProbeRun::passed);
    assertThat(runs.get(0).traceId()).hasSize(32).isNotEqualTo(runs.get(1).traceId());
    assertThat(seen.get("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    assertThat(seen.get("baggage"))
        .contains("request_type=TRACE")
        .contains("user_id=u-tester-01")
        .contains("account_id=a-tester");
    assertThat(seen.get("authorization")).isEqualTo("Bearer t0k");
  }

  @Test
  void aBrokenContractIsAFailureWithItsReason() throws Exception {
    assertThat(run("  - {name: f, request: {url: \"${base}/fail\"}}\n").reason())
        .isEqualTo("status 500, expected 200");
    assertThat(
            run("  - {name: e, request: {url: \"${base}/empty\"}, expect: {json: [{path: \"$.products\", op: not-empty}]}}\n")
                .reason())
        .isEqualTo("$.products is empty");
    assertThat(
            run("  - {name: s, request: {url: \"${base}/slow\"}, expect: {max_latency_ms: 100}, timeout: 5s}\n")
                .reason())
        .startsWith("took ")
        .endsWith("over its 100 ms limit");
    assertThat(run("  - {name: t, request: {url: \"${base}/slow\"}, timeout: 300ms}\n").reason())
        .isEqualTo("no answer within 300 ms");
    ProbeRun refused = run("  - {name: r, request: {url: \"http://127.0.0.1:1/x\"}}\n");
    assertThat(refused.passed()).isFalse();
    assertThat(refused.reason()).startsWith("cannot connect to 127.0.0.1:1");
  }

  @Test
  void aBadSuiteIsRefusedWithWhereAndWhat() {
    assertThatThrownBy(() -> suite("  - {name: a, request: {url: \"${nope}/x\"}}\n"))
        .hasMessage("test.yaml: probe 1: no value for ${nope}");
    assertThatThrownBy(() -> suite("  - {name: a, request: {url: \"ftp://x\"}}\n"))
        .hasMessageContaining("must be http or https");
    assertThatThrownBy(
            () ->
                suite(
                    "  - {name: a, request: {url: \"${base}\"}}\n  - {name: a, request: {url: \"${base}\"}}\n"))
        .hasMessage("test.yaml: probe 2: the name a is used twice");
    assertThatThrownBy(
            () ->
                suite(
                    "  - {name: a, request: {url: \"${base}\"}, expect: {json: [{path: \"$.x\", op: near}]}}\n"))
        .hasMessageContaining("unknown assertion op near");
    assertThatThrownBy(() -> suite("  - {name: a, request: {url: \"${base}\"}, every: soon}\n"))
        .hasMessageContaining("\"soon\" is not a duration");
  }

  @Test
  void resultsBecomeEventsLinkedToTheirTrace() throws Exception {
    ProbeSuite s = suite("  - {name: f, request: {url: \"${base}/fail\"}}\n");
    ProbeRun r = new ProbeRunner(Clock.systemUTC()).run(s.probes().get(0));
    var e = ProbeEvents.of(r, s.probes().get(0));
    assertThat(e.name()).isEqualTo("probe");
    assertThat(e.serviceName()).isEqualTo("sextant-probes");
    assertThat(e.traceId().toHex()).isEqualTo(r.traceId());
    assertThat(e.isError()).isTrue();
    assertThat(e.attributes().get("probe.passed")).isEqualTo(false);
    assertThat(e.attributes().get("probe.reason")).isEqualTo("status 500, expected 200");
    assertThat(s.probes().get(0).every()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void theRepeatsOfAProbeArePacedWhileDifferentProbesRunAtOnce() throws Exception {
    ProbeSuite s =
        suite(
            """
              - {name: a, request: {url: "${base}/held/a"}}
              - {name: b, request: {url: "${base}/held/b"}}
            """);
    List<ProbeRun> runs = new ProbeRunner(Clock.systemUTC()).runAll(s.probes(), 3);
    assertThat(runs).hasSize(6).allMatch(ProbeRun::passed);
    assertThat(runs.stream().map(ProbeRun::probe)).containsExactly("a", "a", "a", "b", "b", "b");
    // never two runs of one probe at once; the two probes side by side
    assertThat(maxInFlight.get("a")).isEqualTo(1);
    assertThat(maxInFlight.get("b")).isEqualTo(1);
    assertThat(maxInFlight.get("*")).isEqualTo(2);
    for (String p : List.of("a", "b")) {
      List<Long> st = starts.get(p);
      List<Long> en = ends.get(p);
      for (int i = 1; i < 3; i++) {
        // each repeat starts only after the previous one answered, and a pause later (200 ms;
        // measured at the server, so a wide margin)
        assertThat((st.get(i) - en.get(i - 1)) / 1e6).isGreaterThan(100);
      }
    }
  }

  @Test
  void aRunRemembersWhetherTheSystemSaidItRolledBack() throws Exception {
    assertThat(
            run("  - {name: r, request: {method: POST, url: \"${base}/rolled\"}}\n").rolledBack())
        .isTrue();
    assertThat(run("  - {name: o, request: {url: \"${base}/ok\"}}\n").rolledBack()).isFalse();
    ProbeSuite s = suite("  - {name: r, request: {method: POST, url: \"${base}/rolled\"}}\n");
    ProbeRun r = new ProbeRunner(Clock.systemUTC()).run(s.probes().get(0));
    assertThat(ProbeEvents.of(r, s.probes().get(0)).attributes().get("probe.rolled_back"))
        .isEqualTo(true);
  }

  /**
   * The examples of docs/probes.md ("The JSONPath of expect.json"): each assertion of its YAML
   * block against its JSON answer passes or fails as its comment says.
   */
  @Test
  void theJsonPathExamplesOfTheDocsHold() throws Exception {
    String doc = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "probes.md"));
    int at = doc.indexOf("<!-- checked by ProbeRunnerTest -->");
    assertThat(at).as("the docs' checked example").isPositive();
    String json = block(doc, "```json", at);
    String yaml = block(doc, "```yaml", at);
    int checked = 0;
    for (String line : yaml.split("\n")) {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("^\\s*- (\\{.*\\})\\s*# (passes|fails: (.*))$")
              .matcher(line);
      if (!m.matches()) {
        continue;
      }
      Probe p =
          suite(
                  "  - {name: j, request: {url: \"${base}/ok\"}, expect: {json: ["
                      + m.group(1)
                      + "]}}\n")
              .probes()
              .get(0);
      String reason = ProbeRunner.check(p, 200, 1, json.getBytes(StandardCharsets.UTF_8));
      if (m.group(2).equals("passes")) {
        assertThat(reason).as(line).isNull();
      } else {
        assertThat(reason).as(line).isEqualTo(m.group(3).strip());
      }
      checked++;
    }
    assertThat(checked).isGreaterThanOrEqualTo(8);
  }

  private static String block(String doc, String fence, int from) {
    int start = doc.indexOf(fence, from);
    int end = doc.indexOf("```", start + fence.length());
    return doc.substring(start + fence.length(), end);
  }
}
