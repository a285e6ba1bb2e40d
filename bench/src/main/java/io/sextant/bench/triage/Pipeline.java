package io.sextant.bench.triage;

import io.sextant.bench.triage.Topology.Probe;
import io.sextant.triage.rank.Execution;
import io.sextant.triage.rank.Prior;
import io.sextant.triage.rank.ProbeOutcome;
import io.sextant.triage.rank.Ranker;
import io.sextant.triage.rank.Ranking;
import io.sextant.triage.rank.Settings;
import io.sextant.triage.rank.TriageInput;
import io.sextant.triage.session.EvidenceSource;
import io.sextant.triage.session.ProbeDriver;
import io.sextant.triage.session.ProbeEvidence;
import io.sextant.triage.session.TriageSession;
import io.sextant.triage.trace.TraceAnalysis;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * One case, the way production triage would handle it (triage-methods §6.2): run every suite probe
 * twice under the fault, pull a window of production traffic, rank, then run the most informative
 * extra probes until the answer is confident or the budget is spent. The baselines and ablations
 * see the same probe runs and the same production window.
 */
final class Pipeline {
  static final int REPEATS = 2;
  static final int BUDGET = 5;

  /** A production request is failing when it errs or takes more than this × its operation's p99. */
  static final double SLOW = 1.5;

  /** One method's answer to one case. */
  record Answer(
      List<String> ranked,
      List<String> topGroup,
      boolean fault,
      double ttlMs,
      int probes,
      double analysisMs,
      double confidence) {}

  /**
   * @param visible whether any suite probe failed a run (else the probes saw nothing wrong)
   */
  record Result(Case c, Map<String, Answer> answers, boolean visible) {}

  /**
   * One of our variants: the ranker's settings and whether it probes adaptively. Every variant runs
   * the server's own {@link TriageSession} (its stop rules: the probe that splits the lead from the
   * runner-up first, then the most informative while unsure).
   */
  record Variant(String name, Settings settings, boolean adaptive) {}

  static final String OURS = "sextant";

  static final List<Variant> VARIANTS =
      List.of(
          new Variant(OURS, Settings.DEFAULTS, true),
          new Variant("−adaptive", Settings.DEFAULTS, false),
          new Variant("−latency", Settings.DEFAULTS.without("latency"), true),
          new Variant("−error", Settings.DEFAULTS.without("error"), true),
          new Variant("−traces", Settings.DEFAULTS.without("traces"), true),
          new Variant(
              "probes only",
              Settings.DEFAULTS.without("latency").without("error").without("traces"),
              true));

  static final List<String> BASELINES = List.of("random", "ochiai-prod", "ochiai-plain", "BARO");

  private final Learned l;
  private final Topology sys;
  private final int productionRequests;

  Pipeline(Learned l, int productionRequests) {
    this.l = l;
    this.sys = l.sys;
    this.productionRequests = productionRequests;
  }

  /** The probe's contract: no error, within its SLA, and a complete body when it checks one. */
  static boolean fails(Probe p, Simulator.Run r, boolean flake) {
    return flake || r.error() || r.ms() > p.slaMs() || (p.strict() && r.degraded());
  }

  private static String reason(Probe p, Simulator.Run r, boolean flake) {
    if (flake) {
      return "connection reset before the response (probe runner)";
    }
    if (r.error()) {
      return r.why();
    }
    if (r.ms() > p.slaMs()) {
      return String.format(Locale.ROOT, "took %.0f ms, SLA %.0f ms", r.ms(), p.slaMs());
    }
    return r.why();
  }

  /** A run of a probe: what the runner saw and the trace it left. */
  private record ProbeRun(Probe probe, Simulator.Run run, boolean failed, String reason) {}

  /** The evidence gathered so far; each variant extends its own copy with adaptive runs. */
  private final class Evidence {
    final Map<String, ProbeOutcome> outcomes = new LinkedHashMap<>();
    final List<ProbeEvidence.Traced> failing = new ArrayList<>();
    final Map<String, List<Map<String, Double>>> paths = new HashMap<>();
    final Map<String, Integer> runs = new HashMap<>();

    Evidence copy() {
      Evidence e = new Evidence();
      e.outcomes.putAll(outcomes);
      e.failing.addAll(failing);
      paths.forEach((k, v) -> e.paths.put(k, new ArrayList<>(v)));
      e.runs.putAll(runs);
      return e;
    }

    ProbeEvidence evidence() {
      return new ProbeEvidence(outcomes, failing, paths);
    }

