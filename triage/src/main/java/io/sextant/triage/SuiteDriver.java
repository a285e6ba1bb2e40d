package io.sextant.triage;

import io.sextant.model.Event;
import io.sextant.model.StatusCode;
import io.sextant.model.TraceId;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.StoreException;
import io.sextant.triage.probe.Probe;
import io.sextant.triage.probe.ProbeEvents;
import io.sextant.triage.probe.ProbeRun;
import io.sextant.triage.probe.ProbeSuite;
import io.sextant.triage.rank.ProbeOutcome;
import io.sextant.triage.session.ProbeDriver;
import io.sextant.triage.session.ProbeEvidence;
import io.sextant.triage.trace.KnownCalls;
import io.sextant.triage.trace.ShortCircuit;
import io.sextant.triage.trace.TraceAnalysis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the probes of one triage against the system: the suite's runs with their failing traces
 * (waited for), an extra run with its outcome alone (its trace would cost the time it saves).
 */
final class SuiteDriver implements ProbeDriver {
  private static final Logger log = LoggerFactory.getLogger(SuiteDriver.class);

  final Map<String, List<ProbeRun>> byProbe = new LinkedHashMap<>();
  private final Triage triage;
  private final ProbeSuite suite;
  private final FootprintBook book;
  private final EventStore store;
  private final double touch;
  private final Duration traceWait;
  private final Map<String, Double> flakes;
  private final Map<String, Map<String, Double>> footprints;
  private final Set<String> shortCircuited = new TreeSet<>();

  /** Extra runs that passed, whose traces were not stored yet when they ended. */
  private final List<ProbeRun> unreadPassing = new ArrayList<>();

  /** The probe started beside the wait for the suite's traces, and its run (null once taken). */
  private String earlyProbe;

  private CompletableFuture<List<ProbeRun>> earlyRun;

  SuiteDriver(
      Triage triage,
      ProbeSuite suite,
      FootprintBook book,
      EventStore store,
      double touch,
      Duration traceWait,
      Map<String, Double> flakes,
      Map<String, Map<String, Double>> footprints) {
    this.triage = triage;
    this.suite = suite;
    this.book = book;
    this.store = store;
    this.touch = touch;
    this.traceWait = traceWait;
    this.flakes = flakes;
    this.footprints = footprints;
  }

  @Override
  public ProbeEvidence suite(List<String> probes, int repeats) {
    return suite(probes, repeats, outcomes -> null);
  }

  /**
   * The suite; the probe {@code early} names from its outcomes starts at once, beside the wait for
   * the suite's traces.
   */
  @Override
  public ProbeEvidence suite(
      List<String> probes, int repeats, Function<Map<String, ProbeOutcome>, String> early) {
    List<ProbeRun> runs =
        degraded(triage.runWaves(probes.stream().map(suite::get).toList(), repeats));
    String guess = early.apply(outcomes(runs));
    Probe p = guess == null ? null : suite.get(guess);
    if (p != null) {
      earlyProbe = guess;
      earlyRun =
          CompletableFuture.supplyAsync(
              () -> degraded(triage.runProbes(List.of(p), 1)), r -> Thread.ofVirtual().start(r));
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
    return evidence(degraded(triage.runProbes(List.of(suite.get(probe)), 1)), true);
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
   * footprint: it is left out of the outcomes. The passing runs' traces are read too, for errors a
   * retry or a fallback hid from the probe; one wait covers the failing ones and the passing ones
   * not stored yet or holding an error (its deeper spans may still be on their way). An extra run
   * that failed too slowly to have short-circuited counts by its outcome alone: waiting for its
   * trace would cost the time the run saves (the suite's failing traces tell where errors start).
   * An extra run that passed counts by its outcome at once; its trace, when not stored clean yet,
   * is read at the end ({@link #late}), one wait for all of them.
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
      List<Event> t = storedTrace(store, r);
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
          t, footprints.getOrDefault(r.probe(), Map.of()), touch, book.medianLatency(r.probe()))) {
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
  static List<Event> storedTrace(EventStore store, ProbeRun r) {
    try {
      return store.trace(TraceId.fromHex(r.traceId())).stream()
          .filter(e -> !ProbeEvents.SERVICE.equals(e.serviceName()))
          .toList();
    } catch (StoreException | IllegalArgumentException e) {
      return List.of();
    }
  }

  /**
   * Waits (at most {@link Triage.Options#traceWait}) for the runs' spans to be stored: until the
   * traces of the first 12 have spans and two looks 300 ms apart found no more; then reads the
   * others once.
   */
  private Map<String, List<Event>> awaitTraces(List<ProbeRun> failing) {
    Map<String, List<Event>> out = new HashMap<>();
    if (failing.isEmpty()) {
      return out;
    }
    List<ProbeRun> sample = failing.size() > 12 ? failing.subList(0, 12) : failing;
    long deadline = System.nanoTime() + traceWait.toNanos();
    Map<String, Integer> lastCount = new HashMap<>();
    int stableLooks = 0;
    while (true) {
      boolean settled = true;
      for (ProbeRun r : sample) {
        List<Event> t = storedTrace(store, r);
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
          out.computeIfAbsent(r.traceId(), id -> storedTrace(store, r));
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
}
