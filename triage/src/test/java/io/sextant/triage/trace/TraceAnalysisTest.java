package io.sextant.triage.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.triage.rank.TraceFixtures;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

public class TraceAnalysisTest {

  /** gateway → checkout → payments-db (h2); checkout → cache; payments never answered. */
  public static TraceFixtures.Trace checkout(boolean paymentsAnswers) {
    TraceFixtures.Trace t = new TraceFixtures.Trace();
    SpanId root =
        t.span(
            null,
            "gateway",
            "edge-1",
            SpanKind.SERVER,
            "POST /api/checkout",
            0,
            300,
            !paymentsAnswers);
    SpanId call =
        t.span(
            root,
            "gateway",
            "edge-1",
            SpanKind.CLIENT,
            "POST",
            10,
            290,
            !paymentsAnswers,
            "server.address",
            "127.0.0.1",
            "server.port",
            9001L);
    SpanId co =
        t.span(
            call,
            "checkout",
            "node-3",
            SpanKind.SERVER,
            "POST /checkout",
            20,
            280,
            !paymentsAnswers);
    t.span(
        co,
        "checkout",
        "node-3",
        SpanKind.CLIENT,
        "get",
        25,
        35,
        false,
        "db.system",
        "memcached",
        "server.address",
        "127.0.0.1",
        "server.port",
        11211L);
    t.span(
        co,
        "checkout",
        "node-3",
        SpanKind.CLIENT,
        "INSERT orders",
        40,
        100,
        false,
        "db.system",
        "h2",
        "db.namespace",
        "mem:checkout",
        "server.address",
        "127.0.0.1",
        "server.port",
        5001L);
    SpanId pay =
        t.span(
            co,
            "checkout",
            "node-3",
            SpanKind.CLIENT,
            "POST",
            110,
            270,
            !paymentsAnswers,
            "server.address",
            "127.0.0.1",
            "server.port",
            9002L);
    if (paymentsAnswers) {
      SpanId ps =
          t.span(pay, "payments", "node-3", SpanKind.SERVER, "POST /charge", 115, 265, false);
      t.span(
          ps,
          "payments",
          "node-3",
          SpanKind.CLIENT,
          "UPDATE accounts",
          120,
          260,
          false,
          "db.system",
          "h2",
          "db.namespace",
          "mem:payments",
          "server.address",
          "127.0.0.1",
          "server.port",
          5002L);
    }
    return t;
  }

  @Test
  void touchesServicesTheirHostsAndWhatTheyCalled() {
    TraceAnalysis a = checkout(true).analyse(Map.of());
    assertThat(a.components())
        .containsExactlyInAnyOrder(
            "gateway",
            "checkout",
            "payments",
            "edge-1 (host)",
            "node-3 (host)",
            "memcached (memcached @ 127.0.0.1:11211)",
            "mem:checkout (h2 @ 127.0.0.1:5001)",
            "mem:payments (h2 @ 127.0.0.1:5002)");
    assertThat(a.errorOrigins()).isEmpty();
    assertThat(a.rootOperation()).isEqualTo("gateway POST /api/checkout");
  }

  @Test
  void criticalPathSelfTimeGoesToWhoDidTheWork() {
    Map<String, Double> cp = checkout(true).analyse(Map.of()).criticalPathMillis();
    // payments-db's 140 ms, payments' 10 ms of its own, checkout's gaps, the gateway's 20.
    assertThat(cp.get("mem:payments (h2 @ 127.0.0.1:5002)")).isCloseTo(140, offset(0.01));
    assertThat(cp.get("payments")).isCloseTo(10, offset(0.01));
    assertThat(cp.get("mem:checkout (h2 @ 127.0.0.1:5001)")).isCloseTo(60, offset(0.01));
    assertThat(cp.get("gateway")).isCloseTo(20 + 20, offset(0.01)); // server 20 + client 20
    double total = cp.values().stream().mapToDouble(Double::doubleValue).sum();
    assertThat(total).isCloseTo(300, offset(0.01));
  }