    void add(ProbeRun pr) {
      String name = pr.probe().name();
      runs.merge(name, 1, Integer::sum);
      ProbeOutcome o =
          new ProbeOutcome(
              name,
              1,
              pr.failed() ? 1 : 0,
              l.flakeRates.get(name),
              pr.failed() ? List.of(pr.reason()) : List.of(),
              List.of(pr.run().traceId().toHex()));
      outcomes.merge(name, o, ProbeOutcome::plus);
      boolean slow = pr.run().ms() > SLOW * l.probeP99.get(name);
      if (pr.failed() || slow) {
        TraceAnalysis a = TraceAnalysis.of(pr.run().spans(), l.addressOf);
        if (pr.failed()) {
          failing.add(new ProbeEvidence.Traced(name, a));
        }
        paths.computeIfAbsent(name, k -> new ArrayList<>()).add(a.criticalPathMillis());
      }
    }
  }

  Result run(Case c) {
    Simulator sim = new Simulator(sys, c.faults());
    // Simulated first (not timed): the suite's runs and the production window.
    List<ProbeRun> suite = new ArrayList<>();
    double suiteMs = 0;
    for (String name : sys.suite()) {
      Probe p = sys.probes.get(name);
      boolean[] flakes = flakes(c, p);
      for (int k = 0; k < REPEATS; k++) {
        ProbeRun pr = runProbe(sim, c, p, k, flakes[k]);
        suite.add(pr);
        suiteMs = Math.max(suiteMs, pr.run().ms()); // the suite runs in parallel
      }
    }
    SplittableRandom rng = new SplittableRandom(c.seed());
    List<Simulator.Run> production =
        Learned.traffic(sys, sim, rng, productionRequests, 1_800_000_000_000_000_000L);

    // What triage computes from them (timed).
    long started = System.nanoTime();
    Evidence base = new Evidence();
    suite.forEach(base::add);
    List<Execution> executions = new ArrayList<>();
    for (Simulator.Run r : production) {
      TraceAnalysis a = TraceAnalysis.of(r.spans(), l.addressOf);
      double p99 = l.rootP99.getOrDefault(a.rootOperation(), Double.MAX_VALUE / 2);
      executions.add(new Execution(a.components(), r.error() || r.ms() > SLOW * p99));
    }
    Map<String, Prior> priors = priors(c);
    double gatherMs = (System.nanoTime() - started) / 1e6;

    Map<String, Answer> answers = new LinkedHashMap<>();
    for (Variant v : VARIANTS) {
      answers.put(v.name(), ours(v, c, sim, base, executions, priors, suiteMs, gatherMs));
    }
    baselines(c, production, executions, answers);
    return new Result(c, answers, suite.stream().anyMatch(ProbeRun::failed));
  }

  private Answer ours(
      Variant v,
      Case c,
      Simulator sim,
      Evidence base,
      List<Execution> executions,
      Map<String, Prior> priors,
      double suiteMs,
      double gatherMs) {
    long started = System.nanoTime();
    long[] simulated = {0};
    double[] adaptiveMs = {0};
    Evidence ev = base.copy();
    ProbeDriver driver =
        new ProbeDriver() {
          @Override
          public ProbeEvidence suite(List<String> probes, int repeats) {
            return ev.evidence(); // simulated before the clock started
          }

          @Override
          public ProbeEvidence extra(String name) {
            Probe p = sys.probes.get(name);
            long s0 = System.nanoTime();
            int k = ev.runs.getOrDefault(name, 0);
            ProbeRun pr = runProbe(sim, c, p, k, flake(c, p, k));
            simulated[0] += System.nanoTime() - s0;
            adaptiveMs[0] += pr.run().ms(); // one after the other
            Evidence one = new Evidence();
            one.add(pr);
            ev.runs.merge(name, 1, Integer::sum);
            return one.evidence();
          }
        };
    EvidenceSource source =
        probes ->
            new TriageInput(
                l.footprints,
                probes.outcomes(),
                probes.failingTraces(),
                l.baselinePaths,
                probes.currentPaths(),
                executions,
                priors);
    TriageSession.Result res =
        new TriageSession(new Ranker(v.settings()), driver, source)
            .run(
                new TriageSession.Catalogue(
                    sys.suite(), sys.probes.keySet(), l.flakeRates, l.cost, l.footprints),
                new TriageSession.Limits(REPEATS, v.adaptive(), BUDGET, () -> false));
    Ranking r = res.ranking();
    double analysisMs = gatherMs + (System.nanoTime() - started - simulated[0]) / 1e6;
    List<String> ranked = new ArrayList<>();
    List<String> top = List.of();
    double confidence = 0;
    if (r.fault()) {
      r.suspects().forEach(s -> ranked.addAll(s.members()));
      top = r.top();
      confidence = r.suspects().isEmpty() ? 0 : r.suspects().get(0).probability();
    } else {
      confidence = r.noFaultProbability();
    }
    return new Answer(
        ranked,
        top,
        r.fault(),
        suiteMs + adaptiveMs[0] + analysisMs,
        REPEATS * sys.suite().size() + res.extra().size(),
        analysisMs,
        confidence);
  }

