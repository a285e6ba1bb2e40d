package io.sextant.triage.rank;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Known answers on hand-built footprints. */
class RankerTest {
  // Five probes over seven components; "svc-x" and "x-db" share a signature (only probe "deep"
  // — not in the suite — separates them).
  static final Map<String, Map<String, Double>> FOOTPRINTS =
      Map.of(
          "browse", Map.of("gateway", 1.0, "catalog", 1.0, "catalog-db", 1.0, "cache", 0.9),
          "search", Map.of("gateway", 1.0, "search", 1.0, "catalog", 1.0, "cache", 0.9),
          "checkout",
              Map.of(
                  "gateway",
                  1.0,
                  "checkout",
                  1.0,
                  "payments",
                  1.0,
                  "payments-db",
                  1.0,
                  "svc-x",
                  1.0,
                  "x-db",
                  1.0),
          "cart", Map.of("gateway", 1.0, "catalog", 1.0, "svc-x", 1.0, "x-db", 1.0),
          "pay", Map.of("gateway", 1.0, "payments", 1.0, "payments-db", 1.0, "search", 1.0),
          "deep", Map.of("gateway", 1.0, "svc-x", 1.0));

  static final List<String> SUITE = List.of("browse", "search", "checkout", "cart", "pay");

  static TriageInput input(Map<String, int[]> runs) {
    Map<String, ProbeOutcome> outcomes = new HashMap<>();
    for (String p : SUITE) {
      int[] r = runs.getOrDefault(p, new int[] {2, 0});
      outcomes.put(p, ProbeOutcome.of(p, r[0], r[1]));
    }
    return new TriageInput(
        FOOTPRINTS, outcomes, List.of(), Map.of(), Map.of(), List.of(), Map.of());
  }

  /** The ranking of these probes' outcomes with these failing traces, and no other evidence. */
  static Ranking rank(
      Map<String, Map<String, Double>> footprints,
      Map<String, ProbeOutcome> outcomes,
      io.sextant.triage.trace.TraceAnalysis... failing) {
    return new Ranker()
        .rank(
            new TriageInput(
                footprints, outcomes, List.of(failing), Map.of(), Map.of(), List.of(), Map.of()));
  }

  @Test
  void theOneComponentOnEveryFailingProbeAndNoPassingOneIsFirst() {
    // payments-db: on checkout and pay only (payments too: same signature? no — payments is on
    // the same two). So fail browse + search instead: catalog? catalog is on cart too.
    Ranking r =
        new Ranker().rank(input(Map.of("search", new int[] {2, 2}, "pay", new int[] {2, 2})));
    // search + pay fail: only the search service is on both and on no passing probe.
    assertThat(r.fault()).isTrue();
    assertThat(r.top()).containsExactly("search");
    assertThat(r.headline())
        .contains("pay and search fail")
        .contains(
            "search is the only component touched by every failing probe and by no passing one");
    assertThat(r.suspects().get(0).probability()).isGreaterThan(0.9);
  }

  @Test
  void componentsWithTheSameSignatureAreOneGroupWithTheProbeThatSplitsThem() {
    Ranking r =
        new Ranker().rank(input(Map.of("checkout", new int[] {2, 2}, "cart", new int[] {2, 2})));
    assertThat(r.suspects().get(0).members()).containsExactlyInAnyOrder("svc-x", "x-db");
    assertThat(r.suspects().get(0).splitBy()).isEqualTo("deep");
    assertThat(r.headline()).contains("cannot be told apart").contains("deep");
  }

  @Test
  void errorOriginsOrderTheMembersOfAGroup() {
    TriageInput in = input(Map.of("checkout", new int[] {2, 2}, "cart", new int[] {2, 2}));
    io.sextant.triage.trace.TraceAnalysis failing =
        TraceFixtures.failingCall("checkout", "svc-x", "x-db");
    Ranking r = rank(in.footprints(), in.outcomes(), failing, failing);
    assertThat(r.suspects().get(0).members().get(0)).startsWith("x");
    assertThat(r.errorOrigins().get(0).share()).isEqualTo(1.0);
  }

