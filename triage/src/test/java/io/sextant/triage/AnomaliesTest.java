package io.sextant.triage;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.triage.rank.Anomaly;
import io.sextant.triage.rank.ProbeOutcome;
import io.sextant.triage.rank.TraceFixtures;
import io.sextant.triage.session.ProbeEvidence;
import io.sextant.triage.trace.TraceAnalysis;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AnomaliesTest {
  static final Map<String, Map<String, Double>> FOOTPRINTS =
      Map.of(
          "stock", Map.of("gateway", 1.0, "inventory", 1.0),
          "products", Map.of("gateway", 1.0, "catalog", 1.0));

  /**
   * gateway answers 200; its first call to {@code callee} failed with a 500 (the callee threw) and
   * its retry passed, when {@code retried}; else one clean call.
   */
  static TraceAnalysis call(String callee, boolean retried) {
    return trace(callee, retried).analyse(Map.of());
  }

  static TraceFixtures.Trace trace(String callee, boolean retried) {
    TraceFixtures.Trace t = new TraceFixtures.Trace();
    SpanId root = t.span(null, "gateway", null, SpanKind.SERVER, "GET /api", 0, 100, false);
    if (retried) {
      SpanId first = t.span(root, "gateway", null, SpanKind.CLIENT, "GET", 5, 30, true);
      SpanId failed = t.span(first, callee, null, SpanKind.SERVER, "GET /x", 6, 29, true);
      t.message(failed, "java.lang.IllegalStateException: Chaos Monkey");
    }
    SpanId ok = t.span(root, "gateway", null, SpanKind.CLIENT, "GET", 40, 90, false);
    t.span(ok, callee, null, SpanKind.SERVER, "GET /x", 41, 89, false);
    return t;
  }

  static List<ProbeEvidence.Traced> runs(String probe, String callee, int n, int hidden) {
    List<ProbeEvidence.Traced> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new ProbeEvidence.Traced(probe, call(callee, i < hidden)));
    }
    return out;
  }

  /** {@link Anomalies#hiddenErrors} over these runs, every probe's flake rate {@code flake}. */
  static List<Anomaly> errors(
      List<ProbeEvidence.Traced> passed,
      List<ProbeEvidence.Traced> failed,
      Map<String, Map<String, Double>> usual,
      double flake) {
    Map<String, ProbeOutcome> outcomes = new HashMap<>();
    for (ProbeEvidence.Traced r : passed) {
      outcomes.put(r.probe(), new ProbeOutcome(r.probe(), 1, 0, flake, List.of(), List.of()));
    }
    for (ProbeEvidence.Traced r : failed) {
      outcomes.put(r.probe(), new ProbeOutcome(r.probe(), 1, 1, flake, List.of(), List.of()));
    }
    return Anomalies.hiddenErrors(
        new ProbeEvidence(outcomes, failed, Map.of(), Set.of(), passed), FOOTPRINTS, 0.5, usual);
  }

  @Test
  void errorsARetryHidInsidePassingRunsPointAtWhereTheyStarted() {
    List<ProbeEvidence.Traced> passed = new ArrayList<>(runs("stock", "inventory", 4, 2));
    passed.addAll(runs("products", "catalog", 4, 0));
    List<Anomaly> a = errors(passed, List.of(), Map.of(), 0.02);
    assertThat(a).hasSize(1);
    assertThat(a.get(0).component()).isEqualTo("inventory");
    // two of four runs at 0.25 against 0.01: (25)² × (0.75/0.99)² ≈ 359
    assertThat(a.get(0).ratio()).isBetween(300.0, 400.0);
    assertThat(a.get(0).why())
        .contains("2 of 4 passing runs through inventory (stock)")
        .contains("Chaos Monkey");
  }

  @Test
  void oneHiddenErrorAmongManyCleanRunsIsWeak_andAnErrorTheProbeAlwaysHidesIsNone() {
    List<Anomaly> weak = errors(runs("stock", "inventory", 12, 1), List.of(), Map.of(), 0.02);
    // 25 × (0.75/0.99)^11 ≈ 1.2: next to nothing
    assertThat(weak).allSatisfy(x -> assertThat(x.ratio()).isLessThan(2));
    List<Anomaly> usual =
        errors(
            runs("stock", "inventory", 4, 2),
            List.of(),
            Map.of("stock", Map.of("inventory", 0.5)), // half of its healthy runs hold it
            0.02);
    assertThat(usual).isEmpty();
  }

  /** gateway answers 500: its call to {@code callee} failed, the callee's own code threw. */
  static TraceAnalysis failedAt(String callee) {
    TraceFixtures.Trace t = new TraceFixtures.Trace();
    SpanId root = t.span(null, "gateway", null, SpanKind.SERVER, "GET /api", 0, 60, true);
    SpanId call = t.span(root, "gateway", null, SpanKind.CLIENT, "GET", 5, 55, true);
    SpanId failed = t.span(call, callee, null, SpanKind.SERVER, "GET /x", 6, 54, true);
    t.message(failed, "java.lang.IllegalStateException: Chaos Monkey");
    return t.analyse(Map.of());
  }

  @Test
  void aFailingRunWhoseErrorTheComponentsOwnCodeThrewPointsThereAgainstTheProbesFlakeRate() {
    // stock failed 1 of 4 runs; the failure is inventory's own exception
    List<ProbeEvidence.Traced> passed = runs("stock", "inventory", 3, 0);
    List<ProbeEvidence.Traced> failed =
        List.of(new ProbeEvidence.Traced("stock", failedAt("inventory")));
    List<Anomaly> a = errors(passed, failed, Map.of(), 0.02);
    assertThat(a).extracting(Anomaly::component).containsExactly("inventory");
    // 0.25 / 0.02 for the failing run, (0.75 / 0.99)³ for the three clean ones: ≈ 5.4
    assertThat(a.get(0).ratio()).isBetween(5.0, 6.0);
    assertThat(a.get(0).why())
        .contains("1 of 4 runs through inventory (stock)")
        .contains("own code");
    // a probe that fails that way a third of the time when nothing is wrong: nothing
    assertThat(errors(passed, failed, Map.of(), 0.3)).isEmpty();
    // a failure that is not the component's own (a timeout, a refusal) is the probes' to count
    TraceFixtures.Trace t = new TraceFixtures.Trace();
    SpanId root = t.span(null, "gateway", null, SpanKind.SERVER, "GET /api", 0, 60, true);
    t.message(root, "Connection refused");
    assertThat(
            errors(
                passed,
                List.of(new ProbeEvidence.Traced("stock", t.analyse(Map.of()))),
                Map.of(),
                0.02))
        .isEmpty();
  }

  @Test
  void aProcessBurningFiveTimesItsUsualCpuAndHalfACoreIsAnAnomaly() {
    List<Anomaly> a =
        Anomalies.cpu(
            Map.of("inventory", 0.9, "catalog", 0.06, "orders", 0.3),
            Map.of("inventory", 0.03, "catalog", 0.02, "orders", 0.01),
            s -> Set.of(s + "-db"));
    // catalog: 3× only; orders: 30× but under 0.4 of a core
    assertThat(a).extracting(Anomaly::component).containsExactly("inventory");
    assertThat(a.get(0).ratio()).isEqualTo(200.0);
    assertThat(a.get(0).factor("inventory-db"))
        .isCloseTo(Math.sqrt(200), org.assertj.core.data.Offset.offset(1e-9));
    assertThat(a.get(0).why()).contains("inventory's process uses 0.90 cores, 30× its usual 0.03");
    // no usual known: nothing to compare with
    assertThat(Anomalies.cpu(Map.of("new", 1.0), Map.of(), s -> Set.of())).isEmpty();
  }

  @Test
  void aProbesUsualHiddenErrorsLeaveOutTheTriagesOwnRuns() {
    FootprintBook book = new FootprintBook();
    for (int i = 0; i < 6; i++) {
      book.learn("stock", trace("inventory", false).events());
    }
    TraceFixtures.Trace own = trace("inventory", true); // learned while the triage ran
    book.learn("stock", own.events());
    String ownId = own.analyse(Map.of()).traceId();
    assertThat(book.usualErrors("stock", Set.of()).get("inventory")).isEqualTo(1.0 / 7);
    assertThat(book.usualErrors("stock", Set.of(ownId))).doesNotContainKey("inventory");
  }
}
