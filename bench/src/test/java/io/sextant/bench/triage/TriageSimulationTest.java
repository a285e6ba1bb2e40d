package io.sextant.bench.triage;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.bench.triage.Fault.Kind;
import io.sextant.bench.triage.Pipeline.Result;
import io.sextant.model.Event;
import io.sextant.model.SpanKind;
import io.sextant.model.StatusCode;
import io.sextant.triage.trace.TraceAnalysis;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Guards the ranking against regressions on a small seeded grid of the Online Boutique-like system:
 * faults the probes see synchronously (a service down or hung, a database down) and controls.
 */
class TriageSimulationTest {
  @Test
  void onVisibleSingleFaults_sextantIsRightFirstAndBeatsTheBaselines() {
    TriageBench.Setup s = TriageBench.boutique();
    // emailservice only consumes kafka messages: no probe can fail because of it (see README).
    List<String> synchronous =
        s.services().stream().filter(x -> !x.equals("emailservice")).toList();
    List<Result> rs =
        TriageBench.run(
            new TriageBench.Setup(s.sys(), synchronous, s.backends(), s.productionRequests()),
            List.of(Kind.DOWN, Kind.HUNG, Kind.DB_DOWN),
            new Grid.Spec(1, 6, 0),
            7);
    Predicate<Result> single = r -> r.c().truth().size() == 1;
    assertThat(rs.stream().filter(single).count()).isGreaterThanOrEqualTo(20);
    double ours = Report.ac(rs, single, Pipeline.OURS, 1);
    assertThat(ours).isGreaterThanOrEqualTo(0.8);
    assertThat(ours).isGreaterThan(Report.ac(rs, single, "random", 1));
    assertThat(ours).isGreaterThan(Report.ac(rs, single, "ochiai-prod", 1));
    double falseAlarms =
        Report.mean(
            rs,
            r -> r.c().control(),
            Pipeline.OURS,
            r -> r.answers().get(Pipeline.OURS).fault() ? 1 : 0);
    assertThat(falseAlarms).isLessThanOrEqualTo(0.1);
  }

  @Test
  void aServiceThatIsDown_leavesClientSpansInErrorWithNoServerChild_andIsTheErrorOrigin() {
    Topology sys = Systems.boutique();
    Learned l = Learned.learn(sys, 1);
    Simulator sim = new Simulator(sys, List.of(Fault.of(Kind.DOWN, "cartservice")));
    Simulator.Run r =
        sim.run(sys.probes.get("add-to-cart").entry(), new SplittableRandom(3), 1_000_000_000L);
    assertThat(r.error()).isTrue();
    Event refused =
        r.spans().stream()
            .filter(e -> e.spanKind() == SpanKind.CLIENT && e.status() == StatusCode.ERROR)
            .filter(e -> "cartservice".equals(e.attributes().getString("server.address")))
            .findFirst()
            .orElseThrow();
    assertThat(refused.statusMessage()).contains("connection refused");
    assertThat(r.spans()).noneMatch(e -> e.serviceName().equals("cartservice"));
    assertThat(TraceAnalysis.of(r.spans(), l.addressOf).errorOrigins()).containsOnly("cartservice");
  }

  @Test
  void footprintsNameDatabasesAndHostsAsTheMapDoes() {
    Topology sys = Systems.boutique();
    Map<String, Double> checkout = Learned.learn(sys, 1).footprints.get("checkout");
    assertThat(checkout)
        .containsEntry("orders-db (postgresql @ orders-db.data:5432)", 1.0)
        .containsEntry("orders (kafka)", 1.0)
        .containsEntry("node-4 (host)", 1.0)
        .containsKey("paymentservice");
    // The catalog is read from its database on a cache miss only (30 % of calls).
    assertThat(Learned.learn(sys, 1).footprints.get("home"))
        .hasEntrySatisfying(
            "catalog-db (postgresql @ catalog-db.data:5432)",
            w -> assertThat(w).isBetween(0.1, 0.5));
  }
}
