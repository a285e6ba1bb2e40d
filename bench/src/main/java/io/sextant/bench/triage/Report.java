package io.sextant.bench.triage;

import io.sextant.bench.triage.Pipeline.Answer;
import io.sextant.bench.triage.Pipeline.Result;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * The figures, with RCAEval's definitions: AC@k is the share of cases whose root cause is among the
 * first k answers (with two faults, the share of the two found in the first k, at most k); Avg@5 is
 * the mean of AC@1..AC@5. Group-aware AC@1 counts a case when a root cause is in the first reported
 * group. Answering "no fault" to a fault case counts as a miss.
 */
final class Report {
  static final List<String> METHODS = new ArrayList<>();

  static {
    Pipeline.VARIANTS.forEach(v -> METHODS.add(v.name()));
    METHODS.addAll(Pipeline.BASELINES);
  }

  private Report() {}

  static double ac(Answer a, List<String> truth, int k) {
    int found = 0;
    for (int i = 0; i < Math.min(k, a.ranked().size()); i++) {
      if (truth.contains(a.ranked().get(i))) {
        found++;
      }
    }
    return (double) found / Math.min(k, truth.size());
  }

  static double avg5(Answer a, List<String> truth) {
    double s = 0;
    for (int k = 1; k <= 5; k++) {
      s += ac(a, truth, k);
    }
    return s / 5;
  }

  static double groupAc1(Answer a, List<String> truth) {
    return a.topGroup().stream().anyMatch(truth::contains) ? 1 : 0;
  }

  /** Mean of {@code f} over the results that {@code which} keeps, for method {@code m}. */
  static double mean(
      List<Result> rs, Predicate<Result> which, String m, ToDoubleFunction<Result> f) {
    return rs.stream().filter(which).mapToDouble(f).average().orElse(Double.NaN);
  }

  static double ac(List<Result> rs, Predicate<Result> which, String m, int k) {
    return mean(rs, which, m, r -> ac(r.answers().get(m), r.c().truth(), k));
  }

  static double quantile(
      List<Result> rs, Predicate<Result> which, String m, double q, ToDoubleFunction<Answer> f) {
    double[] x =
        rs.stream().filter(which).mapToDouble(r -> f.applyAsDouble(r.answers().get(m))).toArray();
    if (x.length == 0) {
      return Double.NaN;
    }
    Arrays.sort(x);
    return x[(int) Math.ceil(q * x.length) - 1];
  }

  static final Predicate<Result> SINGLE = r -> r.c().truth().size() == 1;

