package io.sextant.triage;

import io.sextant.model.Event;
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
import io.sextant.triage.session.TriageSession;
import io.sextant.triage.trace.ShortCircuit;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
  List<ProbeRun> runWaves(List<Probe> probes, int repeats) {
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
    List<Event> trace = SuiteDriver.storedTrace(store, r);
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
    SuiteDriver driver =
        new SuiteDriver(
            this,
            suite,
            book,
            store,
            ranker.settings().touch(),
            options.traceWait(),
            flakes,
            footprints);
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
