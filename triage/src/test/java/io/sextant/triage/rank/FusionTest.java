package io.sextant.triage.rank;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.triage.trace.KnownCalls;
import io.sextant.triage.trace.TraceAnalysis;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class FusionTest {
  static final String DB = "payments (h2 @ 127.0.0.1:9100)";

  /** gateway → payments → its database, healthy: what KnownCalls learns. */
  static KnownCalls known() {
    TraceFixtures.Trace t = new TraceFixtures.Trace();
    SpanId root = t.span(null, "gateway", "vm", SpanKind.SERVER, "POST /pay", 0, 40, false);
    SpanId call =
        t.span(
            root,
            "gateway",
            "vm",
            SpanKind.CLIENT,
            "POST",
            2,
            38,
            false,
            "server.address",
            "127.0.0.1",
            "server.port",
            9002L);
    SpanId pay = t.span(call, "payments", "vm", SpanKind.SERVER, "POST /charge", 4, 36, false);
    t.span(
        pay,
        "payments",
        "vm",
        SpanKind.CLIENT,
        "INSERT charges",
        6,
        10,
        false,
        "db.system",
        "h2",
        "db.namespace",
        "payments",
        "server.address",
        "127.0.0.1",
        "server.port",
        9100L);
    KnownCalls k = new KnownCalls();
    k.learn(t.events());
    return k;
  }

  /** The gateway gave up waiting on payments, whose own span has not ended yet. */
  static TraceAnalysis timedOut(KnownCalls known, String why) {
    TraceFixtures.Trace t = new TraceFixtures.Trace();
    SpanId root = t.span(null, "gateway", "vm", SpanKind.SERVER, "POST /pay", 0, 1500, true);
    t.message(root, "I/O error on POST request for \"http://127.0.0.1:9002/charge\": " + why);
    return TraceAnalysis.of(t.events(), known);
  }

  static Map<String, Double> shares(
      TraceAnalysis trace, Set<String> slowCalls, Map<String, Set<String>> waiting) {
    Map<String, Double> share = new HashMap<>();
    Map<String, String> example = new HashMap<>();
    Fusion.errorShares(
        List.of(trace),
        new Fusion.Pools(Map.of(), slowCalls, Set.of(), waiting, new TreeMap<>()),
        share,
        new HashMap<>(),
        example,
        new HashMap<>(),
        new HashMap<>());
    return share;
  }

  @Test
  void aServiceThatAnswersItsHealthCheckAndFindsItsDatabaseHangingWasWaitingOnIt() {
    KnownCalls known = known();
    TraceAnalysis t = timedOut(known, "Read timed out");
    assertThat(shares(t, Set.of(), Map.of("payments", Set.of(DB)))).containsOnlyKeys(DB);
    // Its calls to the database far slower than usual say the same without a health check.
    assertThat(shares(t, Set.of(DB), Map.of())).containsOnlyKeys(DB);
    // Neither: payments itself (stopped, or busy by itself) keeps the blame.
    assertThat(shares(t, Set.of(), Map.of())).containsOnlyKeys("payments");
    // Another service's database hanging says nothing of payments.
    assertThat(shares(t, Set.of(), Map.of("orders", Set.of(DB)))).containsOnlyKeys("payments");
  }

  @Test
  void aServiceThatRefusedTheCallIsNotWaitingOnAnything() {
    KnownCalls known = known();
    TraceAnalysis t = timedOut(known, "Connection refused");
    assertThat(shares(t, Set.of(DB), Map.of("payments", Set.of(DB)))).containsOnlyKeys("payments");
  }
}
