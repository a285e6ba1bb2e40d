package io.sextant.bench.triage;

import io.sextant.bench.triage.Fault.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The fault grid of one system (RCAEval's shape, triage-methods §7): every service fault kind × the
 * service targets × repetitions, database faults × the database targets, host-down × every host,
 * two simultaneous faults, and no-fault and flaky-probe controls. Seeded: the same seed gives the
 * same cases.
 */
final class Grid {
  /** What to run. */
  record Spec(int reps, int controls, int pairs) {
    static final Spec FULL = new Spec(2, 15, 15);
  }

  static final List<Kind> SERVICE_KINDS =
      List.of(
          Kind.DOWN,
          Kind.HUNG,
          Kind.ERROR_RATE,
          Kind.LATENCY,
          Kind.RESET,
          Kind.CPU_HOG,
          Kind.BAD_DEPLOY);

  private Grid() {}

  static List<Case> of(
      Topology sys,
      List<String> services,
      List<String> backends,
      List<Kind> kinds,
      Spec spec,
      long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Case> out = new ArrayList<>();
    for (Kind k : kinds) {
      if (!SERVICE_KINDS.contains(k)) {
        continue;
      }
      for (String target : services) {
        for (int r = 0; r < spec.reps(); r++) {
          Fault f = serviceFault(sys, k, target, rng);
          out.add(single(out.size(), sys, k.label, f, rng));
        }
      }
    }
    for (Kind k : List.of(Kind.DB_DOWN, Kind.DB_SLOW)) {
      if (!kinds.contains(k)) {
        continue;
      }
      for (String b : backends) {
        boolean broker = sys.backends.get(b).system().equals("kafka");
        if (broker && k == Kind.DB_SLOW) {
          continue;
        }
        for (int r = 0; r < spec.reps(); r++) {
          Fault f =
              k == Kind.DB_SLOW
                  ? new Fault(k, b, null, 1, 100 + 500 * rng.nextDouble())
                  : Fault.of(k, b);
          out.add(single(out.size(), sys, k.label, f, rng));
        }
      }
    }
    if (kinds.contains(Kind.HOST_DOWN)) {
      for (String h : sys.hosts()) {
        for (int r = 0; r < spec.reps(); r++) {
          out.add(single(out.size(), sys, Kind.HOST_DOWN.label, Fault.of(Kind.HOST_DOWN, h), rng));
        }
      }
    }
    List<String> pool = new ArrayList<>(services);
    pool.addAll(
        backends.stream().filter(b -> !sys.backends.get(b).system().equals("kafka")).toList());
    for (int i = 0; i < spec.pairs(); i++) {
      String a = pool.get(rng.nextInt(pool.size()));
      String b = a;
      while (b.equals(a)) {
        b = pool.get(rng.nextInt(pool.size()));
      }
      List<Fault> fs = List.of(pairFault(sys, a, rng), pairFault(sys, b, rng));
      out.add(
          new Case(
              out.size(),
              "two faults",
              fs,
              List.of(sys.id(a), sys.id(b)),
              decoy(sys, fs, rng),
              false,
              rng.nextLong()));
    }
    for (boolean flaky : new boolean[] {false, true}) {
      for (int i = 0; i < spec.controls(); i++) {
        out.add(
            new Case(
                out.size(),
                flaky ? "flaky probe" : "no fault",
                List.of(),
                List.of(),
                decoy(sys, List.of(), rng),
                flaky,
                rng.nextLong()));
      }
    }
    return out;
  }

  private static Case single(int index, Topology sys, String label, Fault f, SplittableRandom rng) {
    return new Case(
        index,
        label,
        List.of(f),
        List.of(sys.id(f.target())),
        decoy(sys, List.of(f), rng),
        false,
        rng.nextLong());
  }

  static Fault serviceFault(Topology sys, Kind k, String target, SplittableRandom rng) {
    return switch (k) {
      case ERROR_RATE -> new Fault(k, target, null, 0.3 + 0.4 * rng.nextDouble(), 0);
      case RESET -> new Fault(k, target, null, 0.3 + 0.3 * rng.nextDouble(), 0);
      case LATENCY -> new Fault(k, target, null, 1, 100 + 500 * rng.nextDouble());
      case BAD_DEPLOY -> {
        List<String> eps =
            sys.endpoints(target).stream().filter(e -> !e.endsWith("/healthz")).toList();
        yield new Fault(k, target, eps.get(rng.nextInt(eps.size())), 1, 0);
      }
      default -> Fault.of(k, target);
    };
  }

  private static Fault pairFault(Topology sys, String target, SplittableRandom rng) {
    if (sys.backends.containsKey(target)) {
      return Fault.of(Kind.DB_DOWN, target);
    }
    Kind[] kinds = {Kind.DOWN, Kind.HUNG, Kind.ERROR_RATE};
    return serviceFault(sys, kinds[rng.nextInt(kinds.length)], target, rng);
  }

  /** In a quarter of the cases an innocent service was deployed recently too. */
  private static String decoy(Topology sys, List<Fault> faults, SplittableRandom rng) {
    if (rng.nextDouble() >= 0.25) {
      return null;
    }
    List<String> innocent =
        sys.services.keySet().stream()
            .filter(s -> faults.stream().noneMatch(f -> f.target().equals(s)))
            .toList();
    return innocent.get(rng.nextInt(innocent.size()));
  }
}
