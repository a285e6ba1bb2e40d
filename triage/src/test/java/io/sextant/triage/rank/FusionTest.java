package io.sextant.triage.rank;

import static io.sextant.triage.trace.TraceAnalysisTest.checkoutKnown;
import static io.sextant.triage.trace.TraceAnalysisTest.paymentsCallFailed;
import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.triage.trace.TraceAnalysis;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class FusionTest {
  static final String DB = "mem:payments (h2 @ 127.0.0.1:5002)";

  static Map<String, Double> shares(
      TraceAnalysis trace, Set<String> slowCalls, Map<String, Set<String>> waiting) {
    Map<String, Double> share = new HashMap<>();
    Fusion.errorShares(
        List.of(trace),
        new Fusion.Pools(Map.of(), slowCalls, Set.of(), waiting, new TreeMap<>()),
        share,
        new HashMap<>(),
        new HashMap<>(),
        new HashMap<>(),
        new HashMap<>());
    return share;
  }

  /** checkout gave up waiting on payments, whose own span has not ended yet. */
  static TraceAnalysis timedOut(String why) {
    return TraceAnalysis.of(paymentsCallFailed(1500, why).events(), checkoutKnown());
  }

  @Test
  void aServiceThatAnswersItsHealthCheckAndFindsItsDatabaseHangingWasWaitingOnIt() {
    TraceAnalysis t = timedOut("Read timed out");
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
    assertThat(shares(timedOut("Connection refused"), Set.of(DB), Map.of("payments", Set.of(DB))))
        .containsOnlyKeys("payments");
  }
}
