package io.sextant.triage.rank;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The words of an answer: its headline, why each suspect is one, what the probes showed. */
final class Explanation {
  private final Settings settings;
  private final Grouping grouping;

  Explanation(Settings settings, Grouping grouping) {
    this.settings = settings;
    this.grouping = grouping;
  }

  String headline(
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
          ? "No fault found: " + allPass(passing, in) + "."
          : "No fault found: "
              + list(failing)
              + (failing.size() == 1 ? " fails" : " fail")
              + " no more often than it usually does.";
    }
    Ranking.Suspect top = suspects.get(0);
    String who = String.join(" and ", top.members());
    if (failing.isEmpty()) {
      // Nothing failed: the answer stands on a symptom beside the probes (an anomaly).
      String symptom =
          in.anomalies().stream()
              .filter(a -> top.members().contains(a.component()))
              .map(Anomaly::why)
              .findFirst()
              .orElse(null);
      String pass = allPass(passing, in);
      return String.format(
          Locale.ROOT,
          "%s, but %s%s is the most likely cause (%.0f %%).",
          Character.toUpperCase(pass.charAt(0)) + pass.substring(1),
          symptom == null ? "" : symptom.replaceAll("\\.$", "") + "; ",
          who,
          100 * top.probability());
    }
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

  List<String> why(
      List<String> group,
      Posterior post,
      TriageInput in,
      List<String> failing,
      List<String> passing,
      Map<String, Double> errShare,
      Map<String, Integer> errTraces,
      int failingTraces,
      Map<String, double[]> shifts,
      Fusion.Pools pools) {
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
    for (Anomaly a : in.anomalies()) {
      if (group.contains(a.component())) {
        out.add(a.why());
      }
    }
    if (group.size() > 1) {
      String split = grouping.splitBy(group, in);
      out.add(
          list(group)
              + " are touched by exactly the same probes"
              + (split == null
                  ? "; no probe in the suite separates them (a probe that reaches only one of them would)."
                  : "; probe " + split + " would split them."));
    }
    return out;
  }

  String probeSentence(List<String> failing, List<String> passing, TriageInput in) {
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

  /**
   * "all 10 probes pass", or, when some of them failed a run (no more often than they usually do),
   * "no probe fails more than it usually does (stock failed 1 of 3 runs)": never "all pass" over a
   * failed run.
   */
  private static String allPass(List<String> passing, TriageInput in) {
    List<String> partly = new ArrayList<>();
    for (String p : passing) {
      ProbeOutcome o = in.outcomes().get(p);
      if (o != null && o.failures() > 0) {
        partly.add(p + " failed " + o.failures() + " of " + o.runs() + " runs");
      }
    }
    return partly.isEmpty()
        ? "all " + passing.size() + " probes pass"
        : "no probe fails more than it usually does (" + String.join(", ", partly) + ")";
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

  static Ranking.Matrix matrix(Posterior post, TriageInput in) {
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

  static String list(List<String> items) {
    if (items.size() <= 1) {
      return String.join("", items);
    }
    return String.join(", ", items.subList(0, items.size() - 1))
        + " and "
        + items.get(items.size() - 1);
  }
}