  @Test
  void aCallThatNeverReachedItsCalleeBlamesTheCalleeKnownByAddress() {
    Map<String, String> addressOf = new HashMap<>();
    TraceAnalysis.learnAddresses(checkout(true).events(), addressOf);
    assertThat(addressOf)
        .containsEntry("127.0.0.1:9002", "payments")
        .containsEntry("127.0.0.1:9001", "checkout");

    TraceAnalysis failed = checkout(false).analyse(addressOf);
    assertThat(failed.errorOrigins()).containsExactly("payments");
    assertThat(failed.components()).contains("payments");
    assertThat(failed.failed()).isTrue();
    // Unknown address: an external component.
    assertThat(checkout(false).analyse(Map.of()).errorOrigins()).containsExactly("127.0.0.1:9002");
  }

  @Test
  void aTimeoutOnACalleeThatAnsweredSlowlyBlamesTheCallee() {
    TraceFixtures.Trace t = new TraceFixtures.Trace();
    SpanId root = t.span(null, "gateway", null, SpanKind.SERVER, "GET /", 0, 3000, true);
    SpanId call =
        t.span(
            root,
            "gateway",
            null,
            SpanKind.CLIENT,
            "GET",
            0,
            3000,
            true,
            "server.address",
            "127.0.0.1",
            "server.port",
            9003L);
    SpanId search = t.span(call, "search", null, SpanKind.SERVER, "GET /search", 5, 5000, false);
    assertThat(t.analyse(Map.of()).errorOrigins()).containsExactly("search");

    // The callee was slow because its query was: the time went to the database.
    t.span(
        search,
        "search",
        null,
        SpanKind.CLIENT,
        "SELECT terms",
        10,
        4900,
        false,
        "db.system",
        "h2",
        "db.namespace",
        "search",
        "server.address",
        "127.0.0.1",
        "server.port",
        9200L);
    assertThat(t.analyse(Map.of()).errorOrigins()).containsExactly("search (h2 @ 127.0.0.1:9200)");
  }

  /** payments POST /charges → payments-db; when {@code message} is set, the call never starts. */
  public static TraceFixtures.Trace charge(String message) {
    TraceFixtures.Trace t = new TraceFixtures.Trace();
    SpanId root =
        t.span(
            null, "payments", "node-4", SpanKind.SERVER, "POST /charges", 0, 1100, message != null);
    if (message == null) {
      t.span(
          root,
          "payments",
          "node-4",
          SpanKind.CLIENT,
          "INSERT charges",
          10,
          20,
          false,
          "db.system",
          "h2",
          "db.namespace",
          "payments",
          "server.address",
          "127.0.0.1",
          "server.port",
          9100L);
    } else {
      t.message(root, message);
    }
    return t;
  }

  @Test
  void aDependencyThatCouldNotBeReachedIsBlamedEvenWithoutASpanForTheCall() {
    KnownCalls known = new KnownCalls();
    known.learn(charge(null).events());
    assertThat(known.dependencies("payments POST /charges"))
        .containsExactly("payments (h2 @ 127.0.0.1:9100)");

    TraceAnalysis down =
        TraceAnalysis.of(
            charge(
                    "database error: Connection is not available, request timed out after 1000ms"
                        + " (total=0, active=0, idle=0, waiting=2)")
                .events(),
            known);
    assertThat(down.errorOrigins()).containsExactly("payments (h2 @ 127.0.0.1:9100)");
    assertThat(down.errorDetails().get(0)).contains("could not reach payments (h2");
    assertThat(down.criticalPathMillis()).containsKey("payments (h2 @ 127.0.0.1:9100)");

    // Its own pool ran out: payments' span, and the pool's database named for the ranking.
    TraceAnalysis exhausted =
        TraceAnalysis.of(
            charge(
                    "database error: Connection is not available, request timed out after 1000ms"
                        + " (total=6, active=6, idle=0, waiting=4)")
                .events(),
            known);
    assertThat(exhausted.errorOrigins()).containsExactly("payments");
    assertThat(exhausted.errorOriginsOwn()).containsExactly(false); // a leak, or a slow database
    assertThat(exhausted.errorOriginPools())
        .containsExactly(Set.of("payments (h2 @ 127.0.0.1:9100)"));
    assertThat(down.errorOriginsOwn()).containsExactly(false);

    // An error of its own code, or nothing learned about the operation: payments, its own.
    assertThat(TraceAnalysis.of(charge("NullPointerException").events(), known).errorOrigins())
        .containsExactly("payments");
    assertThat(
            TraceAnalysis.of(charge("Connection refused").events(), new KnownCalls())
                .errorOrigins())
        .containsExactly("payments");
  }

