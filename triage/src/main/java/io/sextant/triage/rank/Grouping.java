package io.sextant.triage.rank;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which suspects the probes cannot tell apart: components with the same probe signature form one
 * group, unless the traces single one out; and which probe would split them.
 */
final class Grouping {
  /** How many times the next member's score a group member needs to be reported alone. */
  static final double SPLIT = 1.5;

  private final Settings settings;

  Grouping(Settings settings) {
    this.settings = settings;
  }

  /**
   * @param groups most likely first, each led by its most likely member
   * @param lookAlikes a member reported alone → the members the probes could not tell it from
   */
  record Grouped(List<List<String>> groups, Map<String, List<String>> lookAlikes) {}

  Grouped group(Posterior post, Map<String, Double> fused) {
    List<String> universe = post.components();
    Map<BitSet, List<String>> bySignature = new LinkedHashMap<>();
    List<List<String>> groups = new ArrayList<>();
    for (int c = 0; c < universe.size(); c++) {
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
        Comparator.comparingDouble((List<String> g) -> -probability(g, fused))
            .thenComparing(g -> g.get(0)));
    return new Grouped(groups, lookAlikes);
  }

  /**
   * Whether the probes that ran tell {@code a} from {@code b}: some probe that ran touches one of
   * them and not the other.
   */
  boolean separated(Posterior post, String a, String b) {
    int ia = post.components().indexOf(a);
    int ib = post.components().indexOf(b);
    if (ia < 0 || ib < 0) {
      return true;
    }
    return !post.signature(ia, settings.touch()).equals(post.signature(ib, settings.touch()));
  }

  /**
   * The probes of {@code catalogue} whose footprint holds exactly one of {@code a} and {@code b}.
   */
  List<String> splitters(
      String a, String b, Map<String, Map<String, Double>> footprints, Set<String> catalogue) {
    List<String> out = new ArrayList<>();
    for (String p : new TreeSet<>(catalogue)) {
      Map<String, Double> f = footprints.getOrDefault(p, Map.of());
      boolean ta = f.getOrDefault(a, 0.0) >= settings.touch();
      boolean tb = f.getOrDefault(b, 0.0) >= settings.touch();
      if (ta != tb) {
        out.add(p);
      }
    }
    return out;
  }

  /** A probe (run or not) whose footprint holds some members of the group and not others. */
  String splitBy(List<String> group, TriageInput in) {
    if (group.size() < 2) {
      return null;
    }
    String best = null;
    int bestBalance = Integer.MAX_VALUE;
    for (Map.Entry<String, Map<String, Double>> f : new TreeMap<>(in.footprints()).entrySet()) {
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

  static double probability(List<String> g, Map<String, Double> p) {
    double s = 0;
    for (String c : g) {
      s += p.getOrDefault(c, 0.0);
    }
    return s;
  }
}
