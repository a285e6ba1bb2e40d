package io.sextant.bench.triage;

import io.sextant.demo.Demo;
import io.sextant.demo.DemoConfig;
import io.sextant.demo.fault.FaultKind;
import io.sextant.query.Aggregate;
import io.sextant.query.Calculation;
import io.sextant.query.Engine;
import io.sextant.query.Engines;
import io.sextant.query.Filter;
import io.sextant.query.Op;
import io.sextant.query.Question;
import io.sextant.store.spi.TimeRange;
import io.sextant.topology.ComponentIds;
import io.sextant.triage.Triage;
import io.sextant.triage.TriageReport;
import io.sextant.triage.probe.Probe;
import io.sextant.triage.probe.ProbeSuite;
import io.sextant.triage.rank.Ranker;
import io.sextant.triage.rank.Ranking;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The triage evaluation on the running demo (bench/triage/demo-grid.sh): every fault kind × five
 * targets × repetitions, plus no-fault controls, each triaged right after the fault is injected;
 * with a random baseline, Ochiai over production traces and a BARO-style robust z-score over
 * per-service RED in the same run. Prints one table per fault kind and the pooled line.
 */
public final class DemoGrid {
  /** A case: a fault (null kind: a no-fault control) and the component that is to blame. */
  record Case(FaultKind kind, String target, int percent, int millis) {}

  /** What one method answered for one case: its ranking (component ids, best first). */
  record Answer(List<List<String>> groups, boolean fault) {}

  static final Map<FaultKind, List<String>> TARGETS = new LinkedHashMap<>();

  static {
    TARGETS.put(
        FaultKind.DOWN, List.of("payments-db", "inventory", "cache", "voting", "search-db"));
    TARGETS.put(
        FaultKind.HUNG, List.of("catalog-db", "payments", "comments-db", "moderation", "assets"));
    TARGETS.put(
        FaultKind.ERROR_RATE, List.of("inventory", "comments", "photos", "cart", "shipping"));
    TARGETS.put(
        FaultKind.LATENCY, List.of("search-db", "payments-db", "assets", "voting-db", "checkout"));
    TARGETS.put(
        FaultKind.RESETS,
        List.of("cart-db", "moderation-db", "recommendations", "photos-db", "identity-db"));
    TARGETS.put(FaultKind.BAD_DEPLOY, List.of("checkout", "cart", "comments", "catalog", "voting"));
    TARGETS.put(FaultKind.HOST_DOWN, List.of("node-2", "node-3", "node-4", "node-5", "node-6"));
    TARGETS.put(
        FaultKind.CPU_HOG, List.of("search", "catalog", "recommendations", "voting", "assets"));
    TARGETS.put(
        FaultKind.POOL_EXHAUSTION, List.of("cart", "payments", "voting", "photos", "inventory"));
  }