  /** Change events: the bad deploy's, and an innocent one in some cases. */
  private Map<String, Prior> priors(Case c) {
    Map<String, Prior> out = new HashMap<>();
    for (Fault f : c.faults()) {
      if (f.kind() == Fault.Kind.BAD_DEPLOY) {
        out.put(
            f.target(),
            Prior.NONE.times(5, f.target() + " was deployed 4 minutes ago (release 1.4.1)."));
      }
    }
    if (c.decoy() != null) {
      out.put(
          c.decoy(),
          Prior.NONE.times(5, c.decoy() + " was deployed 6 minutes ago (release 2.0.3)."));
    }
    return out;
  }

  private ProbeRun runProbe(Simulator sim, Case c, Probe p, int k, boolean flake) {
    SplittableRandom rng = new SplittableRandom(c.seed() * 31 + p.name().hashCode() * 1009L + k);
    Simulator.Run r = sim.run(p.entry(), rng, 1_800_000_000_000_000_000L + k * 1_000_000_000L);
    boolean failed = fails(p, r, flake);
    return new ProbeRun(p, r, failed, failed ? reason(p, r, flake) : "");
  }

  private static boolean flake(Case c, Probe p, int k) {
    return new SplittableRandom(c.seed() * 17 + p.name().hashCode() + 7919L * k).nextDouble()
        < p.flake();
  }

  /** The suite runs' spurious failures; in a flaky-probe control, at least one of them. */
  private static boolean[] flakes(Case c, Probe p) {
    boolean[] f = new boolean[REPEATS];
    SplittableRandom rng = new SplittableRandom(c.seed() * 13 + p.name().hashCode());
    boolean any;
    do {
      any = false;
      for (int k = 0; k < REPEATS; k++) {
        f[k] = rng.nextDouble() < p.flake();
        any |= f[k];
      }
    } while (c.forceFlake() && p.flake() > 0 && !any);
    return f;
  }

  // --- baselines ------------------------------------------------------------------------------

  private void baselines(
      Case c,
      List<Simulator.Run> production,
      List<Execution> executions,
      Map<String, Answer> answers) {
    SplittableRandom rng = new SplittableRandom(c.seed() ^ 0x5DEECE66DL);
    answers.put("random", baseline(Map.of(), rng));
    answers.put("ochiai-prod", baseline(Ranker.ochiai(executions), rng));
    answers.put("ochiai-plain", baseline(ochiaiPlain(executions), rng));
    List<Map<String, Red.Metrics>> now = new ArrayList<>();
    for (int i = 0; i < production.size(); i += Learned.BUCKET_REQUESTS) {
      now.add(
          Red.of(
              production.subList(i, Math.min(production.size(), i + Learned.BUCKET_REQUESTS)),
              l.addressOf));
    }
    answers.put("BARO", baseline(Red.baro(l.redBuckets, now), rng));
  }

  /** Ranks by score, ties and unscored components in random order. */
  private Answer baseline(Map<String, Double> scores, SplittableRandom rng) {
    Set<String> all = new TreeSet<>(l.universe);
    all.addAll(scores.keySet());
    List<String> order = new ArrayList<>(all);
    for (int i = order.size() - 1; i > 0; i--) {
      Collections.swap(order, i, rng.nextInt(i + 1));
    }
    order.sort(
        Comparator.comparingDouble(
            (String x) -> -scores.getOrDefault(x, Double.NEGATIVE_INFINITY)));
    return new Answer(order, List.of(order.get(0)), true, 0, 0, 0, Double.NaN);
  }

  /** Ochiai with every execution counted once (no kind weighting). */
  static Map<String, Double> ochiaiPlain(List<Execution> executions) {
    double failed = executions.stream().filter(Execution::failed).count();
    Map<String, Double> ef = new HashMap<>();
    Map<String, Double> ep = new HashMap<>();
    for (Execution e : executions) {
      for (String c : e.components()) {
        (e.failed() ? ef : ep).merge(c, 1.0, Double::sum);
      }
    }
    Map<String, Double> out = new HashMap<>();
    if (failed == 0) {
      return out;
    }
    ef.forEach((c, f) -> out.put(c, f / Math.sqrt(failed * (f + ep.getOrDefault(c, 0.0)))));
    return out;
  }
}
