package io.sextant.triage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A probe-suite audit (triage-methods §4): the components no probe reaches, the ones only one probe
 * reaches (a flaky probe then hides them), and the groups of components with identical probe
 * signatures, which pass/fail alone can never tell apart, each with a catalogue probe that would
 * split it if there is one.
 */
public record Audit(
    List<String> probes,
    List<String> components,
    List<String> unreached,
    List<String> reachedOnce,
    List<Group> indistinguishable,
    Map<String, Integer> learnedTraces) {

  public record Group(List<String> members, List<String> probes, String splitBy) {}

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
    return new Audit(
        List.copyOf(new TreeSet<>(suite)),
        List.copyOf(components),
        unreached,
        once,
        groups,
        learned);
  }
}
