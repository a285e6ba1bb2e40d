package io.sextant.triage.rank;

import io.sextant.triage.trace.TraceAnalysis;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntToDoubleFunction;

/**
 * Ranks the components that may be at fault (triage-methods §5, docs/adr/0011-triage.md): a
 * noisy-OR posterior over the probes' pass/fail, fused log-linearly with the share of deepest error
 * spans, the critical-path latency shift and Ochiai over production traces; components with
 * identical probe signatures reported as one group ({@link Fusion}, {@link Grouping}, {@link
 * Explanation}). Pure and fast: no I/O.
 */
public final class Ranker {
  private final Settings settings;
  private final Fusion fusion;
  private final Grouping grouping;
  private final Explanation explanation;

  public Ranker(Settings settings) {
    this.settings = settings;
    this.fusion = new Fusion(settings);
    this.grouping = new Grouping(settings);
    this.explanation = new Explanation(settings, grouping);
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
              + mix(i -> logL(alpha, runs, fails, p -> 1 - beta[cc][i] * w[p][cc]))
              + logAnomalies(in.anomalies(), universe.get(c));
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
                              p -> (1 - beta[aa][i] * w[p][aa]) * (1 - beta[bb][i] * w[p][bb])))
                  + logAnomalies(in.anomalies(), universe.get(a), universe.get(b)));
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
    Fusion.Fused f = fusion.fuse(post, in);
    Grouping.Grouped grouped = grouping.group(post, f.fused());
    List<List<String>> groups = grouped.groups();
    double faultMass = Math.max(1e-300, 1 - post.none());

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
              f.errShare().getOrDefault(lead, 0.0),
              f.latShare().getOrDefault(lead, 0.0),
              f.ochiai().getOrDefault(lead, 0.0),
              in.priors().getOrDefault(lead, Prior.NONE).multiplier());
      List<String> why =
          explanation.why(
              g,
              post,
              in,
              failing,
              passing,
              f.errShare(),
              f.errTraces(),
              f.failingTraces(),
              f.shifts(),
              f.pools());
      List<String> alike = grouped.lookAlikes().get(lead);
      if (g.size() == 1 && alike != null) {
        why.add(
            Explanation.list(alike)
                + (alike.size() == 1 ? " is" : " are")
                + " touched by exactly the same probes as "
                + lead
                + "; the traces' evidence above points at "
                + lead
                + String.format(
                    Locale.ROOT,
                    " (%.0f %% against %.0f %%).",
                    100 * f.stated().get(lead),
                    100 * f.stated().get(alike.get(0))));
      }
      // What the answer states: the tempered share of the fault mass, times the fault mass.
      double stated = (1 - post.none()) * Grouping.probability(g, f.stated());
      suspects.add(
          new Ranking.Suspect(i + 1, List.copyOf(g), stated, scores, why, grouping.splitBy(g, in)));
    }

    List<Ranking.ErrorOrigin> origins = new ArrayList<>();
    f.errShare().entrySet().stream()
        .sorted(Map.Entry.comparingByValue(Comparator.reverseOrder()))
        .limit(10)
        .forEach(
            e ->
                origins.add(
                    new Ranking.ErrorOrigin(
                        e.getKey(),
                        e.getValue(),
                        f.errTraces().get(e.getKey()),
                        f.errExample().get(e.getKey()),
                        f.errTrace().get(e.getKey()))));
    List<Ranking.LatencyShift> lat = new ArrayList<>();
    f.shifts().entrySet().stream()
        .sorted(Comparator.comparingDouble((Map.Entry<String, double[]> e) -> -e.getValue()[0]))
        .limit(10)
        .forEach(
            e -> lat.add(new Ranking.LatencyShift(e.getKey(), e.getValue()[0], e.getValue()[1])));

    String headline = explanation.headline(fault, suspects, post, failing, passing, in);
    List<String> words = new ArrayList<>();
    words.add(explanation.probeSentence(failing, passing, in));
    if (fault && !suspects.isEmpty()) {
      words.addAll(suspects.get(0).why());
      if (!origins.isEmpty() && !suspects.get(0).members().contains(origins.get(0).component())) {
        String o = origins.get(0).component();
        List<String> exonerating = new ArrayList<>();
        for (String p : passing) {
          if (in.footprints().getOrDefault(p, Map.of()).getOrDefault(o, 0.0) >= settings.touch()) {
            exonerating.add(p);
          }
        }
        words.add(
            "The deepest error spans are in "
                + o
                + (exonerating.isEmpty()
                    ? ", which the probes could not single out."
                    : ", but "
                        + o
                        + " also serves "
                        + Explanation.list(exonerating)
                        + ", which pass: the fault is more likely behind it."));
      }
      if (suspects.size() > 1) {
        Ranking.Suspect second = suspects.get(1);
        words.add(
            String.format(
                Locale.ROOT,
                "Next most likely: %s (%.0f %%).",
                String.join(" / ", second.members()),
                100 * second.probability()));
      }
    } else if (!fault) {
      words.add(
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
        words,
        Explanation.matrix(post, in),
        origins,
        lat,
        (System.nanoTime() - started) / 1e6);
  }

  /**
   * The probe that would tell the answer's lead from the runner-up when the probes that ran cannot
   * (same signature), or null: they are told apart, there is no runner-up, or no probe of {@code
   * catalogue} touches one without the other. Among several, the one run least so far ({@code
   * runs}), then the cheapest.
   */
  public String splitter(
      Ranking r,
      Posterior post,
      Map<String, Map<String, Double>> footprints,
      Set<String> catalogue,
      Map<String, Integer> runs,
      Map<String, Double> cost) {
    if (!r.fault() || r.suspects().isEmpty()) {
      return null;
    }
    Ranking.Suspect top = r.suspects().get(0);
    String lead = top.members().get(0);
    String second =
        top.members().size() > 1
            ? top.members().get(1)
            : r.suspects().size() > 1 ? r.suspects().get(1).members().get(0) : null;
    if (second == null || grouping.separated(post, lead, second)) {
      return null;
    }
    return grouping.splitters(lead, second, footprints, catalogue).stream()
        .min(
            Comparator.comparingInt((String p) -> runs.getOrDefault(p, 0))
                .thenComparingDouble(p -> cost.getOrDefault(p, 1.0)))
        .orElse(null);
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
    for (TraceAnalysis t : in.maskedTraces()) {
      all.addAll(t.errorOrigins());
    }
    in.anomalies().forEach(a -> all.add(a.component()));
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
  private static double logL(double[] alpha, int[] runs, int[] fails, IntToDoubleFunction survive) {
    double l = 0;
    for (int p = 0; p < alpha.length; p++) {
      double fail = 1 - (1 - alpha[p]) * survive.applyAsDouble(p);
      fail = Math.max(1e-9, Math.min(1 - 1e-9, fail));
      l += fails[p] * Math.log(fail) + (runs[p] - fails[p]) * Math.log(1 - fail);
    }
    return l;
  }

  /**
   * β is not known: a fault may fail every request through it (down), some (an error rate, a lost
   * packet, one broken endpoint), or none yet (a thread burning CPU, errors a retry hides: only an
   * {@link Anomaly} shows it). The likelihood mixes β ∈ {0, 0.3, 0.6, β_max} (β_max = 0.9, or 0.5
   * for a component that just changed) with weights {@link #BETA_WEIGHTS}, so a passing probe
   * exonerates softly, and a fault no probe feels stays possible when a symptom points at it.
   */
  static double[] betas(double max) {
    return new double[] {0, 0.3, Math.min(0.6, max), max};
  }

  /** The weight of each β of {@link #betas}: a fault no request feels is the least likely. */
  static final double[] BETA_WEIGHTS = {0.1, 0.3, 0.3, 0.3};

  private static double mix(IntToDoubleFunction logLOfBeta) {
    int k = BETA_WEIGHTS.length;
    double[] l = new double[k];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < k; i++) {
      l[i] = logLOfBeta.applyAsDouble(i);
      max = Math.max(max, l[i]);
    }
    double s = 0;
    for (int i = 0; i < k; i++) {
      s += BETA_WEIGHTS[i] * Math.exp(l[i] - max);
    }
    return max + Math.log(s);
  }

  /** Log of the anomalies' factor for the hypothesis that every one of {@code cs} is at fault. */
  private static double logAnomalies(List<Anomaly> anomalies, String... cs) {
    double l = 0;
    for (Anomaly a : anomalies) {
      double f = 1;
      for (String c : cs) {
        f = Math.max(f, a.factor(c));
      }
      l += Math.log(f);
    }
    return l;
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

  /** Ochiai over production executions, each weighted by 1 / (executions with its touch set). */
  public static Map<String, Double> ochiai(List<Execution> executions) {
    return Fusion.ochiai(executions);
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
}