  static final String PAYMENTS_DB = "mem:payments (h2 @ 127.0.0.1:5002)";

  /** What {@link #checkout}'s healthy trace teaches: payments at :9002, its database at :5002. */
  public static KnownCalls checkoutKnown() {
    KnownCalls known = new KnownCalls();
    known.learn(checkout(true).events());
    return known;
  }

  /**
   * checkout's own span alone, failed after {@code ms} calling payments at :9002 with {@code why}:
   * payments' side of the call is not in the trace (still running, or never ended).
   */
  public static TraceFixtures.Trace paymentsCallFailed(long ms, String why) {
    TraceFixtures.Trace t = new TraceFixtures.Trace();
    SpanId root =
        t.span(null, "checkout", "node-3", SpanKind.SERVER, "POST /checkout", 0, ms, true);
    t.message(root, "I/O error on POST request for \"http://127.0.0.1:9002/charge\": " + why);
    return t;
  }

  @Test
  void aCallThatTimedOutOnACalleeNotYetInTheTraceNamesWhatTheCalleeCalls() {
    KnownCalls known = checkoutKnown();
    TraceAnalysis a = TraceAnalysis.of(paymentsCallFailed(1500, "Read timed out").events(), known);
    assertThat(a.errorOrigins()).containsExactly("payments");
    assertThat(a.errorOriginsBehind()).containsExactly(Set.of(PAYMENTS_DB));
    assertThat(a.errorOriginHosts()).containsExactly((String) null); // it connected: its host is up
    assertThat(a.errorOriginsOwn()).containsExactly(false);

    // Spring's RestClient on the JDK client says only "get"; the cause it wraps says it timed out.
    TraceFixtures.Trace wrapped = paymentsCallFailed(1000, "get");
    wrapped.exception(
        wrapped.events().get(0).spanId(),
        "org.springframework.web.client.ResourceAccessException",
        "I/O error on POST request for \"http://127.0.0.1:9002/charge\": get",
        "org.springframework.web.client.ResourceAccessException: I/O error on POST request for"
            + " \"http://127.0.0.1:9002/charge\": get\n\tat org.springframework.web.client"
            + ".DefaultRestClient.createResourceAccessException(DefaultRestClient.java:779)\n"
            + "Caused by: java.net.http.HttpTimeoutException: get\n\tat org.springframework.http"
            + ".client.JdkClientHttpRequest$TimeoutHandler.handleCancellationException(x:319)");
    TraceAnalysis c = TraceAnalysis.of(wrapped.events(), known);
    assertThat(c.errorOrigins()).containsExactly("payments");
    assertThat(c.errorOriginsBehind()).containsExactly(Set.of(PAYMENTS_DB));
    // Without the cause it says nothing of a timeout.
    TraceAnalysis bare = TraceAnalysis.of(paymentsCallFailed(1000, "get").events(), known);
    assertThat(bare.errorOriginsBehind()).containsExactly(Set.of());

    // Refused: payments itself is not there; nothing behind it is named, and its host is.
    TraceAnalysis b = TraceAnalysis.of(paymentsCallFailed(5, "Connection refused").events(), known);
    assertThat(b.errorOrigins()).containsExactly("payments");
    assertThat(b.errorOriginsBehind()).containsExactly(Set.of());
    assertThat(b.errorOriginHosts()).containsExactly("node-3 (host)");
  }
}
