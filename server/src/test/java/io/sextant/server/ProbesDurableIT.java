package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.Server;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Probes that learn durably and reload without a restart, over a real server and a real HTTP
 * service on loopback that exports its spans to that server over OTLP/HTTP.
 */
class ProbesDurableIT {
  @TempDir Path dir;

  final AtomicReference<TestServer> sextant = new AtomicReference<>();
  final AtomicInteger shopFailures = new AtomicInteger();
  final AtomicInteger slowRequests = new AtomicInteger();
  Server target;
  Path probes;

  @BeforeEach
  void startTarget() {
    target =
        Server.builder()
            .http(new InetSocketAddress("127.0.0.1", 0))
            .service(
                "/shop",
                (ctx, req) -> {
                  if (shopFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    return HttpResponse.of(HttpStatus.SERVICE_UNAVAILABLE);
                  }
                  export(req.headers().get("traceparent", ""), "shop");
                  return HttpResponse.of(HttpStatus.OK);
                })
            .service(
                "/cart",
                (ctx, req) -> {
                  export(req.headers().get("traceparent", ""), "cart");
                  return HttpResponse.of(HttpStatus.OK);
                })
            .service(
                "/buy", // a service with the client kit: it says it rolled the write back
                (ctx, req) -> {
                  export(req.headers().get("traceparent", ""), "orders");
                  return HttpResponse.of(
                      ResponseHeaders.builder(HttpStatus.OK)
                          .add("Sextant-Tracer-Bullet", "rolled-back")
                          .build());
                })
            .service(
                "/slow",
                (ctx, req) -> {
                  slowRequests.incrementAndGet();
                  return HttpResponse.of(
                      java.util.concurrent.CompletableFuture.supplyAsync(
                          () -> HttpResponse.of(HttpStatus.OK),
                          java.util.concurrent.CompletableFuture.delayedExecutor(
                              1500, java.util.concurrent.TimeUnit.MILLISECONDS)));
                })
            .service(
                "/pay", // a service without it
                (ctx, req) -> {
                  export(req.headers().get("traceparent", ""), "payments");
                  return HttpResponse.of(HttpStatus.OK);
                })
            .build();
    target.start().join();
    probes = dir.resolve("probes.yaml");
  }

  @AfterEach
  void stopTarget() {
    target.stop().join();
  }

