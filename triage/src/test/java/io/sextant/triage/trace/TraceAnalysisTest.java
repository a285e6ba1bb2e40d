package io.sextant.triage.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.triage.rank.TraceFixtures;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceAnalysisTest {

  /** gateway → checkout → payments-db (h2); checkout → cache; payments never answered. */
  static TraceFixtures.Trace checkout(boolean paymentsAnswers) {
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
    t.span(call, "search", null, SpanKind.SERVER, "GET /search", 5, 5000, false);
    assertThat(t.analyse(Map.of()).errorOrigins()).containsExactly("search");
  }
}
