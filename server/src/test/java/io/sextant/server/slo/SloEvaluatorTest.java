package io.sextant.server.slo;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.StatusCode;
import io.sextant.model.TraceId;
import io.sextant.query.memory.MemoryEngine;
import io.sextant.query.testkit.CountingEngine;
import io.sextant.store.spi.MemoryEventStore;
import io.sextant.store.testkit.ManualClock;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SloEvaluatorTest {
  static final long MIN = 60_000_000_000L;
  static final long T0 = 29_000_000L * MIN; // a whole minute in 2025
  static final long MS = 1_000_000L; // alerts are dated to the millisecond (the evaluator's clock)

  static final String YAML =
      """
      ui_url: http://sextant.test:7070/
      slos:
        - name: checkout
          description: Checkout answers, and fast
          valid: service.name = gateway and span.kind = server and http.route = /api/checkout
          good: status != error and duration < 800ms
          objective: 99.5
          window: 28d
      """;

  MemoryEventStore store = new MemoryEventStore();
  final ManualClock clock = new ManualClock(T0);
  CountingEngine counting;
  final List<Alert> alerts = new ArrayList<>();
  SloEvaluator evaluator;
  int span;

  @BeforeEach
  void setUp() throws Exception {
    SloConfig config =
        SloConfig.parse(new ByteArrayInputStream(YAML.getBytes(StandardCharsets.UTF_8)), "t.yaml");
    counting = new CountingEngine(new MemoryEngine(store));
    evaluator = new SloEvaluator(config, counting, clock, alerts::add);
  }

  @AfterEach
  void tearDown() {
    evaluator.close();
  }

  /** 100 checkout calls in minute {@code m} (relative to T0), {@code bad} of them failing. */
  void minute(int m, int bad) throws Exception {
    List<Event> batch = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      span++;
      batch.add(
          Event.span(new TraceId(1, span), new SpanId(span))
              .resource(new Resource(Attributes.of("service.name", "gateway")))
              .name("POST /api/checkout")
              .spanKind(SpanKind.SERVER)
              .timeUnixNano(T0 + m * MIN + 30_000_000_000L + i)
              .durationNanos(i < bad ? 2_000_000_000L : 50_000_000L)
              .status(StatusCode.UNSET)
              .attributes(Attributes.of("http.route", "/api/checkout"))
              .build());
    }
    // A span of another route never counts.
    batch.add(
        Event.span(new TraceId(2, span), new SpanId(span + 1_000_000))
            .resource(new Resource(Attributes.of("service.name", "gateway")))
            .name("GET /api/browse")
            .spanKind(SpanKind.SERVER)
            .timeUnixNano(T0 + m * MIN + 31_000_000_000L)
            .durationNanos(5_000_000_000L)
            .status(StatusCode.ERROR)
            .attributes(Attributes.of("http.route", "/api/browse"))
            .build());
    store.write(batch);
    clock.set(T0 + m * MIN + 59_000_000_000L);
    evaluator.tick();
  }

  @Test
  void fastBurn_pagesAtTheWorkbooksThreshold_andResolvesWhenTheShortWindowClears()
      throws Exception {
    for (int m = -60; m < 0; m++) {
      minute(m, 0);
    }
    assertThat(alerts).isEmpty();
    assertThat(evaluator.statuses().get(0).budgetRemaining()).isEqualTo(1.0);

    // Every call slow (over 800 ms): 1 h burn after k bad minutes = k·100 / 6000 / 0.5 %.
    minute(0, 100);
    minute(1, 100);
    assertThat(alerts)
        .extracting(a -> a.severity() + " " + a.firing())
        .containsExactly("TICKET true");
    minute(2, 100);
    minute(3, 100); // 1 h burn 13.3: not yet
    assertThat(alerts).hasSize(1);
    minute(4, 100); // 1 h burn 16.7 and 5 m burn 200: page
    assertThat(alerts).hasSize(2);
    Alert page = alerts.get(1);
    assertThat(page.severity()).isEqualTo(Alert.Severity.PAGE);
    assertThat(page.firing()).isTrue();
    assertThat(page.burnRates()[0]).isCloseTo(200.0, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(page.burnRates()[2])
        .isCloseTo(500 / 6000.0 / 0.005, org.assertj.core.api.Assertions.within(1e-9));

    // Deduplicated: still burning, no new alert.
    minute(5, 100);
    assertThat(alerts).hasSize(2);
    for (int m = 6; m <= 9; m++) {
      minute(m, 0); // the 5 m window still holds a bad minute
    }
    assertThat(alerts).hasSize(2);
    minute(10, 0);
    assertThat(alerts).hasSize(3);
    assertThat(alerts.get(2).severity()).isEqualTo(Alert.Severity.PAGE);
    assertThat(alerts.get(2).firing()).isFalse();
    assertThat(alerts.get(2).id()).isEqualTo(page.id());
    assertThat(evaluator.statuses().get(0).budgetRemaining()).isLessThan(0);
  }

  @Test
  void series_givesEachMinutesCounts_andTheBurnRatesAsTheyStoodThen() throws Exception {
    for (int m = -60; m < 0; m++) {
      minute(m, 0);
    }
    minute(0, 100);
    minute(1, 50);
    SloEvaluator.Series s = evaluator.series("checkout", 10);
    assertThat(s.valid()).hasSize(10).containsOnly(100L);
    assertThat(s.good()).endsWith(100L, 100L, 0L, 50L);
    assertThat(s.fromUnixNano()).isEqualTo(T0 - 8 * MIN);
    assertThat(s.stepNanos()).isEqualTo(MIN);
    // 5 m window at minute 0: 100 bad of 500 → 20 % / 0.5 % = 40; at minute 1: 150 of 500 → 60.
    assertThat(s.burnRates()[0][8]).isCloseTo(40.0, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(s.burnRates()[0][9]).isCloseTo(60.0, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(s.burnRates()[0][7]).isZero();
    // The last point of each window is what the evaluator reports now.
    double[] now = evaluator.statuses().get(0).burnRates();
    for (int w = 0; w < SloEvaluator.WINDOWS.length; w++) {
      assertThat(s.burnRates()[w][9])
          .as(SloEvaluator.WINDOW_NAMES[w])
          .isCloseTo(now[w], org.assertj.core.api.Assertions.within(1e-9));
    }
    // No more minutes than the window, and none for an unknown SLO.
    assertThat(evaluator.series("checkout", 100_000).valid()).hasSize(28 * 24 * 60);
    assertThat(evaluator.series("nope", 10)).isNull();
  }

  @Test
  void put_ofALooserObjective_keepsTheCounts_andResolvesThePageAtOnce() throws Exception {
    for (int m = -60; m < 0; m++) {
      minute(m, 0);
    }
    for (int m = 0; m < 5; m++) {
      minute(m, 100);
    }
    Alert page = alerts.get(alerts.size() - 1);
    assertThat(page.severity()).isEqualTo(Alert.Severity.PAGE);
    assertThat(page.firing()).isTrue();
    long asked = counting.questions();
    int sent = alerts.size();
    Slo old = evaluator.config().slos().get(0);
    // 1 h: 500 bad of 6000 → 8.3 % / 10 % budget = 0.83×: no longer a fast burn.
    evaluator.put(Slo.of(old.name(), "looser", old.valid(), old.good(), 0.90, old.window()));
    assertThat(counting.questions()).as("counts kept, nothing asked").isEqualTo(asked);
    Alert resolved =
        alerts.subList(sent, alerts.size()).stream()
            .filter(a -> a.severity() == Alert.Severity.PAGE)
            .findFirst()
            .orElseThrow();
    assertThat(resolved.firing()).isFalse();
    assertThat(resolved.id()).isEqualTo(page.id());
    assertThat(evaluator.statuses().get(0).burnRates()[2])
        .isCloseTo(500 / 6000.0 / 0.1, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(evaluator.config().slos().get(0).description()).isEqualTo("looser");
  }

  @Test
  void put_ofNewConditions_countsTheWindowAgain_andANewSloIsAdded() throws Exception {
    minute(-1, 0);
    Slo old = evaluator.config().slos().get(0);
    evaluator.put(Slo.of(old.name(), "", old.valid(), "duration < 1s", 0.995, old.window()));
    evaluator.put(
        Slo.of("browse", "", "http.route = /api/browse", "status != error", 0.99, old.window()));
    long before = counting.questions();
    minute(0, 0);
    // Both SLOs count their whole window again (2 · 41 questions each), not 3 minutes.
    assertThat(counting.questions() - before).isEqualTo(4 * 41);
    assertThat(evaluator.statuses())
        .extracting(s -> s.slo().name())
        .containsExactly("checkout", "browse");
    // The browse span of every minute is an error: its 5 m burn is 100 % / 1 % = 100.
    assertThat(evaluator.statuses().get(1).burnRates()[0])
        .isCloseTo(100.0, org.assertj.core.api.Assertions.within(1e-9));
  }

  @Test
  void remove_resolvesItsFiringAlerts() throws Exception {
    for (int m = -60; m < 0; m++) {
      minute(m, 0);
    }
    for (int m = 0; m < 5; m++) {
      minute(m, 100);
    }
    assertThat(evaluator.statuses().get(0).paging()).isTrue();
    int sent = alerts.size();
    assertThat(evaluator.remove("checkout")).isTrue();
    assertThat(alerts.subList(sent, alerts.size()))
        .extracting(a -> a.severity() + " " + a.firing())
        .containsExactlyInAnyOrder("PAGE false", "TICKET false");
    assertThat(evaluator.statuses()).isEmpty();
    assertThat(evaluator.config().slos()).isEmpty();
    assertThat(evaluator.remove("checkout")).isFalse();
  }

  @Test
  void evaluation_isIncremental_twoQuestionsATickAfterTheFirst() throws Exception {
    minute(-1, 0);
    long first = counting.questions();
    // 28 days of minutes in chunks of 1000, valid and good: 2 · 41.
    assertThat(first).isEqualTo(2 * 41);
    minute(0, 0);
    minute(1, 3);
    assertThat(counting.questions() - first).isEqualTo(4);
  }

  @Test
  void slosOfTheSameValidEvents_shareThatQuestion_butEachCountsItsGoodOnes() throws Exception {
    minute(-1, 0);
    Slo checkout = evaluator.config().slos().get(0);
    // Checkout's availability beside its latency: the same valid events, another good.
    evaluator.put(
        Slo.of("checkout-up", "", checkout.valid(), "status != error", 0.995, checkout.window()));
    long before = counting.questions();
    minute(0, 10);
    // The new SLO counts its whole window (2 · 41), checkout its last 3 minutes (2).
    assertThat(counting.questions() - before).isEqualTo(2 * 41 + 2);
    before = counting.questions();
    minute(1, 10);
    // Both recount the same 3 minutes: one valid question, two good ones.
    assertThat(counting.questions() - before).isEqualTo(3);
    // 10 slow calls a minute are bad for checkout's latency, none failed for checkout-up.
    assertThat(evaluator.statuses().get(0).burnRates()[0])
        .isCloseTo(20 / 300.0 / 0.005, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(evaluator.statuses().get(1).burnRates()[0]).isZero();
  }

  @Test
  void notifier_sendsPagesBeforeWaitingTickets_andAlertsFiredBeforeATriageShareIt()
      throws Exception {
    SloConfig config =
        SloConfig.parse(new ByteArrayInputStream(YAML.getBytes(StandardCharsets.UTF_8)), "t.yaml");
    Slo slo = config.slos().get(0);
    java.util.concurrent.CountDownLatch firstTriage = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    List<Long> triageStarts = new java.util.concurrent.CopyOnWriteArrayList<>();
    AlertNotifier.TriageRunner runner =
        () -> {
          triageStarts.add(clock.nanos());
          firstTriage.countDown();
          release.await(10, TimeUnit.SECONDS);
          var ranking =
              new io.sextant.triage.rank.Ranking(
                  true,
                  0.01,
                  "triage " + triageStarts.size(),
                  List.of(),
                  List.of(),
                  null,
                  List.of(),
                  List.of(),
                  1.0);
          return new io.sextant.triage.TriageReport(
              clock.nanos(), 1, List.of(), ranking, List.of(), List.of());
        };
    double[] burn = {20, 20, 20, 20};
    try (AlertNotifier n = new AlertNotifier(config, runner, clock)) {
      clock.set(T0);
      n.alert(new Alert(slo, Alert.Severity.TICKET, true, burn, 0.9, T0, -1));
      assertThat(firstTriage.await(10, TimeUnit.SECONDS)).isTrue();
      // While the first ticket's triage runs: another ticket, then a page.
      n.alert(new Alert(slo, Alert.Severity.TICKET, true, burn, 0.9, T0 + MS, -1));
      n.alert(new Alert(slo, Alert.Severity.PAGE, true, burn, 0.9, T0 + 2 * MS, -1));
      clock.set(T0 + 3 * MS);
      release.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (n.history().size() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      // The page went before the ticket that waited longer; it fired after the first triage
      // started, so it got a triage of its own, which the waiting ticket (fired before that one
      // started) shares.
      assertThat(n.history())
          .extracting(
              p -> p.severity() + "@" + p.startedAt() + " " + p.triage().orElseThrow().headline())
          .containsExactly(
              "ticket@" + java.time.Instant.ofEpochSecond(0, T0) + " triage 1",
              "page@" + java.time.Instant.ofEpochSecond(0, T0 + 2 * MS) + " triage 2",
              "ticket@" + java.time.Instant.ofEpochSecond(0, T0 + MS) + " triage 2");
    }
    assertThat(triageStarts).containsExactly(T0, T0 + 3 * MS);
  }

  @Test
  void notifier_postsFiringThenResolve_toJsonAndSlackWebhooks() throws Exception {
    BlockingQueue<String> received = new LinkedBlockingQueue<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/",
        x -> {
          received.add(
              x.getRequestURI().getPath()
                  + " "
                  + new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          x.sendResponseHeaders(204, -1);
          x.close();
        });
    receiver.start();
    try {
      String base = "http://127.0.0.1:" + receiver.getAddress().getPort();
      SloConfig config =
          SloConfig.parse(
              new ByteArrayInputStream(
                  (YAML
                          + "notify:\n  - {url: "
                          + base
                          + "/json}\n  - {url: "
                          + base
                          + "/slack, format: slack}\n")
                      .getBytes(StandardCharsets.UTF_8)),
              "t.yaml");
      try (AlertNotifier n = new AlertNotifier(config, () -> null)) {
        Slo slo = config.slos().get(0);
        double[] burn = {200, 40, 16.7, 3};
        n.alert(new Alert(slo, Alert.Severity.PAGE, true, burn, 0.9, T0, -1));
        n.alert(new Alert(slo, Alert.Severity.PAGE, false, burn, 0.8, T0, T0 + MIN));
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          got.add(received.poll(10, TimeUnit.SECONDS));
        }
        assertThat(got.get(0))
            .startsWith("/json {")
            .contains("\"status\":\"firing\"")
            .contains("\"severity\":\"page\"")
            .contains("\"1h\":16.7")
            .contains("\"link\":\"http://sextant.test:7070/explore?q=where%20service.name");
        assertThat(got.get(1))
            .startsWith("/slack {\"text\":\":rotating_light: SLO checkout is burning");
        assertThat(got.get(2)).startsWith("/json {").contains("\"status\":\"resolved\"");
        assertThat(got.get(3)).startsWith("/slack {\"text\":\":white_check_mark:");
        assertThat(n.history()).hasSize(2);
      }
    } finally {
      receiver.stop(0);
    }
  }
}
