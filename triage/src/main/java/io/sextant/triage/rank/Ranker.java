package io.sextant.triage.rank;

import io.sextant.triage.trace.TraceAnalysis;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Ranks the components that may be at fault (triage-methods §5, docs/adr/0011-triage.md): a
 * noisy-OR posterior over the probes' pass/fail, fused log-linearly with the share of deepest error
 * spans, the critical-path latency shift and Ochiai over production traces; components with
 * identical probe signatures reported as one group. Pure and fast: no I/O.
 */
public final class Ranker {
  /** How many times the next member's score a group member needs to be reported alone. */
  static final double SPLIT = 1.5;

  /**
   * The share of the deepest errors, its own, from which the probes cannot rule a component out.
   */
  static final double OWN_FAILURES = 0.2;

  /** The weight of failing production traces' error origins beside failing probe traces'. */
  static final double PRODUCTION_WEIGHT = 1.0 / 3;

  private final Settings settings;

  public Ranker(Settings settings) {
    this.settings = settings;
  }

  public Ranker() {
    this(Settings.DEFAULTS);
  }

  public Settings settings() {
    return settings;
  }

  /** The posterior over "no fault", single components and (when needed) pairs, from probes. */
  public Posterior posterior(TriageInput in) {
    List<String> universe = universe(in);
    List<String> probes = ran(in);
    int n = universe.size();
    int t = probes.size();
    double[][] w = weights(in, probes, universe);
    double[] alpha = new double[t];
    int[] runs = new int[t];
    int[] fails = new int[t];
    for (int p = 0; p < t; p++) {
      ProbeOutcome o = in.outcomes().get(probes.get(p));
      alpha[p] = o.flakeRate();
      runs[p] = o.runs();
      fails[p] = o.failures();
    }
    double[] m = new double[n];
    double[][] beta = new double[n][];
    double mSum = 0;
    for (int c = 0; c < n; c++) {
      Prior prior = in.priors().getOrDefault(universe.get(c), Prior.NONE);
      m[c] = prior.multiplier();
      beta[c] = betas(prior.changed() ? settings.betaChanged() : settings.beta());
      mSum += m[c];
    }
    double logNone = Math.log(settings.noFaultPrior()) + logL(alpha, runs, fails, p -> 1.0);
    double[] logSingle = new double[n];
    double singleMass = 1 - settings.noFaultPrior() - settings.pairPrior();
    for (int c = 0; c < n; c++) {
      final int cc = c;
      logSingle[c] =
          Math.log(singleMass * m[c] / mSum)
              + mix(i -> logL(alpha, runs, fails, p -> 1 - beta[cc][i] * w[p][cc]));
    }
    // Pairs only when the best single component leaves a failure unexplained or is unsure.
    int best = 0;
    for (int c = 1; c < n; c++) {
      if (logSingle[c] > logSingle[best]) {
        best = c;
      }
    }
    boolean unexplained = false;
    for (int p = 0; p < t && n > 0; p++) {
      if (fails[p] * 2 > runs[p] && w[p][best] < settings.touch()) {
        unexplained = true;
      }
    }
    List<int[]> pairs = new ArrayList<>();
    List<Double> logPair = new ArrayList<>();
    double firstPass = normalizer(logNone, logSingle, List.of());
    boolean unsure = n > 0 && Math.exp(logSingle[best] - firstPass) < 0.5;
    if (n > 1 && (unexplained || unsure)) {
      double pairNorm = 0;
      for (int a = 0; a < n; a++) {
        for (int b = a + 1; b < n; b++) {
          pairNorm += m[a] * m[b];
        }
      }
      for (int a = 0; a < n; a++) {
        for (int b = a + 1; b < n; b++) {
          final int aa = a;
          final int bb = b;
          pairs.add(new int[] {a, b});
          logPair.add(
              Math.log(settings.pairPrior() * m[a] * m[b] / pairNorm)
                  + mix(
                      i ->
                          logL(
                              alpha,
                              runs,
                              fails,
                              p -> (1 - beta[aa][i] * w[p][aa]) * (1 - beta[bb][i] * w[p][bb]))));
        }
      }
    }
    double z = normalizer(logNone, logSingle, logPair);
    double none = Math.exp(logNone - z);
    Map<String, Double> single = new LinkedHashMap<>();
    Map<String, Double> marginal = new LinkedHashMap<>();
    for (int c = 0; c < n; c++) {
      double p = Math.exp(logSingle[c] - z);
      single.put(universe.get(c), p);
      marginal.merge(universe.get(c), p, Double::sum);
    }
    Map<List<String>, Double> pairPost = new LinkedHashMap<>();
    for (int i = 0; i < pairs.size(); i++) {
      double p = Math.exp(logPair.get(i) - z);
      int[] ab = pairs.get(i);
      pairPost.put(List.of(universe.get(ab[0]), universe.get(ab[1])), p);
      marginal.merge(universe.get(ab[0]), p, Double::sum);
      marginal.merge(universe.get(ab[1]), p, Double::sum);
    }
    return new Posterior(universe, probes, w, none, single, pairPost, marginal);
  }

