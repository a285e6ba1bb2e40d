package io.sextant.triage;

import io.sextant.triage.probe.Probe;
import io.sextant.triage.probe.ProbeRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A probe-suite audit (triage-methods §4): the components no suite probe reaches, the ones only one
 * reaches (a flaky probe then hides them), and the groups of components with identical probe
 * signatures, which pass/fail alone can never tell apart, each with a catalogue probe that would
 * split it if there is one. It lists every probe, in the suite or not, with what it has learned,
 * and the components only probes outside the suite reach.
 *
 * @param probes the suite's probes (those triage runs first)
 * @param every every probe of the catalogue, suite or not
 * @param outsideSuite the unreached components that a probe outside the suite reaches, with those
 *     probes (triage runs them only to split a tie, so a fault there can go unseen)
 */
public record Audit(
    List<String> probes,
    List<String> components,
    List<String> unreached,
    List<String> reachedOnce,
    List<Group> indistinguishable,
    Map<String, Integer> learnedTraces,
    List<ProbeEntry> every,
    Map<String, List<String>> outsideSuite) {

  public record Group(List<String> members, List<String> probes, String splitBy) {}

  /**
   * One probe as the audit sees it.
   *
   * @param inSuite whether triage runs it first
   * @param learnedTraces how many healthy traces its footprint is learned from
   * @param footprint component → share of those traces that touched it
   */
  public record ProbeEntry(
      String name, boolean inSuite, int learnedTraces, Map<String, Double> footprint) {}

  /**
   * The warnings for probes that may really write: every probe with {@code read_only: false} whose
   * runs the system never answered with the tracer-bullet header (the client kit's {@code
   * Sextant-Tracer-Bullet: rolled-back}), or that is sent without the tracer-bullet flag.
   */
  public static List<String> writeWarnings(List<Probe> probes, FootprintBook book) {
    List<String> out = new ArrayList<>();
    for (Probe p : probes) {
      if (p.readOnly()) {
        continue;
      }
      if (!p.tracerBullet()) {
        out.add(
            "probe "
                + p.name()
                + " writes (read_only: false) and is sent without the tracer-bullet flag"
                + " (tracer_bullet: false): its runs really write");
      } else if (book.rolledBack(p.name()) == 0) {
        int runs = book.runs(p.name());
        out.add(
            "probe "
                + p.name()
                + " writes (read_only: false) but the system never said it rolled back a tracer"
                + " bullet: its runs may really write ("
                + (runs == 0
                    ? "it has not run yet"
                    : "none of its "
                        + runs
                        + " recent runs was answered "
                        + ProbeRunner.ROLLED_BACK_HEADER
                        + ": "
                        + ProbeRunner.ROLLED_BACK)
                + ")");
      }
    }
    return out;
  }

  /**
   * Audits a suite given the observed components and the footprints (probe → component → w).
   *
   * @param suite the probes triage runs first
   * @param catalogue every probe, suite or not, that may split a group
   */
  public static Audit of(
      Set<String> suite,
      Set<String> catalogue,
      Set<String> observed,
      Map<String, Map<String, Double>> footprints,
      Map<String, Integer> learned,
      double touch) {
    Set<String> components = new TreeSet<>(observed);
    footprints
        .values()
        .forEach(
            f ->
                f.forEach(
                    (c, w) -> {
                      if (w >= touch) {
                        components.add(c);
                      }
                    }));
    List<String> unreached = new ArrayList<>();
    List<String> once = new ArrayList<>();
    Map<String, List<String>> bySignature = new TreeMap<>();
    for (String c : components) {
      List<String> sig = new ArrayList<>();
      for (String p : new TreeSet<>(suite)) {
        if (footprints.getOrDefault(p, Map.of()).getOrDefault(c, 0.0) >= touch) {
          sig.add(p);
        }
      }
      if (sig.isEmpty()) {
        unreached.add(c);
        continue;
      }
      if (sig.size() == 1) {
        once.add(c);
      }
      bySignature.computeIfAbsent(String.join(",", sig), k -> new ArrayList<>()).add(c);
    }
    List<Group> groups = new ArrayList<>();
    bySignature.forEach(
        (sig, members) -> {
          if (members.size() > 1) {
            String split = null;
            for (String p : new TreeSet<>(catalogue)) {
              long in =
                  members.stream()
                      .filter(
                          c -> footprints.getOrDefault(p, Map.of()).getOrDefault(c, 0.0) >= touch)
                      .count();
              if (in > 0 && in < members.size()) {
                split = p;
                break;
              }
            }
            groups.add(new Group(members, List.of(sig.split(",")), split));
          }
        });
    List<ProbeEntry> every = new ArrayList<>();
    for (String p : new TreeSet<>(catalogue)) {
      every.add(
          new ProbeEntry(
              p,
              suite.contains(p),
              learned.getOrDefault(p, 0),
              new TreeMap<>(footprints.getOrDefault(p, Map.of()))));
    }
    Map<String, List<String>> outside = new TreeMap<>();
    for (String c : unreached) {
      for (String p : new TreeSet<>(catalogue)) {
        if (!suite.contains(p)
            && footprints.getOrDefault(p, Map.of()).getOrDefault(c, 0.0) >= touch) {
          outside.computeIfAbsent(c, k -> new ArrayList<>()).add(p);
        }
      }
    }
    return new Audit(
        List.copyOf(new TreeSet<>(suite)),
        List.copyOf(components),
        unreached,
        once,
        groups,
        learned,
        every,
        outside);
  }
}