  @Test
  void aServiceJustDeployedThatOwnsTheErrorsIsBlamedThoughOtherProbesThroughItPass() {
    // A bad deploy of "catalog" breaks the endpoint behind "cart" only; browse and search, which
    // also go through catalog, pass. Without the deploy, svc-x / x-db (cart and checkout) or
    // nothing would fit better.
    TriageInput in = input(Map.of("cart", new int[] {2, 2}));
    io.sextant.triage.trace.TraceAnalysis failing =
        TraceFixtures.failingCall("gateway", "catalog", "catalog");
    Map<String, Prior> priors =
        Map.of(
            "catalog",
            Prior.NONE.change(5, "catalog changed service.version from 7.0.2 to 7.1.0."));
    Ranking withDeploy =
        new Ranker()
            .rank(
                new TriageInput(
                    in.footprints(),
                    in.outcomes(),
                    List.of(failing, failing),
                    Map.of(),
                    Map.of(),
                    List.of(),
                    priors));
    assertThat(withDeploy.top()).containsExactly("catalog");
    assertThat(withDeploy.explanation()).anyMatch(l -> l.contains("changed service.version"));
  }

  @Test
  void noProbeFailingIsNoFault() {
    Ranking r = new Ranker().rank(input(Map.of()));
    assertThat(r.fault()).isFalse();
    assertThat(r.top()).isEmpty();
    assertThat(r.headline()).startsWith("No fault found: all 5 probes pass");
  }

  @Test
  void aFlakyProbeFailingOnceIsNotAFault() {
    // browse fails now and then on its own: its history gives it a flake rate of 10 %.
    TriageInput in = input(Map.of());
    Map<String, ProbeOutcome> outcomes = new HashMap<>(in.outcomes());
    outcomes.put("browse", new ProbeOutcome("browse", 2, 1, 0.1, List.of("timeout"), List.of()));
    Ranking r = new Ranker().rank(in.withOutcomes(outcomes));
    assertThat(r.fault()).isFalse();
    assertThat(r.noFaultProbability()).isGreaterThan(0.5);
  }

  @Test
  void aFaultThatFailsOnlySomeRunsIsStillFound() {
    // error-rate 50 %: each probe touching catalog fails about half its runs.
    Ranking r =
        new Ranker()
            .rank(
                input(
                    Map.of(
                        "browse", new int[] {3, 2},
                        "search", new int[] {3, 1},
                        "cart", new int[] {3, 2})));
    assertThat(r.fault()).isTrue();
    assertThat(r.top()).containsExactly("catalog");
  }

  @Test
  void twoFaultsAtOnceAreBothNamed() {
    // catalog-db (browse) and payments (checkout, pay) at once: no single component explains it.
    Ranking r =
        new Ranker()
            .rank(
                input(
                    Map.of(
                        "browse", new int[] {2, 2},
                        "checkout", new int[] {2, 2},
                        "pay", new int[] {2, 2})));
    List<String> top2 = r.suspects().stream().limit(3).flatMap(s -> s.members().stream()).toList();
    assertThat(top2).contains("catalog-db");
    assertThat(top2).containsAnyOf("payments", "payments-db");
  }

  @Test
  void theNextProbeIsTheOneThatSplitsTheTopGroup() {
    TriageInput in = input(Map.of("checkout", new int[] {2, 2}, "cart", new int[] {2, 2}));
    Ranker ranker = new Ranker();
    Posterior post = ranker.posterior(in);
    String next =
        Adaptive.next(
            post,
            FOOTPRINTS,
            Map.of(),
            Map.of(),
            Set.copyOf(FOOTPRINTS.keySet()),
            ranker.settings());
    assertThat(next).isEqualTo("deep");
    assertThat(Adaptive.confidence(post, ranker.rank(in))).isGreaterThan(0.9);
  }

  @Test
  void whenNothingIsAmbiguousNoFurtherProbeIsWorthRunning() {
    TriageInput in = input(Map.of("search", new int[] {2, 2}, "pay", new int[] {2, 2}));
    Ranker ranker = new Ranker();
    Posterior post = ranker.posterior(in);
    assertThat(
            Adaptive.next(
                post, FOOTPRINTS, Map.of(), Map.of(), Set.of("browse", "cart"), ranker.settings()))
        .isNull();
  }

  @Test
  void ochiaiWeightsRareKindsOfRequestsUp() {
    List<Execution> prod =
        List.of(
            new Execution(Set.of("a", "b"), true),
            new Execution(Set.of("a", "b"), true),
            new Execution(Set.of("a"), false),
            new Execution(Set.of("b", "c"), false));
    Map<String, Double> o = Ranker.ochiai(prod);
    // kind {a,b} counts 1 in total (two executions at 1/2): ef(a)=1, ep(a)=1 → 1/√(1·2).
    assertThat(o.get("a")).isCloseTo(1 / Math.sqrt(2), org.assertj.core.data.Offset.offset(1e-9));
    assertThat(o.get("b")).isCloseTo(1 / Math.sqrt(2), org.assertj.core.data.Offset.offset(1e-9));
    assertThat(o).doesNotContainKey("c");
  }