  static String tables(Learned l, List<Result> rs, double wallSeconds) {
    StringBuilder b = new StringBuilder();
    Topology sys = l.sys;
    long singles = rs.stream().filter(SINGLE).count();
    b.append(
        f(
            "### %s: %d services, %d databases/caches/topics, %d hosts, %d suite probes (+%d"
                + " extra), %d API functions; %d cases in %.1f s\n\n",
            sys.name,
            sys.services.size(),
            sys.backends.size(),
            sys.hosts().size(),
            sys.suite().size(),
            sys.probes.size() - sys.suite().size(),
            sys.operations.size(),
            rs.size(),
            wallSeconds));

    b.append(f("Single faults (%d cases), every method on the same runs:\n\n", singles));
    b.append(
        "| method | AC@1 | AC@3 | Avg@5 | group AC@1 | top group size | false loc. no-fault |"
            + " false loc. flaky | time-to-localize p50 / p95 | probes | analysis ms p50 / p95 |\n");
    b.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    Predicate<Result> noFault = r -> r.c().kind().equals("no fault");
    Predicate<Result> flaky = r -> r.c().kind().equals("flaky probe");
    for (String m : METHODS) {
      boolean ours = !Pipeline.BASELINES.contains(m);
      b.append(
          f(
              "| %s | %.2f | %.2f | %.2f | %s | %s | %s | %s | %s | %s | %s |\n",
              m,
              ac(rs, SINGLE, m, 1),
              ac(rs, SINGLE, m, 3),
              mean(rs, SINGLE, m, r -> avg5(r.answers().get(m), r.c().truth())),
              ours
                  ? f("%.2f", mean(rs, SINGLE, m, r -> groupAc1(r.answers().get(m), r.c().truth())))
                  : "=AC@1",
              ours
                  ? f("%.2f", mean(rs, SINGLE, m, r -> r.answers().get(m).topGroup().size()))
                  : "1",
              ours ? f("%.2f", mean(rs, noFault, m, r -> r.answers().get(m).fault() ? 1 : 0)) : "—",
              ours ? f("%.2f", mean(rs, flaky, m, r -> r.answers().get(m).fault() ? 1 : 0)) : "—",
              ours
                  ? f(
                      "%.2f s / %.2f s",
                      quantile(rs, SINGLE, m, 0.5, Answer::ttlMs) / 1000,
                      quantile(rs, SINGLE, m, 0.95, Answer::ttlMs) / 1000)
                  : "—",
              ours ? f("%.1f", mean(rs, SINGLE, m, r -> r.answers().get(m).probes())) : "—",
              ours
                  ? f(
                      "%.1f / %.1f",
                      quantile(rs, SINGLE, m, 0.5, Answer::analysisMs),
                      quantile(rs, SINGLE, m, 0.95, Answer::analysisMs))
                  : "—"));
    }

    b.append(
        "\nCalibration of sextant's answers (every case: the first suspect's stated probability,"
            + " right when it is a root cause; for \"no fault\", its probability, right on a"
            + " control):\n\n");
    b.append(calibration(rs, Pipeline.OURS).table());

    b.append("\nPer fault kind, sextant (full pipeline):\n\n");
    b.append(
        "| kind | cases | AC@1 | AC@3 | Avg@5 | group AC@1 | top group size | answered fault |"
            + " a suite probe failed | AC@1 when one did | time-to-localize p50 / p95 | probes |"
            + " analysis ms p95 |\n");
    b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    String m = Pipeline.OURS;
    for (String kind : kinds(rs)) {
      Predicate<Result> k = r -> r.c().kind().equals(kind);
      long n = rs.stream().filter(k).count();
      boolean control = rs.stream().filter(k).findFirst().get().c().control();
      b.append(
          f(
              "| %s | %d | %s | %s | %s | %s | %s | %.2f | %.2f | %s | %.2f s / %.2f s | %.1f |"
                  + " %.1f |\n",
              kind,
              n,
              control ? "—" : f("%.2f", ac(rs, k, m, 1)),
              control ? "—" : f("%.2f", ac(rs, k, m, 3)),
              control
                  ? "—"
                  : f("%.2f", mean(rs, k, m, r -> avg5(r.answers().get(m), r.c().truth()))),
              control
                  ? "—"
                  : f("%.2f", mean(rs, k, m, r -> groupAc1(r.answers().get(m), r.c().truth()))),
              control ? "—" : f("%.2f", mean(rs, k, m, r -> r.answers().get(m).topGroup().size())),
              mean(rs, k, m, r -> r.answers().get(m).fault() ? 1 : 0),
              mean(rs, k, m, r -> r.visible() ? 1 : 0),
              control || rs.stream().filter(k).noneMatch(Result::visible)
                  ? "—"
                  : f("%.2f", ac(rs, k.and(Result::visible), m, 1)),
              quantile(rs, k, m, 0.5, Answer::ttlMs) / 1000,
              quantile(rs, k, m, 0.95, Answer::ttlMs) / 1000,
              mean(rs, k, m, r -> r.answers().get(m).probes()),
              quantile(rs, k, m, 0.95, Answer::analysisMs)));
    }

    b.append("\nAC@1 per fault kind, every method:\n\n| kind |");
    METHODS.forEach(x -> b.append(' ').append(x).append(" |"));
    b.append("\n|---|");
    METHODS.forEach(x -> b.append("---|"));
    b.append('\n');
    for (String kind : kinds(rs)) {
      Predicate<Result> k = r -> r.c().kind().equals(kind) && !r.c().control();
      if (rs.stream().noneMatch(k)) {
        continue;
      }
      b.append("| ").append(kind).append(" |");
      METHODS.forEach(x -> b.append(f(" %.2f |", ac(rs, k, x, 1))));
      b.append('\n');
    }

    Map<String, Set<String>> groups = l.groups(0.5);
    Predicate<Result> separable =
        r -> SINGLE.test(r) && groups.getOrDefault(r.c().truth().get(0), Set.of()).size() <= 1;
    Predicate<Result> shared =
        r -> SINGLE.test(r) && groups.getOrDefault(r.c().truth().get(0), Set.of()).size() > 1;
    b.append("\nSingle faults by whether the suite separates the culprit, sextant:\n\n");
    b.append("| culprit | cases | AC@1 | group AC@1 | top group size |\n|---|---|---|---|---|\n");
    for (var e :
        Map.of("alone in its suite signature", separable, "shares its suite signature", shared)
            .entrySet()) {
      b.append(
          f(
              "| %s | %d | %.2f | %.2f | %.2f |\n",
              e.getKey(),
              rs.stream().filter(e.getValue()).count(),
              ac(rs, e.getValue(), m, 1),
              mean(rs, e.getValue(), m, r -> groupAc1(r.answers().get(m), r.c().truth())),
              mean(rs, e.getValue(), m, r -> r.answers().get(m).topGroup().size())));
    }
    List<String> shown = new ArrayList<>();
    groups.values().stream()
        .filter(g -> g.size() > 1)
        .map(g -> String.join(", ", g))
        .distinct()
        .sorted()
        .forEach(shown::add);
    b.append("\nGroups the suite cannot split: ");
    b.append(shown.isEmpty() ? "none" : "{" + String.join("}; {", shown) + "}");
    b.append(".\n");
    return b.toString();
  }

  /** Lists the misses of a method, for reading what went wrong. */
  static String misses(List<Result> rs, String m) {
    StringBuilder b = new StringBuilder();
    for (Result r : rs) {
      Answer a = r.answers().get(m);
      boolean miss = r.c().control() ? a.fault() : ac(a, r.c().truth(), 1) < 1;
      if (miss) {
        b.append(
            f(
                "  #%d %s → %s%s\n",
                r.c().index(),
                r.c().describe(),
                a.fault() ? a.ranked().subList(0, Math.min(3, a.ranked().size())) : "no fault",
                r.c().decoy() == null ? "" : " (decoy deploy " + r.c().decoy() + ")"));
      }
    }
    return b.toString();
  }

  private static List<String> kinds(List<Result> rs) {
    Map<String, Boolean> k = new LinkedHashMap<>();
    rs.forEach(r -> k.put(r.c().kind(), true));
    return new ArrayList<>(k.keySet());
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  static Calibration calibration(List<Result> rs, String m) {
    Calibration c = new Calibration();
    for (Result r : rs) {
      Answer a = r.answers().get(m);
      boolean control = r.c().truth().isEmpty();
      boolean right =
          a.fault() ? !a.ranked().isEmpty() && r.c().truth().contains(a.ranked().get(0)) : control;
      c.add(a.confidence(), right);
    }
    return c;
  }
}
