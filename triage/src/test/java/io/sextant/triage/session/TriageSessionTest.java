package io.sextant.triage.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.triage.rank.ProbeOutcome;
import io.sextant.triage.rank.Ranker;
import io.sextant.triage.rank.TriageInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TriageSessionTest {
  static final String DB = "orders (postgresql @ 127.0.0.1:6001)";
  static final Map<String, Map<String, Double>> FOOTPRINTS =
      Map.of(
          "place-order", Map.of("gateway", 1.0, "orders", 1.0, DB, 1.0),
          "list-orders", Map.of("gateway", 1.0, "orders", 1.0, DB, 1.0),
          "browse", Map.of("gateway", 1.0, "catalog", 1.0),
          "orders-info", Map.of("gateway", 1.0, "orders", 1.0)); // no database: splits them

  /** A system whose database {@code broken} is down (or, with "orders", the service). */
  static final class Fake implements ProbeDriver, EvidenceSource {
    final String broken;
    final List<String> extra = new ArrayList<>();
    final List<String> early = new ArrayList<>();
    int lateCalls;

    Fake(String broken) {
      this.broken = broken;
    }

    ProbeOutcome run(String probe, int n) {
      boolean fails = FOOTPRINTS.get(probe).containsKey(broken);
      return new ProbeOutcome(
          probe, n, fails ? n : 0, 0.02, fails ? List.of("status 503") : List.of(), List.of());
    }

    @Override
    public ProbeEvidence suite(List<String> probes, int repeats) {
      Map<String, ProbeOutcome> o = new java.util.LinkedHashMap<>();
      probes.forEach(p -> o.put(p, run(p, repeats)));
      return new ProbeEvidence(o, List.of(), Map.of());
    }

    /** Records the probe the session would want first from the outcomes alone. */
    @Override
    public ProbeEvidence suite(
        List<String> probes,
        int repeats,
        java.util.function.Function<Map<String, ProbeOutcome>, String> first) {
      ProbeEvidence e = suite(probes, repeats);
      String guess = first.apply(e.outcomes());
      if (guess != null) {
        early.add(guess);
      }
      return e;
    }

    @Override
    public ProbeEvidence extra(String probe) {
      extra.add(probe);
      return new ProbeEvidence(Map.of(probe, run(probe, 1)), List.of(), Map.of());
    }

    /** The extra runs' traces read at the end: here, one more (failing) run of the splitter. */
    @Override
    public ProbeEvidence late() {
      lateCalls++;
      return extra.isEmpty()
          ? ProbeEvidence.NONE
          : new ProbeEvidence(Map.of("orders-info", run("orders-info", 1)), List.of(), Map.of());
    }

    @Override
    public TriageInput input(ProbeEvidence probes) {
      return new TriageInput(
          FOOTPRINTS, probes.outcomes(), List.of(), Map.of(), Map.of(), List.of(), Map.of());
    }
  }

  static TriageSession.Result triage(Fake f, boolean adaptive) {
    return new TriageSession(new Ranker(), f, f)
        .run(
            new TriageSession.Catalogue(
                List.of("place-order", "list-orders", "browse"),
                FOOTPRINTS.keySet(),
                Map.of(),
                Map.of(),
                FOOTPRINTS),
            new TriageSession.Limits(2, adaptive, 4, () -> false));
  }

  @Test
  void whenTheSuiteCannotTellAServiceFromItsDatabase_theProbeThatSplitsThemRunsFirst() {
    Fake dbDown = new Fake(DB);
    TriageSession.Result r = triage(dbDown, true);
    assertThat(dbDown.extra).startsWith("orders-info");
    assertThat(r.ranking().top()).containsExactly(DB);

    Fake serviceDown = new Fake("orders");
    assertThat(triage(serviceDown, true).ranking().top()).containsExactly("orders");
    assertThat(serviceDown.extra).startsWith("orders-info");
  }

  @Test
  void withoutExtraProbes_theyStayOneGroupWithHonestShares() {
    TriageSession.Result r = triage(new Fake(DB), false);
    assertThat(r.extra()).isEmpty();
    var top = r.ranking().suspects().get(0);
    assertThat(top.members()).containsExactlyInAnyOrder("orders", DB);
    assertThat(top.probability()).isLessThan(0.99);
    assertThat(r.ranking().headline()).contains("probe orders-info would split them");
  }

  @Test
  void whatTheExtraRunsLeftToReadJoinsTheLastRanking_once() {
    Fake serviceDown = new Fake("orders");
    TriageSession.Result r = triage(serviceDown, true);
    assertThat(serviceDown.lateCalls).isEqualTo(1);
    int runs = (int) serviceDown.extra.stream().filter("orders-info"::equals).count();
    assertThat(r.evidence().outcomes().get("orders-info").runs()).isEqualTo(runs + 1);
    assertThat(r.input().outcomes().get("orders-info").runs()).isEqualTo(runs + 1);

    Fake adaptiveOff = new Fake("orders");
    TriageSession.Result none = triage(adaptiveOff, false);
    assertThat(adaptiveOff.lateCalls).isEqualTo(1);
    assertThat(none.evidence().outcomes()).doesNotContainKey("orders-info");
  }

  @Test
  void theSplitterIsGuessedFromTheSuitesOutcomes_soADriverCanStartItBesideTheTraceWait() {
    Fake dbDown = new Fake(DB);
    triage(dbDown, true);
    assertThat(dbDown.early).containsExactly("orders-info");

    Fake catalogDown = new Fake("catalog"); // nothing shares browse's signature with catalog
    triage(catalogDown, true);
    assertThat(catalogDown.early).isEmpty();

    Fake notAdaptive = new Fake(DB);
    triage(notAdaptive, false);
    assertThat(notAdaptive.early).isEmpty();
  }
}