  /** The service's server span, exported to Sextant over OTLP/HTTP as its SDK would. */
  void export(String traceparent, String service) {
    TestServer s = sextant.get();
    if (s == null || traceparent.length() < 35) {
      return;
    }
    String spanId =
        HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
    Span span =
        Otlp.span(traceparent.substring(3, 35), spanId, "GET /" + service)
            .addAttributes(Otlp.attr("http.route", "/" + service))
            .build();
    // exported in the background, as an SDK's batch processor does: the answer does not wait
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                TestServer.post(
                    s.otlpHttp("/v1/traces"),
                    "application/x-protobuf",
                    Otlp.request(service, List.of(span)).toByteArray());
              } catch (Exception e) {
                // the server may be closing
              }
            });
  }

  void writeProbes(String yaml) throws Exception {
    Path tmp = dir.resolve("probes.yaml.tmp");
    Files.writeString(tmp, yaml);
    Files.move(tmp, probes, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  TestServer start() throws Exception {
    TestServer s = new TestServer(dir.resolve("data"));
    sextant.set(s);
    s.server.startTriage(probes, Map.of("base", "http://127.0.0.1:" + target.activeLocalPort()));
    return s;
  }

  static JsonNode probe(TestServer s, String name) throws Exception {
    for (JsonNode p : s.get("/api/v1/probes").json().path("probes")) {
      if (p.path("name").asText().equals(name)) {
        return p;
      }
    }
    return null;
  }

  static List<String> names(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(n -> out.add(n.isObject() ? n.path("name").asText() : n.asText()));
    return out;
  }

  /** Runs the command line: its exit code, what it printed, what it printed on stderr. */
  static String[] cli(String... args) {
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    picocli.CommandLine c = new picocli.CommandLine(new Main());
    c.setOut(new java.io.PrintWriter(out));
    c.setErr(new java.io.PrintWriter(err));
    int code = c.execute(args);
    return new String[] {Integer.toString(code), out.toString(), err.toString()};
  }

  /** Waits (at most 60 s) until {@code check} holds for the answer of GET {@code path}. */
  static JsonNode await(TestServer s, String path, Predicate<JsonNode> check) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    JsonNode last = s.get(path).json();
    while (!check.test(last) && System.nanoTime() < deadline) {
      Thread.sleep(250);
      last = s.get(path).json();
    }
    assertThat(check.test(last)).as(path + ": " + last).isTrue();
    return last;
  }

  static int learned(JsonNode probes, String name) {
    for (JsonNode p : probes.path("probes")) {
      if (p.path("name").asText().equals(name)) {
        return p.path("learned_traces").asInt();
      }
    }
    return -1;
  }

  @Test
  void footprintsAndFlakeRatesSurviveARestartOfTheServer() throws Exception {
    writeProbes(
        """
        defaults: {every: 1h, timeout: 3s}
        probes:
          - {name: shop, request: {url: "${base}/shop"}}
          - {name: cart, request: {url: "${base}/cart"}}
        """);
    JsonNode shop;
    JsonNode cart;
    try (TestServer s = start()) {
      // a start runs each probe three times (its schedule's first run, two warm-up rounds)
      await(s, "/api/v1/probes", p -> learned(p, "shop") == 3 && learned(p, "cart") == 3);
      shopFailures.set(2);
      TestServer.Reply run =
          TriageApiIT.post(s, "/api/v1/probes/run", "{\"probes\":[\"shop\"],\"repeats\":4}");
      assertThat(run.body()).contains("status 503");
      JsonNode before = await(s, "/api/v1/probes", p -> learned(p, "shop") == 5);
      shop = field(before, "shop");
      cart = field(before, "cart");
      // 7 runs, 2 failures: (2 + 1) / (7 + 2)
      assertThat(shop.path("flake_rate").asDouble()).isCloseTo(3 / 9.0, within(1e-9));
      assertThat(shop.path("footprint").has("shop")).isTrue();
    }
    sextant.set(null);
    // The same data directory, new ports: what was learned is read back from the store, and the
    // new start's three runs of each probe come on top of it.
    try (TestServer s = start()) {
      JsonNode after =
          await(s, "/api/v1/probes", p -> learned(p, "shop") == 8 && learned(p, "cart") == 6);
      assertThat(field(after, "shop").path("footprint")).isEqualTo(shop.path("footprint"));
      assertThat(field(after, "cart").path("footprint")).isEqualTo(cart.path("footprint"));
      // 10 runs, 2 failures: (2 + 1) / (10 + 2); forgotten, it would be (0 + 1) / (3 + 2)
      assertThat(field(after, "shop").path("flake_rate").asDouble())
          .isCloseTo(3 / 12.0, within(1e-9));
    }
  }

  private static JsonNode field(JsonNode probes, String name) {
    for (JsonNode p : probes.path("probes")) {
      if (p.path("name").asText().equals(name)) {
        return p;
      }
    }
    throw new AssertionError("no probe " + name + " in " + probes);
  }

  @Test
  void theSuiteReloadsOnRequestAndWhenItsFileChanges() throws Exception {
    writeProbes(
        """
        defaults: {every: 1h, timeout: 3s}
        probes:
          - {name: shop, request: {url: "${base}/shop"}}
          - {name: cart, request: {url: "${base}/cart"}}
        """);
    try (TestServer s = start()) {
      await(s, "/api/v1/probes", p -> learned(p, "shop") >= 3 && learned(p, "cart") >= 3);
      int shopLearned = learned(s.get("/api/v1/probes").json(), "shop");

      // cart's request changes, buy and pay are new, spare is outside the suite
      writeProbes(
          """
          defaults: {every: 1h, timeout: 3s}
          probes:
            - {name: shop, request: {url: "${base}/shop"}}
            - {name: cart, request: {url: "${base}/cart?v=2"}}
            - {name: buy, request: {method: POST, url: "${base}/buy", body: {id: 7}}}
            - {name: pay, request: {method: POST, url: "${base}/pay", body: {id: 7}}}
            - {name: spare, request: {url: "${base}/cart"}, suite: false, every: never}
          """);
      TestServer.Reply reload = TriageApiIT.post(s, "/api/v1/probes/reload", "");
      assertThat(reload.status()).as(reload.body()).isEqualTo(200);
      JsonNode r = reload.json();
      assertThat(names(r.path("probes"))).containsExactly("shop", "cart", "buy", "pay", "spare");
      assertThat(names(r.path("unchanged"))).containsExactly("shop");
      assertThat(names(r.path("new_or_changed"))).containsExactly("cart", "buy", "pay", "spare");
      // shop keeps what it learned
      assertThat(learned(s.get("/api/v1/probes").json(), "shop"))
          .isGreaterThanOrEqualTo(shopLearned);

      // The audit lists every probe, and warns for the write no system said it rolled back.
      TriageApiIT.post(s, "/api/v1/probes/run", "{\"probes\":[\"spare\",\"buy\",\"pay\"]}");
      JsonNode audit =
          await(
              s,
              "/api/v1/probes/audit",
              a -> {
                for (JsonNode p : a.path("all_probes")) {
                  if (p.path("name").asText().equals("spare")
                      && p.path("learned_traces").asInt() > 0) {
                    return true;
                  }
                }
                return false;
              });
      assertThat(names(audit.path("probes"))).containsExactly("buy", "cart", "pay", "shop");
      assertThat(names(audit.path("all_probes")))
          .containsExactly("buy", "cart", "pay", "shop", "spare");
      assertThat(audit.path("all_probes").get(4).path("suite").asBoolean()).isFalse();
      assertThat(audit.path("all_probes").get(4).path("footprint").has("cart")).isTrue();
      assertThat(audit.path("warnings")).hasSize(1);
      assertThat(audit.path("warnings").get(0).asText())
          .startsWith(
              "probe pay writes (read_only: false) but the system never said it rolled back a"
                  + " tracer bullet: its runs may really write (none of its ")
          .endsWith(" recent runs was answered Sextant-Tracer-Bullet: rolled-back)");
      assertThat(field(s.get("/api/v1/probes").json(), "buy").path("rolled_back_runs").asInt())
          .isPositive();

      // The same from the command line.
      String[] cliAudit = cli("probe", "audit", "--server", s.api(""));
      assertThat(cliAudit[0]).isEqualTo("0");
      assertThat(cliAudit[1])
          .contains("4 probes reach")
          .containsPattern("(?m)^  spare +extra +[0-9]+ traces  cart 1\\.00")
          .contains("WARNING: probe pay writes (read_only: false)")
          .doesNotContain("WARNING: probe buy");

      // A file that does not load: 400 with the loader's sentence, the running suite kept.
      writeProbes(
          """
          probes:
            - {name: shop, request: {url: "${base}/shop"}}
            - {name: shop, request: {url: "${base}/cart"}}
          """);
      TestServer.Reply bad = TriageApiIT.post(s, "/api/v1/probes/reload", "");
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.json().path("error").asText())
          .isEqualTo(probes + ": probe 2: the name shop is used twice");
      assertThat(names(s.get("/api/v1/probes").json().path("probes")))
          .containsExactly("shop", "cart", "buy", "pay", "spare");
      String[] cliReload = cli("probe", "reload", "--server", s.api(""));
      assertThat(cliReload[0]).isEqualTo("2");
      assertThat(cliReload[2]).contains("probe 2: the name shop is used twice");

      // A change to the file is picked up without a request (looked at every 2 s).
      writeProbes(
          """
          defaults: {every: 1h, timeout: 3s}
          probes:
            - {name: shop, request: {url: "${base}/shop"}}
            - {name: pay, request: {method: POST, url: "${base}/pay", body: {id: 7}}}
          """);
      await(s, "/api/v1/probes", p -> names(p.path("probes")).equals(List.of("shop", "pay")));
      assertThat(learned(s.get("/api/v1/probes").json(), "shop"))
          .isGreaterThanOrEqualTo(shopLearned);
    }
  }

  @Test
  void aReloadWaitsForTheProbeRunsUnderWay() throws Exception {
    writeProbes(
        """
        defaults: {every: never, timeout: 5s}
        probes:
          - {name: slow, request: {url: "${base}/slow"}}
        """);
    try (TestServer s = start()) {
      // the start's two warm-up runs (at 1 s and 2 s, 1.5 s each) are over first
      while (slowRequests.get() < 2) {
        Thread.sleep(20);
      }
      Thread.sleep(2000);
      int before = slowRequests.get();
      java.util.concurrent.CompletableFuture<TestServer.Reply> run =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try {
                  return TriageApiIT.post(
                      s, "/api/v1/probes/run", "{\"probes\":[\"slow\"],\"repeats\":2}");
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      while (slowRequests.get() == before) { // the run is under way (it takes 3.2 s)
        Thread.sleep(20);
      }
      writeProbes(
          """
          defaults: {every: never, timeout: 5s}
          probes:
            - {name: slow, request: {url: "${base}/slow?v=2"}}
          """);
      TestServer.Reply reload = TriageApiIT.post(s, "/api/v1/probes/reload", "");
      assertThat(reload.status()).as(reload.body()).isEqualTo(200);
      // the run finished with the suite it started with, and before the suite changed: both of
      // its requests were made before the reload answered (its own answer may still be on the
      // way to this client, so the future is waited for, not asked whether it is done)
      assertThat(slowRequests.get() - before)
          .as("requests of the run made before the reload answered")
          .isGreaterThanOrEqualTo(2);
      TestServer.Reply r = run.get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.json().path("runs")).hasSize(2);
      assertThat(r.json().path("runs").get(1).path("passed").asBoolean()).isTrue();
    }
  }

  @Test
  void theRepeatsOfAProbeRunOneAfterAnother() throws Exception {
    writeProbes(
        """
        defaults: {every: never, timeout: 3s}
        probes:
          - {name: shop, request: {url: "${base}/shop"}}
          - {name: cart, request: {url: "${base}/cart"}}
        """);
    try (TestServer s = start()) {
      TestServer.Reply run = TriageApiIT.post(s, "/api/v1/probes/run", "{\"repeats\":4}");
      assertThat(run.status()).isEqualTo(200);
      JsonNode runs = run.json().path("runs");
      assertThat(runs).hasSize(8);
      for (String probe : List.of("shop", "cart")) {
        List<JsonNode> mine = new ArrayList<>();
        runs.forEach(
            r -> {
              if (r.path("probe").asText().equals(probe)) {
                mine.add(r);
              }
            });
        for (int i = 1; i < mine.size(); i++) {
          Instant prevStart = Instant.parse(mine.get(i - 1).path("time").asText());
          double prevMillis = mine.get(i - 1).path("duration_ms").asDouble();
          Instant start = Instant.parse(mine.get(i).path("time").asText());
          double gap = Duration.between(prevStart, start).toNanos() / 1e6 - prevMillis;
          // 200 ms after the previous one answered (clock in whole milliseconds: a wide margin)
          assertThat(gap).as(probe + " run " + i).isGreaterThan(150);
        }
      }
    }
  }
}
