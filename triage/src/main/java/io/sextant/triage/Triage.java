package io.sextant.triage;

import io.sextant.model.Event;
import io.sextant.model.StatusCode;
import io.sextant.model.TraceId;
import io.sextant.query.Engine;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.TimeRange;
import io.sextant.topology.ChangeLog;
import io.sextant.topology.health.HealthResult;
import io.sextant.triage.probe.Probe;
import io.sextant.triage.probe.ProbeEvents;
import io.sextant.triage.probe.ProbeRun;
import io.sextant.triage.probe.ProbeRunner;
import io.sextant.triage.probe.ProbeSuite;
import io.sextant.triage.rank.Execution;
import io.sextant.triage.rank.ProbeOutcome;
import io.sextant.triage.rank.Ranker;
import io.sextant.triage.rank.Ranking;
import io.sextant.triage.session.ProbeDriver;
import io.sextant.triage.session.ProbeEvidence;
import io.sextant.triage.session.TriageSession;
import io.sextant.triage.trace.KnownCalls;
import io.sextant.triage.trace.ShortCircuit;
import io.sextant.triage.trace.TraceAnalysis;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Triangulation (docs/adr/0011-triage.md): runs the probes on their schedules and learns their
 * footprints from the traces of healthy runs; on demand runs the suite now, gathers the failing
 * traces, production traces, health checks and changes, ranks the suspects, and runs the most
 * informative extra probes while the answer is ambiguous.
 */