  @Test
  void aGroupMemberTheTracesSingleOutIsReportedAloneWithItsLookAlikeNamed() {
    TriageInput in = input(Map.of("checkout", new int[] {2, 2}, "cart", new int[] {2, 2}));
    var failing = TraceFixtures.failingCall("checkout", "svc-x", "x-db");
    Ranking r = rank(in.footprints(), in.outcomes(), failing, failing);
    assertThat(r.suspects().get(0).members()).containsExactly("x-db");
    assertThat(r.suspects().get(0).why())
        .anyMatch(l -> l.startsWith("svc-x is touched by exactly the same probes as x-db"));
    assertThat(r.suspects().get(1).members()).containsExactly("svc-x");
  }

  /** gateway → assets (node-6) → photos (node-6); with {@code down}, the calls are refused. */
  static io.sextant.triage.trace.TraceAnalysis assetsCall(
      io.sextant.triage.trace.KnownCalls known, boolean assetsDown, boolean photosDown) {
    return assetsCall(known, assetsDown, photosDown, true);
  }

  /**
   * As above; without {@code callsPhotos}, assets answers an error at once and calls nothing (a
   * breaker open, say).
   */
  static io.sextant.triage.trace.TraceAnalysis assetsCall(
      io.sextant.triage.trace.KnownCalls known,
      boolean assetsDown,
      boolean photosDown,
      boolean callsPhotos) {
    boolean assetsFails = photosDown || !callsPhotos;
    TraceFixtures.Trace t = new TraceFixtures.Trace();
    var root =
        t.span(null, "gateway", "edge-1", io.sextant.model.SpanKind.SERVER, "GET /p", 0, 50, true);
    var toAssets =
        t.span(
            root,
            "gateway",
            "edge-1",
            io.sextant.model.SpanKind.CLIENT,
            "GET",
            1,
            40,
            assetsDown || assetsFails,
            "server.address",
            "10.0.0.6",
            "server.port",
            8006L);
    if (!assetsDown) {
      var assets =
          t.span(
              toAssets,
              "assets",
              "node-6",
              io.sextant.model.SpanKind.SERVER,
              "GET /a",
              2,
              callsPhotos ? 39 : 5,
              assetsFails);
      if (!callsPhotos) {
        return io.sextant.triage.trace.TraceAnalysis.of(t.events(), known);
      }
      var toPhotos =
          t.span(
              assets,
              "assets",
              "node-6",
              io.sextant.model.SpanKind.CLIENT,
              "GET",
              3,
              30,
              photosDown,
              "server.address",
              "10.0.0.7",
              "server.port",
              8007L);
      if (!photosDown) {
        t.span(
            toPhotos,
            "photos",
            "node-6",
            io.sextant.model.SpanKind.SERVER,
            "GET /ph",
            4,
            29,
            false);
      }
    }
    if (!assetsDown && !photosDown) {
      known.learn(t.events());
    }
    return io.sextant.triage.trace.TraceAnalysis.of(t.events(), known);
  }

  /** gateway (edge-1) → assets (node-6) → photos (node-6), and login beside them. */
  private static final Map<String, Map<String, Double>> NODE6_FOOTPRINTS =
      Map.of(
          "product",
              Map.of(
                  "gateway",
                  1.0,
                  "edge-1 (host)",
                  1.0,
                  "assets",
                  1.0,
                  "photos",
                  1.0,
                  "node-6 (host)",
                  1.0),
          "thumbs",
              Map.of("gateway", 1.0, "edge-1 (host)", 1.0, "assets", 1.0, "node-6 (host)", 1.0),
          "login", Map.of("gateway", 1.0, "edge-1 (host)", 1.0, "identity", 1.0));

  /** Both probes through assets fail, login passes. */
  private static final Map<String, ProbeOutcome> NODE6_OUTCOMES =
      Map.of(
          "product", ProbeOutcome.of("product", 2, 2),
          "thumbs", ProbeOutcome.of("thumbs", 2, 2),
          "login", ProbeOutcome.of("login", 2, 0));