  public static void main(String[] args) throws Exception {
    int reps = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int controls = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int flaky = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    Set<String> kinds = args.length > 3 ? Set.of(args[3].split(",")) : Set.of();
    Path dir = Files.createTempDirectory("sextant-grid");
    List<Case> cases = new ArrayList<>();
    for (int r = 0; r < reps; r++) {
      for (Map.Entry<FaultKind, List<String>> e : TARGETS.entrySet()) {
        if (!kinds.isEmpty() && !kinds.contains(e.getKey().label())) {
          continue;
        }
        for (String t : e.getValue()) {
          int percent =
              e.getKey() == FaultKind.ERROR_RATE || e.getKey() == FaultKind.RESETS ? 50 : 0;
          int millis =
              e.getKey() == FaultKind.LATENCY ? 1500 : e.getKey() == FaultKind.CPU_HOG ? 500 : 0;
          cases.add(new Case(e.getKey(), t, percent, millis));
        }
      }
    }
    for (int i = 0; i < controls; i++) {
      cases.add(i * (cases.size() / Math.max(1, controls)), new Case(null, null, 0, 0));
    }
    Random random = new Random(42);
    try (Demo demo = Demo.start(DemoConfig.forTests(dir).withRate(20))) {
      demo.pollHealth(); // as `sextant demo` does
      Triage triage = demo.sextant().triage();
      Engine engine = Engines.of(demo.sextant().store());
      triage.awaitReady(5, Duration.ofSeconds(90));
      Thread.sleep(15_000); // a baseline of production traffic
      List<String> components =
          new ArrayList<>(
              new TreeMap<>(triage.footprints().footprints())
                  .values().stream()
                      .flatMap(f -> f.keySet().stream())
                      .distinct()
                      .sorted()
                      .toList());
      Map<String, List<Row>> rows = new LinkedHashMap<>();
      int n = 0;
      for (Case c : cases) {
        n++;
        String kind = c.kind() == null ? "no-fault" : c.kind().label();
        if (c.kind() != null) {
          demo.faults().add(c.kind(), c.target(), c.percent(), c.millis(), 0);
        }
        long t0 = System.nanoTime();
        long injectedNanos = System.currentTimeMillis() * 1_000_000L;
        TriageReport report = triage.triage(2, true);
        long ttl = (System.nanoTime() - t0) / 1_000_000;
        Ranking k = report.ranking();
        Answer ours =
            new Answer(k.suspects().stream().map(Ranking.Suspect::members).toList(), k.fault());
        Answer ochiai = ranked(Ranker.ochiai(triage.production(Duration.ofSeconds(6))));
        Answer baro = baro(engine, injectedNanos);
        List<String> shuffled = new ArrayList<>(components);
        Collections.shuffle(shuffled, random);
        Answer rnd = new Answer(shuffled.stream().map(List::of).toList(), true);
        int probes = report.probes().stream().mapToInt(TriageReport.ProbeSummary::runs).sum();
        rows.computeIfAbsent(kind, x -> new ArrayList<>())
            .add(new Row(c, ours, ochiai, baro, rnd, ttl, probes, k.analysisMillis(), stated(k)));
        System.out.printf(
            Locale.ROOT,
            "%3d/%d %-16s %-14s → %s (%d ms)%n",
            n,
            cases.size(),
            kind,
            c.target() == null ? "" : c.target(),
            k.fault() ? k.top() : "no fault",
            ttl);
        if (c.kind() != null && (!k.fault() || flatRank(ours, c.target()) != 1)) {
          System.out.println("      " + k.headline()); // a miss: why, in the ranking's words
          k.explanation().stream().limit(4).forEach(l -> System.out.println("        " + l));
        }
        demo.faults().clearAll();
        triage.awaitAllPassing(Duration.ofSeconds(30));
        if (n % 50 == 0 && n < cases.size()) {
          System.out.println("after " + n + " cases:");
          print(rows);
        }
      }
      if (flaky > 0) {
        flakyControls(demo, flaky, rows);
      }
      print(rows);
    }
  }