public final class Triage implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Triage.class);

  /** How long after a run its spans are expected to have been exported and stored. */
  static final Duration LEARN_DELAY = Duration.ofSeconds(3);

  private final ProbeSuite suite;
  private final EventStore store;
  private final Evidence evidence;
  private final Consumer<List<Event>> sink;
  private final Supplier<List<HealthResult>> health;
  private final ChangeLog changes;
  private final Clock clock;
  private final Options options;
  private final ProbeRunner runner;
  private final Ranker ranker = new Ranker();
  private final FootprintBook book;
  private final Map<String, ProbeRun> latest = new ConcurrentHashMap<>();
  private final ScheduledExecutorService scheduler =
      Executors.newScheduledThreadPool(1, Thread.ofVirtual().name("probe-scheduler").factory());

  /**
   * @param repeats how many times triage runs each suite probe
   * @param traceWait how long triage waits for the failing runs' spans to be stored
   * @param budget the time after which no extra probe is started
   * @param maxExtra at most this many extra probe runs
   * @param productionWindow how far back production traces are read
   * @param warmup rounds of the whole suite run at start, a second apart, to learn footprints
   */
  public record Options(
      int repeats,
      Duration traceWait,
      Duration budget,
      int maxExtra,
      Duration productionWindow,
      int warmup) {
    public static final Options DEFAULTS =
        new Options(
            2, Duration.ofMillis(2500), Duration.ofSeconds(7), 4, Duration.ofSeconds(20), 3);
  }

  /**
   * @param health checks every health target now and answers what each said (called once per
   *     triage, at its start, beside the probes)
   */
  public Triage(
      ProbeSuite suite,
      EventStore store,
      Engine engine,
      Consumer<List<Event>> sink,
      Supplier<List<HealthResult>> health,
      ChangeLog changes,
      Clock clock,
      Options options) {
    this(suite, new FootprintBook(), store, engine, sink, health, changes, clock, options);
  }

  /**
   * As above, with what was learned so far: a durable book ({@link DurableBook}), or the book of
   * the triage this one replaces when the probe suite is reloaded.
   */
  public Triage(
      ProbeSuite suite,
      FootprintBook book,
      EventStore store,
      Engine engine,
      Consumer<List<Event>> sink,
      Supplier<List<HealthResult>> health,
      ChangeLog changes,
      Clock clock,
      Options options) {
    this.book = book;
    this.suite = suite;
    this.store = store;
    this.evidence = new Evidence(engine, store);
    this.sink = sink;
    this.health = health;
    this.changes = changes;
    this.clock = clock;
    this.options = options;
    this.runner = new ProbeRunner(clock);
  }

  /** Schedules every probe that has a schedule; each runs once at once, then on its period. */
  public Triage start() {
    for (int i = 1; i < options.warmup(); i++) {
      scheduler.schedule(
          () -> {
            try {
              runProbes(suite.probes(), 1);
            } catch (RuntimeException e) {
              log.warn("warm-up probes could not run: {}", e.toString());
            }
          },
          i,
          TimeUnit.SECONDS);
    }
    for (Probe p : suite.probes()) {
      if (p.every() != null) {
        long period = p.every().toMillis();
        scheduler.scheduleAtFixedRate(() -> scheduled(p), 0, period, TimeUnit.MILLISECONDS);
      }
    }
    return this;
  }

  private void scheduled(Probe p) {
    try {
      runProbes(List.of(p), 1);
    } catch (RuntimeException e) {
      log.warn("probe {} could not run: {}", p.name(), e.toString());
    }
  }

  public ProbeSuite suite() {
    return suite;
  }

  public FootprintBook footprints() {
    return book;
  }

  public Map<String, ProbeRun> latest() {
    return latest;
  }

  /**
   * Runs the named probes now, {@code repeats} times each; stores the results as events, records
   * them, and learns from the traces of the runs that passed once they are stored.
   */
  public List<ProbeRun> runProbes(List<Probe> probes, int repeats) {
    return recorded(runner.runAll(probes, repeats));
  }

  /**
   * Triage's own runs of the suite: {@code repeats} waves of every probe at once, each wave {@link
   * #WAVE_GAP} after the one before it started (not after it ended: a probe that times out would
   * double the suite's time), recorded as {@link #runProbes} records them.
   */
  private List<ProbeRun> runWaves(List<Probe> probes, int repeats) {
    return recorded(runner.runWaves(probes, repeats, WAVE_GAP));
  }

  /** The gap between the starts of triage's waves of the suite. */
  static final Duration WAVE_GAP = Duration.ofMillis(500);

  private List<ProbeRun> recorded(List<ProbeRun> runs) {
    List<Event> events = new ArrayList<>();
    for (ProbeRun r : runs) {
      Probe p = suite.get(r.probe());
      events.add(ProbeEvents.of(r, p));
      latest.put(r.probe(), r);
      book.record(r); // pass/fail, latency, trace id, and whether the system rolled it back
      if (r.passed()) {
        scheduler.schedule(() -> learn(r), LEARN_DELAY.toMillis(), TimeUnit.MILLISECONDS);
      } else if (ShortCircuit.quickEnough(r.durationMillis(), book.medianLatency(r.probe()))) {
        scheduler.schedule(
            () -> checkShortCircuit(r), LEARN_DELAY.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
    try {
      sink.accept(events);
    } catch (RuntimeException e) {
      log.warn("probe results could not be stored: {}", e.toString());
    }
    return runs;
  }

  private void learn(ProbeRun r) {
    try {
      List<Event> trace = store.trace(TraceId.fromHex(r.traceId()));
      if (!trace.isEmpty()) {
        book.learn(r.probe(), trace);
      }
    } catch (StoreException | RuntimeException e) {
      log.warn("the trace of probe {} could not be read: {}", r.probe(), e.toString());
    }
  }

  /**
   * A failed run that its entry service answered without calling anything (a breaker open, as for a
   * minute after an incident) is not the probe's flakiness ({@link FootprintBook#shortCircuited}).
   */
  private void checkShortCircuit(ProbeRun r) {
    if (!book.unmarkedFailure(r.probe(), r.traceId())) {
      return; // marked already: a triage found it short-circuited, or explained it
    }
    List<Event> trace = storedTrace(r);
    if (!trace.isEmpty()
        && ShortCircuit.of(
            trace,
            book.footprint(r.probe()),
            ranker.settings().touch(),
            book.medianLatency(r.probe()))) {
      book.shortCircuited(r.probe(), r.traceId());
    }
  }

  /** Whether every suite probe has at least {@code n} healthy traces learned. */
  public boolean ready(int n) {
    return suite.suite().stream().allMatch(p -> book.healthyTraces(p.name()) >= n);
  }

  /** Waits (at most {@code within}) until {@link #ready}{@code (n)}; whether it came. */
  public boolean awaitReady(int n, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!ready(n) && System.nanoTime() < deadline) {
      Thread.sleep(250);
    }
    return ready(n);
  }

  /**
   * Runs every probe, every half second, until one round passes entirely (a system recovering from
   * a fault: pools reconnect, timeouts drain), at most {@code within}; whether it did.
   */
  public boolean awaitAllPassing(Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (runProbes(suite.probes(), 1).stream().allMatch(ProbeRun::passed)) {
        return true;
      }
      Thread.sleep(500);
    }
    return false;
  }

  /** Triage now. */
  public TriageReport triage(int repeats, boolean adaptive) throws StoreException {
    long t0 = System.nanoTime();
    long started = clock.millis() * 1_000_000L;
    List<String> notes = new ArrayList<>();
    List<Probe> first = suite.suite();
    List<Probe> unlearned = first.stream().filter(p -> book.healthyTraces(p.name()) == 0).toList();
    if (!unlearned.isEmpty()) {
      notes.add(
          "No healthy trace learned yet for "
              + String.join(", ", unlearned.stream().map(Probe::name).toList())
              + ": their footprints are unknown, so they cannot point at a component.");
    }
    Map<String, Double> flakes = new HashMap<>();
    Map<String, Double> cost = new HashMap<>();
    for (Probe p : suite.probes()) {
      flakes.put(p.name(), book.flakeRate(p.name())); // before this triage's own runs
      cost.put(p.name(), book.cost(p.name()));
    }
    // The health checks answer now, while the probes run: a reading from before the fault would
    // vouch for a component that has just broken.
    CompletableFuture<List<HealthResult>> healthNow =
        CompletableFuture.supplyAsync(health, r -> Thread.ofVirtual().start(r));
    Map<String, Map<String, Double>> footprints = book.footprints();
    Driver driver = new Driver(flakes, footprints);
    GatheredEvidence gathered =
        new GatheredEvidence(
            book,
            evidence,
            changes,
            clock,
            options.productionWindow(),
            ranker.settings().touch(),
            healthNow);
    TriageSession.Result result =
        new TriageSession(ranker, driver, gathered)
            .run(
                new TriageSession.Catalogue(
                    first.stream().map(Probe::name).toList(),
                    footprints.keySet(),
                    flakes,
                    cost,
                    footprints),
                new TriageSession.Limits(
                    repeats,
                    adaptive,
                    options.maxExtra(),
                    () -> System.nanoTime() - t0 >= options.budget().toNanos()));
    Ranking ranking = result.ranking();
    if (driver.shortCircuitNote() != null) {
      notes.add(driver.shortCircuitNote());
    }
    if (ranking.fault() && !ranking.suspects().isEmpty()) {
      // The failures the answer explains are the incident's, not the probes' flakiness.
      List<String> top = ranking.suspects().get(0).members();
      driver.byProbe.forEach(
          (p, rs) -> {
            Map<String, Double> f = footprints.getOrDefault(p, Map.of());
            if (top.stream().anyMatch(c -> f.getOrDefault(c, 0.0) >= ranker.settings().touch())) {
              book.explain(p, rs.stream().map(ProbeRun::traceId).toList());
            }
          });
    }
    List<TriageReport.ProbeSummary> summaries = new ArrayList<>();
    Set<String> firstNames = new HashSet<>();
    first.forEach(p -> firstNames.add(p.name()));
    Map<String, ProbeOutcome> finalOutcomes = result.input().outcomes();
    driver.byProbe.forEach(
        (p, rs) -> {
          ProbeOutcome o =
              finalOutcomes.getOrDefault(
                  p,
                  new ProbeOutcome(
                      p,
                      rs.size(),
                      (int) rs.stream().filter(r -> !r.passed()).count(),
                      flakes.getOrDefault(p, book.flakeRate(p)),
                      List.of(),
                      List.of()));
          summaries.add(
              new TriageReport.ProbeSummary(
                  p,
                  o.runs(),
                  o.failures(),
                  !o.failed(),
                  o.reasons(),
                  rs.stream().map(ProbeRun::traceId).toList(),
                  rs.stream().map(ProbeRun::durationMillis).toList(),
                  !firstNames.contains(p),
                  o.flakeRate()));
        });
    return new TriageReport(
        started, (System.nanoTime() - t0) / 1_000_000, summaries, ranking, result.extra(), notes);
  }

  /**
   * Runs the probes of one triage against the system: the suite's runs with their failing traces
   * (waited for), an extra run with its outcome alone (its trace would cost the time it saves).
   */
  private final class Driver implements ProbeDriver {
    final Map<String, List<ProbeRun>> byProbe = new LinkedHashMap<>();
    private final Map<String, Double> flakes;
    private final Map<String, Map<String, Double>> footprints;
    private final Set<String> shortCircuited = new TreeSet<>();

    /** Extra runs that passed, whose traces were not stored yet when they ended. */
    private final List<ProbeRun> unreadPassing = new ArrayList<>();

    /** The probe started beside the wait for the suite's traces, and its run (null once taken). */
    private String earlyProbe;

    private CompletableFuture<List<ProbeRun>> earlyRun;

    Driver(Map<String, Double> flakes, Map<String, Map<String, Double>> footprints) {
      this.flakes = flakes;
      this.footprints = footprints;
    }

    @Override
    public ProbeEvidence suite(List<String> probes, int repeats) {
      return suite(probes, repeats, outcomes -> null);
    }

    /**
     * The suite; the probe {@code early} names from its outcomes starts at once, beside the wait
     * for the suite's traces.
     */
    @Override
    public ProbeEvidence suite(
        List<String> probes, int repeats, Function<Map<String, ProbeOutcome>, String> early) {
      List<ProbeRun> runs = degraded(runWaves(probes.stream().map(suite::get).toList(), repeats));
      String guess = early.apply(outcomes(runs));
      Probe p = guess == null ? null : suite.get(guess);
      if (p != null) {
        earlyProbe = guess;
        earlyRun =
            CompletableFuture.supplyAsync(
                () -> degraded(runProbes(List.of(p), 1)), r -> Thread.ofVirtual().start(r));
      }
      return evidence(runs, false);
    }

    @Override
    public ProbeEvidence extra(String probe) {
      if (probe.equals(earlyProbe) && earlyRun != null) {
        List<ProbeRun> runs = takeEarly();
        if (!runs.isEmpty()) {
          return evidence(runs, true);
        }
      }
      return evidence(degraded(runProbes(List.of(suite.get(probe)), 1)), true);
    }

    /** The early run's runs, once (none when it could not run). */
    private List<ProbeRun> takeEarly() {
      CompletableFuture<List<ProbeRun>> f = earlyRun;
      earlyRun = null;
      try {
        return f.join();
      } catch (RuntimeException e) {
        log.warn("the early run of probe {} failed: {}", earlyProbe, e.toString());
        return List.of();
      }
    }

    /**
     * The runs' evidence: their outcomes, and their traces. A failing run that its entry service
     * answered without calling anything ({@link ShortCircuit}: a breaker open) did not exercise its
     * footprint: it is left out of the outcomes. The passing runs' traces are read too, for errors
     * a retry or a fallback hid from the probe; one wait covers the failing ones and the passing
     * ones not stored yet or holding an error (its deeper spans may still be on their way). An
     * extra run that failed too slowly to have short-circuited counts by its outcome alone: waiting
     * for its trace would cost the time the run saves (the suite's failing traces tell where errors
     * start). An extra run that passed counts by its outcome at once; its trace, when not stored
     * clean yet, is read at the end ({@link #late}), one wait for all of them.
     */
    private ProbeEvidence evidence(List<ProbeRun> runs, boolean extra) {
      KnownCalls known = book.known();
      List<ProbeRun> failingRead =
          runs.stream()
              .filter(r -> !r.passed())
              .filter(
                  r ->
                      !extra
                          || ShortCircuit.quickEnough(
                              r.durationMillis(), book.medianLatency(r.probe())))
              .toList();
      List<ProbeRun> passing = runs.stream().filter(ProbeRun::passed).toList();
      Map<String, List<Event>> traces = new HashMap<>();
      List<ProbeRun> pending = new ArrayList<>(failingRead);
      for (ProbeRun r : passing) {
        List<Event> t = storedTrace(r);
        if (t.isEmpty() || t.stream().anyMatch(e -> e.status() == StatusCode.ERROR)) {
          (extra ? unreadPassing : pending).add(r);
        } else {
          traces.put(r.traceId(), t);
        }
      }
      traces.putAll(awaitTraces(pending));
      List<ProbeEvidence.Traced> failingTraces = new ArrayList<>();
      Map<String, List<Map<String, Double>>> current = new HashMap<>();
      Set<String> slowCalls = new TreeSet<>();
      Set<String> shorted = new HashSet<>();
      for (ProbeRun r : failingRead) {
        List<Event> t = traces.get(r.traceId());
        if (t == null || t.isEmpty()) {
          continue;
        }
        if (ShortCircuit.of(
            t,
            footprints.getOrDefault(r.probe(), Map.of()),
            ranker.settings().touch(),
            book.medianLatency(r.probe()))) {
          shorted.add(r.traceId());
          shortCircuited.add(r.probe());
          book.shortCircuited(r.probe(), r.traceId());
          continue;
        }
        TraceAnalysis a = TraceAnalysis.of(t, known);
        failingTraces.add(new ProbeEvidence.Traced(r.probe(), a));
        current.computeIfAbsent(r.probe(), k -> new ArrayList<>()).add(a.criticalPathMillis());
        slowCalls.addAll(known.slowCalls(t));
      }
      runs.forEach(r -> byProbe.computeIfAbsent(r.probe(), k -> new ArrayList<>()).add(r));
      Map<String, ProbeOutcome> outcomes =
          outcomes(runs.stream().filter(r -> !shorted.contains(r.traceId())).toList());
      return new ProbeEvidence(
          outcomes, failingTraces, current, slowCalls, readable(passing, traces, known));
    }

    /** Each probe's outcome over {@code runs}, in the order the probes first ran. */
    private Map<String, ProbeOutcome> outcomes(List<ProbeRun> runs) {
      Map<String, List<ProbeRun>> byName = new LinkedHashMap<>();
      runs.forEach(r -> byName.computeIfAbsent(r.probe(), k -> new ArrayList<>()).add(r));
      Map<String, ProbeOutcome> out = new LinkedHashMap<>();
      byName.forEach((p, rs) -> out.put(p, outcome(p, rs, flakes)));
      return out;
    }

    /**
     * The early run the session did not ask for, and the extra runs' passing traces that were not
     * stored when their runs ended, waited for.
     */
    @Override
    public ProbeEvidence late() {
      // A run started early that the session did not ask for still ran during the incident.
      ProbeEvidence out = earlyRun == null ? ProbeEvidence.NONE : evidence(takeEarly(), true);
      if (unreadPassing.isEmpty()) {
        return out;
      }
      List<ProbeEvidence.Traced> passed =
          readable(unreadPassing, awaitTraces(unreadPassing), book.known());
      unreadPassing.clear();
      return out.plus(new ProbeEvidence(Map.of(), List.of(), Map.of(), Set.of(), passed));
    }

    private static List<ProbeEvidence.Traced> readable(
        List<ProbeRun> runs, Map<String, List<Event>> traces, KnownCalls known) {
      List<ProbeEvidence.Traced> out = new ArrayList<>();
      for (ProbeRun r : runs) {
        List<Event> t = traces.get(r.traceId());
        if (t != null && !t.isEmpty()) {
          out.add(new ProbeEvidence.Traced(r.probe(), TraceAnalysis.of(t, known)));
        }
      }
      return out;
    }

    /** The note for the runs left out, or null. */
    String shortCircuitNote() {
      return shortCircuited.isEmpty()
          ? null
          : "Failing runs of "
              + String.join(", ", shortCircuited)
              + " were answered by their entry service without calling anything (a circuit"
              + " breaker open?): they say nothing about what is behind it and are left out.";
    }
  }

  /**
   * The runs as triage reads them: a run that kept its contract but was far slower than its probe
   * usually is counts as failing too (a latency fault under the SLA still points somewhere), judged
   * against the runs beside it ({@link LatencyRule}): when every probe is slower (a neighbour takes
   * the CPU), none is failing for it.
   */
  private List<ProbeRun> degraded(List<ProbeRun> runs) {
    Map<ProbeRun, Double> load = LatencyRule.loads(runs, book::usualLatency);
    List<ProbeRun> out = new ArrayList<>();
    for (ProbeRun r : runs) {
      String slow =
          r.passed() ? LatencyRule.slow(book, r.probe(), r.durationMillis(), load.get(r)) : null;
      out.add(
          slow == null
              ? r
              : new ProbeRun(
                  r.probe(),
                  r.startUnixNano(),
                  false,
                  slow,
                  r.status(),
                  r.durationMillis(),
                  r.traceId()));
    }
    return out;
  }

  private ProbeOutcome outcome(String probe, List<ProbeRun> rs, Map<String, Double> flakes) {
    int failures = (int) rs.stream().filter(r -> !r.passed()).count();
    List<String> reasons =
        rs.stream().filter(r -> !r.passed()).map(ProbeRun::reason).distinct().toList();
    return new ProbeOutcome(
        probe,
        rs.size(),
        failures,
        flakes.getOrDefault(probe, book.flakeRate(probe)),
        reasons,
        rs.stream().map(ProbeRun::traceId).toList());
  }

  /**
   * The system's part of the run's trace as stored now; empty when none of it is (or it cannot be
   * read). The probe's own result event carries the trace id and is stored as the run ends: counted
   * as part of the trace, it made a trace whose spans had not arrived look stored (and settled), so
   * a breaker's refusal read as a failure with no span in it.
   */
  private List<Event> storedTrace(ProbeRun r) {
    try {
      return store.trace(TraceId.fromHex(r.traceId())).stream()
          .filter(e -> !ProbeEvents.SERVICE.equals(e.serviceName()))
          .toList();
    } catch (StoreException | IllegalArgumentException e) {
      return List.of();
    }
  }

  /**
   * Waits (at most {@link Options#traceWait}) for the runs' spans to be stored: until the traces of
   * the first 12 have spans and two looks 300 ms apart found no more; then reads the others once.
   */
  private Map<String, List<Event>> awaitTraces(List<ProbeRun> failing) {
    Map<String, List<Event>> out = new HashMap<>();
    if (failing.isEmpty()) {
      return out;
    }
    List<ProbeRun> sample = failing.size() > 12 ? failing.subList(0, 12) : failing;
    long deadline = System.nanoTime() + options.traceWait().toNanos();
    Map<String, Integer> lastCount = new HashMap<>();
    int stableLooks = 0;
    while (true) {
      boolean settled = true;
      for (ProbeRun r : sample) {
        List<Event> t = storedTrace(r);
        out.put(r.traceId(), t);
        Integer before = lastCount.put(r.traceId(), t.size());
        if (t.isEmpty() || before == null || before != t.size()) {
          settled = false;
        }
      }
      // Each service exports on its own schedule: settled once two looks in a row found no more.
      stableLooks = settled ? stableLooks + 1 : 0;
      if (stableLooks >= 2 || System.nanoTime() > deadline) {
        // The runs past the sample were exported with it: one look each (a run whose trace was
        // never read counted as failing for what it did not show, a breaker's refusal included).
        for (ProbeRun r : failing) {
          out.computeIfAbsent(r.traceId(), id -> storedTrace(r));
        }
        return out;
      }
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return out;
      }
    }
  }

  /** Production requests of the last {@code window} (sampled), for baselines and tools. */
  public List<Execution> production(Duration window) throws StoreException {
    long now = clock.millis() * 1_000_000L;
    return evidence.production(
        new TimeRange(now - window.toNanos(), now), book.addresses(), Set.of(ProbeEvents.SERVICE));
  }

  /**
   * The footprint of every entry operation seen in production over the last {@code window}
   * (operation → component → share of its traces).
   */
  public Map<String, Map<String, Double>> entryFootprints(Duration window) throws StoreException {
    long now = clock.millis() * 1_000_000L;
    return evidence.entryFootprints(
        new TimeRange(now - window.toNanos(), now), book.addresses(), Set.of(ProbeEvents.SERVICE));
  }

  /**
   * The suite audit over what the footprints have learned, against the components production
   * touched in the last 15 minutes.
   */
  public Audit audit() throws StoreException {
    Set<String> observed = new HashSet<>();
    for (var e : production(Duration.ofMinutes(15))) {
      observed.addAll(e.components());
    }
    Set<String> inSuite = new HashSet<>();
    Set<String> all = new HashSet<>();
    for (Probe p : suite.probes()) {
      all.add(p.name());
      if (p.inSuite()) {
        inSuite.add(p.name());
      }
    }
    Map<String, Integer> learned = new TreeMap<>();
    for (Probe p : suite.probes()) {
      learned.put(p.name(), book.healthyTraces(p.name()));
    }
    return Audit.of(inSuite, all, observed, book.footprints(), learned, ranker.settings().touch());
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