  @Test
  void aHostIsBlamedOverItsServiceWhenSeveralOfItsComponentsFail() {
    // node-6 hosts assets and photos; photos is only reached through assets, so the probes see
    // the host and assets alike. Only the traces tell a host down from assets down.
    Map<String, Map<String, Double>> footprints = NODE6_FOOTPRINTS;
    var known = new io.sextant.triage.trace.KnownCalls();
    assetsCall(known, false, false);
    Map<String, ProbeOutcome> outcomes = NODE6_OUTCOMES;
    // Host down: the thumbnails' traces show assets refusing, the product page's show photos
    // refusing assets' call. Assets down alone: only assets refuses.
    var assetsRefused = assetsCall(known, true, false);
    var photosRefused = assetsCall(known, false, true);
    assertThat(assetsRefused.errorOrigins()).containsExactly("assets");
    assertThat(assetsRefused.errorOriginHosts()).containsExactly("node-6 (host)");
    Ranking hostDown = rank(footprints, outcomes, assetsRefused, photosRefused);
    assertThat(hostDown.top())
        .as(hostDown.suspects() + " " + hostDown.errorOrigins())
        .containsExactly("node-6 (host)");

    Ranking assetsDown = rank(footprints, outcomes, assetsRefused, assetsRefused);
    assertThat(assetsDown.top()).containsExactly("assets");
  }

  @Test
  void aHostIsNotBlamedForACallThatWasNeverMade() {
    // assets refuses (seen: the gateway's call to it failed); in the other trace assets answered
    // 500 without calling photos at all (a breaker open, say). Photos' part is inferred from what
    // assets usually calls: it ranks photos, but shows nothing of node-6 refusing anyone.
    Map<String, Map<String, Double>> footprints = NODE6_FOOTPRINTS;
    var known = new io.sextant.triage.trace.KnownCalls();
    for (int i = 0; i < 5; i++) {
      assetsCall(known, false, false);
    }
    Map<String, ProbeOutcome> outcomes = NODE6_OUTCOMES;
    var assetsRefused = assetsCall(known, true, false);
    var photosInferred = assetsCall(known, false, false, false);
    assertThat(photosInferred.errorOrigins()).containsExactly("photos");
    assertThat(photosInferred.errorOriginsInferred()).containsExactly(true);
    assertThat(assetsRefused.errorOriginsInferred()).containsExactly(false);

    Ranking r = rank(footprints, outcomes, assetsRefused, photosInferred);

    assertThat(r.top()).as(r.suspects() + " " + r.errorOrigins()).doesNotContain("node-6 (host)");
    assertThat(r.errorOrigins()).noneMatch(o -> o.toString().contains("node-6 (host)"));
  }