  /**
   * Flaky-probe controls: the suite again, with the search probe's latency limit at its own median
   * latency, so it fails about half its runs with nothing wrong; triage learns that (its flake
   * rate) and should still answer "no fault".
   */
  static void flakyControls(Demo demo, int n, Map<String, List<Row>> rows) throws Exception {
    Triage before = demo.sextant().triage();
    for (int i = 0; i < 20; i++) {
      before.runProbes(List.of(before.suite().get("search")), 1); // its latency, warmed up
    }
    double median = before.footprints().medianLatency("search");
    ProbeSuite suite = Demo.probes(demo.gatewayUrl());
    List<Probe> probes = new ArrayList<>();
    for (Probe p : suite.probes()) {
      probes.add(
          !p.name().equals("search")
              ? p
              : new Probe(
                  p.name(),
                  p.method(),
                  p.url(),
                  p.headers(),
                  p.body(),
                  p.tester(),
                  new Probe.Contract(
                      p.contract().status(), Math.max(1, Math.round(median)), p.contract().json()),
                  p.readOnly(),
                  p.tracerBullet(),
                  Duration.ofSeconds(5),
                  p.timeout(),
                  p.inSuite()));
    }
    Triage triage = demo.sextant().startTriage(new ProbeSuite(probes));
    triage.awaitReady(3, Duration.ofSeconds(90));
    Thread.sleep(30_000); // the flaky probe's history: it runs every 5 s
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      TriageReport report = triage.triage(2, true);
      long ttl = (System.nanoTime() - t0) / 1_000_000;
      Ranking k = report.ranking();
      Answer ours =
          new Answer(k.suspects().stream().map(Ranking.Suspect::members).toList(), k.fault());
      int runs = report.probes().stream().mapToInt(TriageReport.ProbeSummary::runs).sum();
      String searchResult =
          report.probes().stream()
              .filter(p -> p.name().equals("search"))
              .map(p -> p.failures() + "/" + p.runs())
              .findFirst()
              .orElse("?");
      System.out.printf(
          Locale.ROOT,
          "flaky %2d/%d search failed %s → %s (%d ms)%n",
          i + 1,
          n,
          searchResult,
          k.fault() ? k.top() : "no fault",
          ttl);
      rows.computeIfAbsent("flaky probe", x -> new ArrayList<>())
          .add(
              new Row(
                  new Case(null, null, 0, 0),
                  ours,
                  ours,
                  ours,
                  ours,
                  ttl,
                  runs,
                  k.analysisMillis(),
                  stated(k)));
      Thread.sleep(2000);
    }
  }

  record Row(
      Case c,
      Answer ours,
      Answer ochiai,
      Answer baro,
      Answer random,
      long ttl,
      int probes,
      double analysis,
      double stated) {}

  /** The confidence an answer states: its first suspect's probability, or that of no fault. */
  static double stated(Ranking k) {
    return k.fault() && !k.suspects().isEmpty()
        ? k.suspects().get(0).probability()
        : k.noFaultProbability();
  }

  static Answer ranked(Map<String, Double> scores) {
    return new Answer(
        scores.entrySet().stream()
            .sorted(Map.Entry.comparingByValue(Comparator.reverseOrder()))
            .map(e -> List.of(e.getKey()))
            .toList(),
        !scores.isEmpty());
  }

  /**
   * BARO-style: per service, error rate and p95 of server spans since the fault vs. six 10-s
   * windows before it; score = max over the two of (x − median) / IQR.
   */
  static Answer baro(Engine engine, long since) throws Exception {
    long now = System.currentTimeMillis() * 1_000_000L;
    Map<String, double[]> current = red(engine, new TimeRange(since, now));
    Map<String, List<double[]>> base = new HashMap<>();
    for (int i = 1; i <= 6; i++) {
      long to = since - (i - 1) * 10_000_000_000L - 20_000_000_000L;
      red(engine, new TimeRange(to - 10_000_000_000L, to))
          .forEach((s, v) -> base.computeIfAbsent(s, x -> new ArrayList<>()).add(v));
    }
    Map<String, Double> score = new HashMap<>();
    current.forEach(
        (s, v) -> {
          List<double[]> b = base.getOrDefault(s, List.of());
          double z = 0;
          for (int m = 0; m < 2; m++) {
            final int mm = m;
            double[] xs = b.stream().mapToDouble(a -> a[mm]).sorted().toArray();
            if (xs.length == 0) {
              continue;
            }
            double med = xs[xs.length / 2];
            double iqr = xs[(3 * xs.length) / 4] - xs[xs.length / 4];
            z = Math.max(z, (v[m] - med) / (iqr + (m == 0 ? 0.01 : 1.0)));
          }
          score.put(s, z);
        });
    return ranked(score);
  }

  /** service → {error rate, p95 ms} of its server spans (probe traffic excluded). */
  static Map<String, double[]> red(Engine engine, TimeRange range) throws Exception {
    Filter server =
        Filter.and(
            Filter.Predicate.of("kind", Op.EQ, "span"),
            Filter.Predicate.of("span.kind", Op.EQ, "server"));
    Map<String, double[]> out = new HashMap<>();
    for (List<Object> row :
        engine
            .run(
                Question.over(range)
                    .where(server)
                    .by("service.name")
                    .calculate(Calculation.count(), Calculation.of(Aggregate.P95, "duration"))
                    .build())
            .rows()) {
      out.put((String) row.get(0), new double[] {0, ((Number) row.get(2)).doubleValue() / 1e6});
    }
    for (List<Object> row :
        engine
            .run(
                Question.over(range)
                    .where(Filter.and(server, Filter.Predicate.of("error", Op.EQ, true)))
                    .by("service.name")
                    .build())
            .rows()) {
      double[] v = out.get((String) row.get(0));
      if (v != null) {
        v[0] = ((Number) row.get(1)).doubleValue();
      }
    }
    for (List<Object> row :
        engine.run(Question.over(range).where(server).by("service.name").build()).rows()) {
      double[] v = out.get((String) row.get(0));
      if (v != null) {
        v[0] = v[0] / Math.max(1, ((Number) row.get(1)).doubleValue());
      }
    }
    return out;
  }

  /** The rank (1-based) of the first group containing a component named by {@code target}. */
  static int rank(Answer a, String target) {
    for (int i = 0; i < a.groups().size(); i++) {
      for (String c : a.groups().get(i)) {
        if (ComponentIds.known(c).matches(target)) {
          return i + 1;
        }
      }
    }
    return Integer.MAX_VALUE;
  }

  /** The rank counting every member of the groups before it (ties broken against us). */
  static int flatRank(Answer a, String target) {
    int seen = 0;
    for (List<String> g : a.groups()) {
      for (String c : g) {
        if (ComponentIds.known(c).matches(target)) {
          return seen + g.size();
        }
      }
      seen += g.size();
    }
    return Integer.MAX_VALUE;
  }

  static void print(Map<String, List<Row>> rows) {
    System.out.println();
    System.out.println(
        "| fault kind | cases | ours AC@1 | AC@3 | Avg@5 | group AC@1 | top-group size | false loc. | TTL p50 / p95 ms | probes | analysis ms | Ochiai-prod AC@1 / AC@3 | BARO AC@1 / AC@3 | random AC@1 / AC@3 |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    List<Row> all = new ArrayList<>();
    rows.forEach(
        (kind, rs) -> {
          all.addAll(rs);
          System.out.println(line(kind, rs));
        });
    System.out.println(
        line("**all faults**", all.stream().filter(r -> r.c().kind() != null).toList()));
    Calibration cal = new Calibration();
    for (Row r : all) {
      boolean right =
          r.c().kind() == null
              ? !r.ours().fault()
              : r.ours().fault()
                  && !r.ours().groups().isEmpty()
                  && ComponentIds.known(r.ours().groups().get(0).get(0)).matches(r.c().target());
      cal.add(r.stated(), right);
    }
    System.out.println();
    System.out.println(
        "Calibration (first suspect's stated probability; \"no fault\" on controls):");
    System.out.println();
    System.out.print(cal.table());
  }

  static String line(String kind, List<Row> rs) {
    List<Row> faults = rs.stream().filter(r -> r.c().kind() != null).toList();
    List<Row> controls = rs.stream().filter(r -> r.c().kind() == null).toList();
    long[] ttl = rs.stream().mapToLong(Row::ttl).sorted().toArray();
    String ttlText =
        ttl.length == 0
            ? "–"
            : ttl[(int) Math.floor(0.5 * (ttl.length - 1))]
                + " / "
                + ttl[(int) Math.ceil(0.95 * (ttl.length - 1))];
    double probes = rs.stream().mapToInt(Row::probes).average().orElse(0);
    double analysis = rs.stream().mapToDouble(Row::analysis).average().orElse(0);
    if (faults.isEmpty()) {
      double falseLoc =
          controls.stream().filter(r -> r.ours().fault()).count() / (double) controls.size();
      return String.format(
          Locale.ROOT,
          "| %s | %d | – | – | – | – | – | %.2f | %s | %.1f | %.1f | – | – | – |",
          kind,
          controls.size(),
          falseLoc,
          ttlText,
          probes,
          analysis);
    }
    double ac1 = ac(faults, Row::ours, 1, true);
    double ac3 = ac(faults, Row::ours, 3, true);
    double avg5 = 0;
    for (int k = 1; k <= 5; k++) {
      avg5 += ac(faults, Row::ours, k, true) / 5;
    }
    double group1 =
        faults.stream().filter(r -> r.ours().fault() && rank(r.ours(), r.c().target()) == 1).count()
            / (double) faults.size();
    double size =
        faults.stream()
            .mapToInt(r -> r.ours().groups().isEmpty() ? 0 : r.ours().groups().get(0).size())
            .average()
            .orElse(0);
    return String.format(
        Locale.ROOT,
        "| %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f | – | %s | %.1f | %.1f | %.2f / %.2f | %.2f / %.2f | %.2f / %.2f |",
        kind,
        faults.size(),
        ac1,
        ac3,
        avg5,
        group1,
        size,
        ttlText,
        probes,
        analysis,
        ac(faults, Row::ochiai, 1, false),
        ac(faults, Row::ochiai, 3, false),
        ac(faults, Row::baro, 1, false),
        ac(faults, Row::baro, 3, false),
        ac(faults, Row::random, 1, false),
        ac(faults, Row::random, 3, false));
  }

  /** AC@k: the share of cases whose target is within the first k components (ties against us). */
  static double ac(List<Row> rs, Function<Row, Answer> method, int k, boolean needsFault) {
    long hit =
        rs.stream()
            .filter(
                r -> {
                  Answer a = method.apply(r);
                  return (!needsFault || a.fault()) && flatRank(a, r.c().target()) <= k;
                })
            .count();
    return hit / (double) rs.size();
  }
}