  /** Ranks and explains. */
  public Ranking rank(TriageInput in) {
    long started = System.nanoTime();
    Posterior post = posterior(in);
    List<String> universe = post.components();
    int n = universe.size();
    Map<String, Double> errShare = new HashMap<>();
    Map<String, String> errExample = new HashMap<>();
    Map<String, String> errTrace = new HashMap<>();
    Map<String, Integer> errTraces = new HashMap<>();
    Map<String, double[]> shifts = new HashMap<>();
    Map<String, Double> latShare = latencyShares(in, shifts);
    Map<String, Double> ownShare = new HashMap<>();
    Map<String, Double> slow = new HashMap<>(latShare);
    in.slowDependencies().forEach(d -> slow.merge(d, 1.0, Double::sum));
    Pools pools = new Pools(slow, in.answering(), new TreeMap<>());
    int failingTraces =
        errorShares(in.failingTraces(), pools, errShare, ownShare, errExample, errTrace, errTraces);
    Map<String, Double> prodShare = new HashMap<>();
    Map<String, Double> prodOwn = new HashMap<>();
    int failingProduction =
        errorShares(
            in.productionFailures(), pools, prodShare, prodOwn, errExample, errTrace, errTraces);
    if (failingProduction > 0) {
      // The failing probes are why triage runs; production's failures in the window may be an
      // earlier incident's tail: a third of the say when both have errors, all of it when alone.
      double w = failingTraces > 0 ? PRODUCTION_WEIGHT : 1;
      errShare.replaceAll((c, v) -> v * (1 - w));
      ownShare.replaceAll((c, v) -> v * (1 - w));
      prodShare.forEach((c, v) -> errShare.merge(c, v * w, Double::sum));
      prodOwn.forEach((c, v) -> ownShare.merge(c, v * w, Double::sum));
      failingTraces += failingProduction;
    }
    Map<String, Double> ochiai = ochiai(in.production());
    boolean useErr = failingTraces > 0 && settings.lambdaError() > 0;
    boolean useLat = !latShare.isEmpty() && settings.lambdaLatency() > 0;
    boolean useOch =
        in.production().stream().anyMatch(Execution::failed) && settings.lambdaTraces() > 0;

    double faultMass = Math.max(1e-300, 1 - post.none());
    double eps = settings.epsilon();
    // The probes are the controlled experiment: a component they rule out (its posterior under
    // 1/gate of the best's, e.g. a passing probe touched it twice) is not brought back by trace
    // evidence, which ranks the components the probes could not rule out.
    double bestPost = 0;
    for (String id : universe) {
      bestPost = Math.max(bestPost, post.marginal().getOrDefault(id, 0.0));
    }
    double[] logS = new double[n];
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < n; c++) {
      String id = universe.get(c);
      double marginal = post.marginal().getOrDefault(id, 0.0);
      // A component's own failures (its code threw: a fifth of the blame or more) let it through:
      // a bad deploy breaks some of its endpoints, not all, so the probes that pass through it do
      // not rule it out. A pool that ran out does not (a leak and a slow database look alike).
      boolean inGate =
          marginal * settings.gate() >= bestPost || ownShare.getOrDefault(id, 0.0) >= OWN_FAILURES;
      double l = Math.log(marginal / faultMass + 1e-12);
      if (useErr) {
        l += settings.lambdaError() * Math.log(eps + (inGate ? errShare.getOrDefault(id, 0.0) : 0));
      }
      if (useLat) {
        l +=
            settings.lambdaLatency()
                * Math.log(eps + (inGate ? latShare.getOrDefault(id, 0.0) : 0));
      }
      if (useOch) {
        l += settings.lambdaTraces() * Math.log(eps + (inGate ? ochiai.getOrDefault(id, 0.0) : 0));
      }
      logS[c] = l;
      max = Math.max(max, l);
    }
    double sum = 0;
    double[] prob = new double[n];
    for (int c = 0; c < n; c++) {
      prob[c] = Math.exp(logS[c] - max);
      sum += prob[c];
    }
    Map<String, Double> fused = new HashMap<>();
    for (int c = 0; c < n; c++) {
      fused.put(universe.get(c), prob[c] / sum);
    }