  @Test
  void aPoolThatRanOut_isItsDatabasesFaultWhenSlow_itsServicesWhenTheDatabaseAnswers() {
    // charge uses payments-db; methods goes through payments without it, and passes. A pool that
    // ran out may be a leak or a database too slow to give its connections back: alone it does
    // not overrule the probes (which name the database), a slow database confirms them, and a
    // database that answers its own health check while nothing is slow points at the service.
    Map<String, Map<String, Double>> footprints =
        Map.of(
            "charge", Map.of("gateway", 1.0, "payments", 1.0, PAYMENTS_DB, 1.0),
            "methods", Map.of("gateway", 1.0, "payments", 1.0),
            "login", Map.of("gateway", 1.0, "identity", 1.0));
    Map<String, ProbeOutcome> outcomes =
        Map.of(
            "charge", ProbeOutcome.of("charge", 2, 2),
            "methods", ProbeOutcome.of("methods", 2, 0),
            "login", ProbeOutcome.of("login", 2, 0));
    var known = new io.sextant.triage.trace.KnownCalls();
    known.learn(io.sextant.triage.trace.TraceAnalysisTest.charge(null).events());
    var exhausted =
        io.sextant.triage.trace.TraceAnalysis.of(
            io.sextant.triage.trace.TraceAnalysisTest.charge(
                    "Connection is not available, request timed out after 1000ms (total=6,"
                        + " active=6, idle=0, waiting=4)")
                .events(),
            known);
    Ranking ambiguous = rank(footprints, outcomes, exhausted, exhausted);
    assertThat(
            List.of(
                ambiguous.suspects().get(0).members().get(0),
                ambiguous.suspects().get(1).members().get(0)))
        .containsExactlyInAnyOrder(PAYMENTS_DB, "payments");
    assertThat(ambiguous.explanation()).noneMatch(l -> l.contains("a leak"));

    // The same errors while the database's queries take 1.5 s: every connection is busy.
    List<Map<String, Double>> base =
        List.of(
            Map.of("payments", 5.0, PAYMENTS_DB, 10.0),
            Map.of("payments", 6.0, PAYMENTS_DB, 12.0),
            Map.of("payments", 5.0, PAYMENTS_DB, 11.0));
    List<Map<String, Double>> now = List.of(Map.of("payments", 5.0, PAYMENTS_DB, 1500.0));
    Ranking slow =
        new Ranker()
            .rank(
                new TriageInput(
                    footprints,
                    outcomes,
                    List.of(exhausted, exhausted),
                    Map.of("charge", base),
                    Map.of("charge", now),
                    List.of(),
                    Map.of()));
    assertThat(slow.top()).containsExactly(PAYMENTS_DB);

    // No probe trace shows the slow queries (no request got a connection), but production's calls
    // to the database take far longer than usual.
    assertThat(pool(footprints, outcomes, exhausted, Set.of(PAYMENTS_DB), Set.of()).top())
        .containsExactly(PAYMENTS_DB);

    // The database answers its own health check now and no call to it is slow: the pool's
    // connections are held in payments (a leak).
    Ranking leaked = pool(footprints, outcomes, exhausted, Set.of(), Set.of(PAYMENTS_DB));
    assertThat(leaked.top()).as(leaked.suspects().toString()).containsExactly("payments");
    assertThat(leaked.explanation())
        .anyMatch(l -> l.contains("answers its health check") && l.contains("a leak"));

    // A slow database is the pool's cause even when a quick health check passes.
    assertThat(
            pool(footprints, outcomes, exhausted, Set.of(PAYMENTS_DB), Set.of(PAYMENTS_DB)).top())
        .containsExactly(PAYMENTS_DB);
  }

  static final String PAYMENTS_DB = "payments (h2 @ 127.0.0.1:9100)";

  /** The pool case: two exhausted probe traces, slow dependencies and health checks as given. */
  private static Ranking pool(
      Map<String, Map<String, Double>> footprints,
      Map<String, ProbeOutcome> outcomes,
      io.sextant.triage.trace.TraceAnalysis exhausted,
      Set<String> slowDependencies,
      Set<String> answering) {
    return new Ranker()
        .rank(
            new TriageInput(
                footprints,
                outcomes,
                List.of(exhausted, exhausted),
                Map.of(),
                Map.of(),
                List.of(),
                Map.of(),
                List.of(),
                slowDependencies,
                answering));
  }

  @Test
  void everyProbePassingIsNoFault_butAStrongSymptomAtOneComponentNamesIt() {
    TriageInput quiet = input(Map.of());
    Ranking none = new Ranker().rank(quiet);
    assertThat(none.fault()).isFalse();
    assertThat(none.noFaultProbability()).isBetween(0.7, 0.95);

    Anomaly cpu = new Anomaly("search", 200, Set.of(), "search's process uses 0.90 cores.");
    Ranking r = new Ranker().rank(quiet.withAnomalies(List.of(cpu)));
    assertThat(r.fault()).isTrue();
    assertThat(r.top()).containsExactly("search");
    assertThat(r.headline()).startsWith("All 5 probes pass, but search's process uses 0.90 cores;");
    // a fault no probe feels is stated with doubt
    assertThat(r.suspects().get(0).probability()).isBetween(0.3, 0.9);
    assertThat(r.suspects().get(0).why()).contains("search's process uses 0.90 cores.");

    // the same symptom, weakly: still no fault
    Anomaly weak = new Anomaly("search", 5, Set.of(), "weak");
    assertThat(new Ranker().rank(quiet.withAnomalies(List.of(weak))).fault()).isFalse();
  }

  @Test
  void aNoFaultHeadlineNeverSaysAllPassOverAFailedRun() {
    Ranking r = new Ranker().rank(input(Map.of("search", new int[] {3, 1})));
    assertThat(r.fault()).isFalse();
    assertThat(r.headline())
        .isEqualTo(
            "No fault found: no probe fails more than it usually does (search failed 1 of 3 runs).");
    assertThat(new Ranker().rank(input(Map.of())).headline())
        .isEqualTo("No fault found: all 5 probes pass.");
  }
}