    // Groups: components with the same non-empty probe signature.
    Map<BitSet, List<String>> bySignature = new LinkedHashMap<>();
    List<List<String>> groups = new ArrayList<>();
    for (int c = 0; c < n; c++) {
      BitSet sig = post.signature(c, settings.touch());
      if (sig.isEmpty()) {
        groups.add(new ArrayList<>(List.of(universe.get(c))));
      } else {
        bySignature.computeIfAbsent(sig, k -> new ArrayList<>()).add(universe.get(c));
      }
    }
    groups.addAll(bySignature.values());
    // The probes cannot tell a group's members apart, but the traces may: a member whose fused
    // score is SPLIT times the next one's stands alone (the rest stay its "look-alikes").
    Map<String, List<String>> lookAlikes = new HashMap<>();
    List<List<String>> split = new ArrayList<>();
    for (List<String> g : groups) {
      g.sort(Comparator.comparingDouble((String id) -> -fused.get(id)).thenComparing(id -> id));
      while (g.size() > 1 && fused.get(g.get(0)) >= SPLIT * fused.get(g.get(1))) {
        lookAlikes.put(g.get(0), List.copyOf(g.subList(1, g.size())));
        split.add(new ArrayList<>(List.of(g.remove(0))));
      }
    }
    groups.addAll(split);
    groups.sort(
        Comparator.comparingDouble((List<String> g) -> -groupProbability(g, fused))
            .thenComparing(g -> g.get(0)));

    boolean fault = post.none() < 0.5;
    List<String> failing = new ArrayList<>();
    List<String> passing = new ArrayList<>();
    for (String p : post.probes()) {
      (in.outcomes().get(p).failed() ? failing : passing).add(p);
    }
    List<Ranking.Suspect> suspects = new ArrayList<>();
    int limit = Math.min(groups.size(), 10);
    for (int i = 0; i < limit; i++) {
      List<String> g = groups.get(i);
      String lead = g.get(0);
      Ranking.Scores scores =
          new Ranking.Scores(
              post.marginal().getOrDefault(lead, 0.0) / faultMass,
              errShare.getOrDefault(lead, 0.0),
              latShare.getOrDefault(lead, 0.0),
              ochiai.getOrDefault(lead, 0.0),
              in.priors().getOrDefault(lead, Prior.NONE).multiplier());
      List<String> why =
          why(g, post, in, failing, passing, errShare, errTraces, failingTraces, shifts, pools);
      List<String> alike = lookAlikes.get(lead);
      if (g.size() == 1 && alike != null) {
        why.add(
            list(alike)
                + (alike.size() == 1 ? " is" : " are")
                + " touched by exactly the same probes as "
                + lead
                + "; the traces' evidence above points at "
                + lead
                + String.format(
                    Locale.ROOT,
                    " (%.0f %% against %.0f %%).",
                    100 * fused.get(lead),
                    100 * fused.get(alike.get(0))));
      }
      suspects.add(
          new Ranking.Suspect(
              i + 1, List.copyOf(g), groupProbability(g, fused), scores, why, splitBy(g, in)));
    }

    List<Ranking.ErrorOrigin> origins = new ArrayList<>();
    errShare.entrySet().stream()
        .sorted(Map.Entry.comparingByValue(Comparator.reverseOrder()))
        .limit(10)
        .forEach(
            e ->
                origins.add(
                    new Ranking.ErrorOrigin(
                        e.getKey(),
                        e.getValue(),
                        errTraces.get(e.getKey()),
                        errExample.get(e.getKey()),
                        errTrace.get(e.getKey()))));
    List<Ranking.LatencyShift> lat = new ArrayList<>();
    shifts.entrySet().stream()
        .sorted(Comparator.comparingDouble((Map.Entry<String, double[]> e) -> -e.getValue()[0]))
        .limit(10)
        .forEach(
            e -> lat.add(new Ranking.LatencyShift(e.getKey(), e.getValue()[0], e.getValue()[1])));

    String headline = headline(fault, suspects, post, failing, passing, in);
    List<String> explanation = new ArrayList<>();
    explanation.add(probeSentence(failing, passing, in));
    if (fault && !suspects.isEmpty()) {
      explanation.addAll(suspects.get(0).why());
      if (!origins.isEmpty() && !suspects.get(0).members().contains(origins.get(0).component())) {
        String o = origins.get(0).component();
        List<String> exonerating = new ArrayList<>();
        for (String p : passing) {
          if (in.footprints().getOrDefault(p, Map.of()).getOrDefault(o, 0.0) >= settings.touch()) {
            exonerating.add(p);
          }
        }
        explanation.add(
            "The deepest error spans are in "
                + o
                + (exonerating.isEmpty()
                    ? ", which the probes could not single out."
                    : ", but "
                        + o
                        + " also serves "
                        + list(exonerating)
                        + ", which pass: the fault is more likely behind it."));
      }
      if (suspects.size() > 1) {
        Ranking.Suspect second = suspects.get(1);
        explanation.add(
            String.format(
                Locale.ROOT,
                "Next most likely: %s (%.0f %%).",
                String.join(" / ", second.members()),
                100 * second.probability()));
      }
    } else if (!fault) {
      explanation.add(
          String.format(
              Locale.ROOT,
              "The probes' results are best explained by their usual flakiness (%.0f %%).",
              100 * post.none()));
    }
    return new Ranking(
        fault,
        post.none(),
        headline,
        suspects,
        explanation,
        matrix(post, in),
        origins,
        lat,
        (System.nanoTime() - started) / 1e6);
  }

  // --- the evidence sources ---------------------------------------------------------------

  /**
   * What decides whose fault a connection pool that ran out is: the databases, caches and queues
   * seen slow (how much), those that answer their own health check now, and, filled in while
   * reading the traces, the services whose pool leaked (→ the database it serves).
   */
  record Pools(Map<String, Double> slow, Set<String> answering, Map<String, String> leaked) {}

  /**
   * ErrShare (§5.3) into {@code share}, and into {@code own} the part of it from the components'
   * own failures; returns the number of traces with errors. A pool that ran out while a database it
   * serves answered slowly is that database's fault; while every database it serves answers its
   * health check and none is slow, the connections are held in the service: its own failure (a
   * leak). Otherwise it is the service's error, but not its own failure.
   */
  static int errorShares(
      List<TraceAnalysis> traces,
      Pools pools,
      Map<String, Double> share,
      Map<String, Double> own,
      Map<String, String> example,
      Map<String, String> exampleTrace,
      Map<String, Integer> count) {
    int withErrors = 0;
    Map<String, Set<String>> onHost = new HashMap<>();
    for (TraceAnalysis t : traces) {
      if (t.errorOrigins().isEmpty()) {
        continue;
      }
      withErrors++;
      double each = 1.0 / t.errorOrigins().size();
      Set<String> seen = new TreeSet<>();
      for (int i = 0; i < t.errorOrigins().size(); i++) {
        String c = t.errorOrigins().get(i);
        boolean isOwn = t.errorOriginsOwn().get(i);
        Set<String> served = t.errorOriginPools().get(i);
        String slowest = null;
        for (String d : served) {
          if (pools.slow().getOrDefault(d, 0.0)
              > (slowest == null ? 0 : pools.slow().get(slowest))) {
            slowest = d;
          }
        }
        if (slowest != null) {
          c = slowest;
          isOwn = false;
        } else if (!served.isEmpty() && pools.answering().containsAll(served)) {
          isOwn = true;
          pools.leaked().putIfAbsent(c, String.join(", ", new TreeSet<>(served)));
        }
        share.merge(c, each, Double::sum);
        if (isOwn) {
          own.merge(c, each, Double::sum);
        }
        String h = t.errorOriginHosts().get(i);
        if (h != null && !isOwn && t.errorOriginPools().get(i).isEmpty()) {
          onHost.computeIfAbsent(h, k -> new TreeSet<>()).add(c); // it could not be reached
        }
        example.putIfAbsent(c, t.errorDetails().get(i));
        exampleTrace.putIfAbsent(c, t.traceId());
        if (seen.add(c)) {
          count.merge(c, 1, Integer::sum);
        }
      }
    }
    final int total = withErrors;
    share.replaceAll((k, v) -> v / total);
    own.replaceAll((k, v) -> v / total);
    // A host is the deepest error's owner when several of the components on it could not be
    // reached (every service on a host that went down refuses its callers); one component failing
    // alone, or failing by its own code, is that component's fault, not its host's.
    onHost.forEach(
        (host, members) -> {
          if (members.size() >= 2) {
            double s = 0;
            for (String m : members) {
              s += share.getOrDefault(m, 0.0);
            }
            share.put(host, s);
            // Each component on it explains only its own part of the host's failures.
            final double all = s;
            for (String m : members) {
              share.computeIfPresent(m, (k, v) -> v * v / all);
            }
            count.put(
                host, members.stream().mapToInt(m -> count.getOrDefault(m, 0)).max().orElse(0));
            example.putIfAbsent(host, host + ": " + String.join(", ", members) + " on it fail");
          }
        });
    return withErrors;
  }

  /** LatShare (§5.4), averaged over the keys (probes) whose critical path shifted. */
  static Map<String, Double> latencyShares(TriageInput in, Map<String, double[]> shifts) {
    Map<String, Double> out = new HashMap<>();
    int keys = 0;
    for (Map.Entry<String, List<Map<String, Double>>> e : in.currentPaths().entrySet()) {
      List<Map<String, Double>> base = in.baselinePaths().getOrDefault(e.getKey(), List.of());
      List<Map<String, Double>> now = e.getValue();
      if (base.size() < 3 || now.isEmpty()) {
        continue;
      }
      Set<String> comps = new TreeSet<>();
      base.forEach(m -> comps.addAll(m.keySet()));
      now.forEach(m -> comps.addAll(m.keySet()));
      Map<String, Double> delta = new HashMap<>();
      double total = 0;
      for (String c : comps) {
        double[] b = base.stream().mapToDouble(m -> m.getOrDefault(c, 0.0)).sorted().toArray();
        double[] a = now.stream().mapToDouble(m -> m.getOrDefault(c, 0.0)).sorted().toArray();
        double d = quantile(a, 0.5) - quantile(b, 0.5);
        double z = d / (quantile(b, 0.75) - quantile(b, 0.25) + 1.0);
        if (z >= 3 && d > 0) {
          delta.put(c, d);
          total += d;
          double[] prev = shifts.get(c);
          if (prev == null || prev[0] < d) {
            shifts.put(c, new double[] {d, z});
          }
        }
      }
      if (total > 0) {
        keys++;
        for (Map.Entry<String, Double> d : delta.entrySet()) {
          out.merge(d.getKey(), d.getValue() / total, Double::sum);
        }
      }
    }
    final int k = keys;
    out.replaceAll((c, v) -> v / k);
    return out;
  }

  /** Ochiai over production executions, each weighted by 1 / (executions with its touch set). */
  public static Map<String, Double> ochiai(List<Execution> executions) {
    Map<Set<String>, Integer> kinds = new HashMap<>();
    for (Execution e : executions) {
      kinds.merge(e.components(), 1, Integer::sum);
    }
    double failed = 0;
    Map<String, Double> ef = new HashMap<>();
    Map<String, Double> ep = new HashMap<>();
    for (Execution e : executions) {
      double w = 1.0 / kinds.get(e.components());
      if (e.failed()) {
        failed += w;
      }
      for (String c : e.components()) {
        (e.failed() ? ef : ep).merge(c, w, Double::sum);
      }
    }
    Map<String, Double> out = new HashMap<>();
    if (failed == 0) {
      return out;
    }
    for (Map.Entry<String, Double> e : ef.entrySet()) {
      double f = e.getValue();
      out.put(e.getKey(), f / Math.sqrt(failed * (f + ep.getOrDefault(e.getKey(), 0.0))));
    }
    return out;
  }

  // --- words ------------------------------------------------------------------------------

  private String headline(
      boolean fault,
      List<Ranking.Suspect> suspects,
      Posterior post,
      List<String> failing,
      List<String> passing,
      TriageInput in) {
    if (post.probes().isEmpty()) {
      return "No probe ran, so there is nothing to triangulate from.";
    }
    if (!fault || suspects.isEmpty()) {
      return failing.isEmpty()
          ? "No fault found: all " + passing.size() + " probes pass."
          : "No fault found: "
              + list(failing)
              + (failing.size() == 1 ? " fails" : " fail")
              + " no more often than it usually does.";
    }
    Ranking.Suspect top = suspects.get(0);
    String who = String.join(" and ", top.members());
    List<String> exact = exactlyExplaining(post, in, failing);
    String probes =
        list(failing)
            + (failing.size() == 1 ? " fails" : " fail")
            + (passing.isEmpty()
                ? ""
                : ", " + list(passing) + (passing.size() == 1 ? " passes" : " pass"));
    if (top.members().size() > 1) {
      return probes
          + "; "
          + who
          + " are touched by exactly the same probes and cannot be told apart by them"
          + (top.splitBy() == null ? "" : " (probe " + top.splitBy() + " would split them)")
          + ".";
    }
    String lead = top.members().get(0);
    if (exact.size() == 1 && exact.get(0).equals(lead)) {
      return probes
          + "; "
          + lead
          + " is the only component touched by every failing probe and by no passing one.";
    }
    return String.format(
        Locale.ROOT,
        "%s; %s is the most likely cause (%.0f %%).",
        probes,
        lead,
        100 * top.probability());
  }

  private List<String> why(
      List<String> group,
      Posterior post,
      TriageInput in,
      List<String> failing,
      List<String> passing,
      Map<String, Double> errShare,
      Map<String, Integer> errTraces,
      int failingTraces,
      Map<String, double[]> shifts,
      Pools pools) {
    List<String> out = new ArrayList<>();
    String lead = group.get(0);
    List<String> touchingFailing = new ArrayList<>();
    List<String> touchingPassing = new ArrayList<>();
    for (String p : post.probes()) {
      double w = in.footprints().getOrDefault(p, Map.of()).getOrDefault(lead, 0.0);
      if (w >= settings.touch()) {
        (failing.contains(p) ? touchingFailing : touchingPassing).add(p);
      }
    }
    if (!failing.isEmpty()) {
      String s =
          lead
              + " is on "
              + touchingFailing.size()
              + " of the "
              + failing.size()
              + " failing probes"
              + (touchingFailing.isEmpty() ? "" : " (" + list(touchingFailing) + ")")
              + " and on "
              + (touchingPassing.isEmpty() ? "none" : touchingPassing.size())
              + " of the passing ones"
              + (touchingPassing.isEmpty() ? "" : " (" + list(touchingPassing) + ")")
              + ".";
      out.add(s);
    }
    Integer owned = errTraces.get(lead);
    if (owned != null && failingTraces > 0) {
      out.add(
          String.format(
              Locale.ROOT,
              "%s owns the deepest error span in %d of %d failing traces (%.0f %% of the blame).",
              lead,
              owned,
              failingTraces,
              100 * errShare.get(lead)));
    }
    String leakedTo = pools.leaked().get(lead);
    if (leakedTo != null) {
      out.add(
          lead
              + "'s connection pool for "
              + leakedTo
              + " ran out while "
              + leakedTo
              + " answers its health check and no call to it is slow: the connections are held"
              + " in "
              + lead
              + " (a leak), not by a slow database.");
    }
    double[] shift = shifts.get(lead);
    if (shift != null) {
      out.add(
          String.format(
              Locale.ROOT,
              "%s's own time on the critical path rose by %.0f ms over its baseline (z = %.1f).",
              lead,
              shift[0],
              shift[1]));
    }
    for (String r : in.priors().getOrDefault(lead, Prior.NONE).reasons()) {
      out.add(r);
    }
    if (group.size() > 1) {
      String split = splitBy(group, in);
      out.add(
          list(group)
              + " are touched by exactly the same probes"
              + (split == null
                  ? "; no probe in the suite separates them (a probe that reaches only one of them would)."
                  : "; probe " + split + " would split them."));
    }
    return out;
  }

  private String probeSentence(List<String> failing, List<String> passing, TriageInput in) {
    if (failing.isEmpty() && passing.isEmpty()) {
      return "No probe ran.";
    }
    StringBuilder b = new StringBuilder();
    if (!failing.isEmpty()) {
      b.append("Failing: ");
      List<String> parts = new ArrayList<>();
      for (String p : failing) {
        ProbeOutcome o = in.outcomes().get(p);
        String reason = o.reasons().isEmpty() ? "" : " — " + o.reasons().get(0);
        parts.add(p + " (" + o.failures() + "/" + o.runs() + reason + ")");
      }
      b.append(String.join("; ", parts)).append(". ");
    }
    if (!passing.isEmpty()) {
      b.append("Passing: ").append(String.join(", ", passing)).append('.');
    }
    return b.toString().trim();
  }

  /** The components touched by every failing probe and by no passing one (the COMP decoder). */
  private List<String> exactlyExplaining(Posterior post, TriageInput in, List<String> failing) {
    List<String> out = new ArrayList<>();
    for (String c : post.components()) {
      boolean ok = !failing.isEmpty();
      for (String p : post.probes()) {
        boolean touches =
            in.footprints().getOrDefault(p, Map.of()).getOrDefault(c, 0.0) >= settings.touch();
        if (touches != failing.contains(p)) {
          ok = false;
          break;
        }
      }
      if (ok) {
        out.add(c);
      }
    }
    return out;
  }

  /** A probe (run or not) whose footprint holds some members of the group and not others. */
  private String splitBy(List<String> group, TriageInput in) {
    if (group.size() < 2) {
      return null;
    }
    String best = null;
    int bestBalance = Integer.MAX_VALUE;
    for (Map.Entry<String, Map<String, Double>> f :
        new java.util.TreeMap<>(in.footprints()).entrySet()) {
      int in1 = 0;
      for (String c : group) {
        if (f.getValue().getOrDefault(c, 0.0) >= settings.touch()) {
          in1++;
        }
      }
      if (in1 > 0 && in1 < group.size()) {
        int balance = Math.abs(group.size() - 2 * in1);
        if (balance < bestBalance) {
          bestBalance = balance;
          best = f.getKey();
        }
      }
    }
    return best;
  }

  private static Ranking.Matrix matrix(Posterior post, TriageInput in) {
    List<String> probes = post.probes();
    List<String> comps = post.components();
    double[][] t = new double[probes.size()][];
    boolean[] failed = new boolean[probes.size()];
    for (int p = 0; p < probes.size(); p++) {
      t[p] = Arrays.copyOf(post.weights()[p], comps.size());
      failed[p] = in.outcomes().get(probes.get(p)).failed();
    }
    return new Ranking.Matrix(probes, comps, t, failed);
  }

  // --- helpers ----------------------------------------------------------------------------

  /** Every component any footprint or any trace evidence names, sorted. */
  static List<String> universe(TriageInput in) {
    Set<String> all = new TreeSet<>();
    in.footprints()
        .values()
        .forEach(
            f ->
                f.forEach(
                    (c, w) -> {
                      if (w > 0) {
                        all.add(c);
                      }
                    }));
    for (TraceAnalysis t : in.failingTraces()) {
      all.addAll(t.errorOrigins());
    }
    for (TraceAnalysis t : in.productionFailures()) {
      all.addAll(t.errorOrigins());
    }
    return new ArrayList<>(all);
  }

  static List<String> ran(TriageInput in) {
    return in.outcomes().values().stream()
        .filter(o -> o.runs() > 0)
        .map(ProbeOutcome::probe)
        .sorted()
        .toList();
  }

  private static double[][] weights(TriageInput in, List<String> probes, List<String> universe) {
    double[][] w = new double[probes.size()][universe.size()];
    for (int p = 0; p < probes.size(); p++) {
      Map<String, Double> f = in.footprints().getOrDefault(probes.get(p), Map.of());
      for (int c = 0; c < universe.size(); c++) {
        w[p][c] = Math.max(0, Math.min(1, f.getOrDefault(universe.get(c), 0.0)));
      }
    }
    return w;
  }

  /** log L for the probes, given each probe's product Π(1 − β·w) under the hypothesis. */
  private static double logL(
      double[] alpha, int[] runs, int[] fails, java.util.function.IntToDoubleFunction survive) {
    double l = 0;
    for (int p = 0; p < alpha.length; p++) {
      double fail = 1 - (1 - alpha[p]) * survive.applyAsDouble(p);
      fail = Math.max(1e-9, Math.min(1 - 1e-9, fail));
      l += fails[p] * Math.log(fail) + (runs[p] - fails[p]) * Math.log(1 - fail);
    }
    return l;
  }

  /**
   * β is not known: a fault may fail every request through it (down) or some (an error rate, a lost
   * packet, one broken endpoint). The likelihood averages over β ∈ {0.3, 0.6, β_max} (β_max = 0.9,
   * or 0.5 for a component that just changed), so a passing probe exonerates softly.
   */
  static double[] betas(double max) {
    return new double[] {0.3, Math.min(0.6, max), max};
  }

  private static double mix(java.util.function.IntToDoubleFunction logLOfBeta) {
    double[] l = new double[3];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < 3; i++) {
      l[i] = logLOfBeta.applyAsDouble(i);
      max = Math.max(max, l[i]);
    }
    double s = 0;
    for (double x : l) {
      s += Math.exp(x - max);
    }
    return max + Math.log(s / 3);
  }

  private static double normalizer(double none, double[] single, List<Double> pairs) {
    double max = none;
    for (double s : single) {
      max = Math.max(max, s);
    }
    for (double p : pairs) {
      max = Math.max(max, p);
    }
    double sum = Math.exp(none - max);
    for (double s : single) {
      sum += Math.exp(s - max);
    }
    for (double p : pairs) {
      sum += Math.exp(p - max);
    }
    return max + Math.log(sum);
  }

  private static double groupProbability(List<String> g, Map<String, Double> p) {
    double s = 0;
    for (String c : g) {
      s += p.getOrDefault(c, 0.0);
    }
    return s;
  }

  /** The {@code q} quantile of sorted values, linearly interpolated; 0 when there are none. */
  public static double quantile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }

  static String list(List<String> items) {
    if (items.size() <= 1) {
      return String.join("", items);
    }
    return String.join(", ", items.subList(0, items.size() - 1))
        + " and "
        + items.get(items.size() - 1);
  }
}
