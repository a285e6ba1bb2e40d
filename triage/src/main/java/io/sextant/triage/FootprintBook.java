package io.sextant.triage;

import io.sextant.model.Event;
import io.sextant.triage.probe.ProbeRun;
import io.sextant.triage.probe.ProbeRunner;
import io.sextant.triage.trace.KnownCalls;
import io.sextant.triage.trace.TraceAnalysis;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What triage has learned about each probe from its healthy runs (triage-methods §6.1): the
 * components its traces touch (the footprint, w = share of its recent healthy traces touching
 * each), the critical-path self time of those traces (the latency baseline), and its pass/fail
 * history (the flake rate). Also which service answers at each address, so a call that never
 * reached its callee still names it.
 *
 * <p>It lives in memory and is made durable through the store ({@link DurableBook}): it is rebuilt
 * from the stored probe results and their traces when Sextant starts, and what cannot be rebuilt
 * from them (the marks that keep failed runs out of the flake rate) is written to its {@link
 * Journal} as it happens.
 */
public final class FootprintBook {
  static final int KEEP_TRACES = 20;
  static final int KEEP_RUNS = 60;

  private final Map<String, Deque<TraceAnalysis>> healthy = new HashMap<>();
  private final Map<String, List<Run>> history = new HashMap<>();
  private final Map<String, Deque<Double>> latencies = new HashMap<>();
  private final KnownCalls known = new KnownCalls();
  private final Set<String> passedSinceStart = new HashSet<>();
  private final Map<String, Integer> rolledBack = new HashMap<>();
  private volatile Journal journal = (probe, traceId, why) -> {};

  /** Where the book writes the marks it sets on failed runs, to find them again after a restart. */
  @FunctionalInterface
  public interface Journal {
    /**
     * The failed run {@code traceId} of {@code probe} no longer counts as flakiness, {@code why}:
     * {@link #INCIDENT}, {@link #SHORT_CIRCUIT} or {@link #STARTING}.
     */
    void marked(String probe, String traceId, String why);
  }

  /** A triage named the fault behind the failure ({@link #explain}). */
  public static final String INCIDENT = "incident";

  /**
   * The probe had not passed yet since Sextant started: the system may still have been starting.
   */
  public static final String STARTING = "starting";

  /**
   * Its entry service answered without calling anything ({@link
   * io.sextant.triage.trace.ShortCircuit}: a circuit breaker open, often for a minute after an
   * incident): the failure is the breaker's, not the probe's own flakiness.
   */
  public static final String SHORT_CIRCUIT = "short-circuit";

  /** Writes the marks set from now on to {@code journal}. */
  public FootprintBook journal(Journal journal) {
    this.journal = journal;
    return this;
  }

  /** Learns from the trace of a run that passed. */
  public synchronized void learn(String probe, List<Event> trace) {
    known.learn(trace);
    TraceAnalysis a = TraceAnalysis.of(trace, known);
    if (a.components().isEmpty()) {
      return;
    }
    Deque<TraceAnalysis> d = healthy.computeIfAbsent(probe, k -> new ArrayDeque<>());
    d.addLast(a);
    while (d.size() > KEEP_TRACES) {
      d.removeFirst();
    }
  }

  /**
   * Learns from a stored trace of a run that passed before the book was rebuilt: it goes before the
   * traces learned since, and only while fewer than {@link #KEEP_TRACES} are kept.
   */
  synchronized void learnEarlier(String probe, List<Event> trace) {
    known.learn(trace);
    TraceAnalysis a = TraceAnalysis.of(trace, known);
    if (a.components().isEmpty()) {
      return;
    }
    Deque<TraceAnalysis> d = healthy.computeIfAbsent(probe, k -> new ArrayDeque<>());
    if (d.size() < KEEP_TRACES) {
      d.addFirst(a);
    }
  }

  /** Records a run: its pass/fail, its latency when it passed, and whether it was rolled back. */
  public synchronized void record(ProbeRun r) {
    if (!r.passed() && ProbeRunner.INTERRUPTED.equals(r.reason())) {
      return; // cut short by Sextant itself (stopping, or reloading the suite): says nothing
    }
    if (r.rolledBack()) {
      rolledBack.merge(r.probe(), 1, Integer::sum);
    }
    record(r.probe(), r.passed(), r.durationMillis(), r.traceId());
  }

  /**
   * How many of the probe's runs the system answered with the tracer-bullet header, saying it
   * rolled their writes back (since the book was rebuilt: over the stored window and since).
   */
  public synchronized int rolledBack(String probe) {
    return rolledBack.getOrDefault(probe, 0);
  }

  /** How many of the probe's runs the history holds (at most {@link #KEEP_RUNS}). */
  public synchronized int runs(String probe) {
    return history.getOrDefault(probe, List.of()).size();
  }

  /** Records a scheduled or triage run's pass/fail and, when it passed, its latency. */
  public synchronized void record(String probe, boolean passed, double millis) {
    record(probe, passed, millis, null);
  }

  /** The same, remembering the run by its trace id (see {@link #explain}). */
  public synchronized void record(String probe, boolean passed, double millis, String traceId) {
    if (passed) {
      Deque<Double> l = latencies.computeIfAbsent(probe, k -> new ArrayDeque<>());
      l.addLast(millis);
      while (l.size() > KEEP_RUNS) {
        l.removeFirst();
      }
    }
    add(probe, new Run(mark(probe, passed, traceId), traceId));
  }

  /**
   * PASS, or FAIL; or STARTING for a failure before the probe's first pass since the book was made
   * or rebuilt (Sextant started with, or before, the system: its failures until it first passes are
   * the system starting, or an incident already under way, never flakiness).
   */
  private Mark mark(String probe, boolean passed, String traceId) {
    if (passed) {
      passedSinceStart.add(probe);
      return Mark.PASS;
    }
    if (passedSinceStart.contains(probe)) {
      return Mark.FAIL;
    }
    if (traceId != null) {
      journal(probe, traceId, STARTING);
    }
    return Mark.STARTING;
  }

  private void journal(String probe, String traceId, String why) {
    try {
      journal.marked(probe, traceId, why);
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(FootprintBook.class)
          .warn("the mark on a run of probe {} could not be stored: {}", probe, e.toString());
    }
  }

  /**
   * Records a stored run while the book is rebuilt, before any live one: marked as it was ({@code
   * why} from the journal, or null), and a failure before the probe's first stored pass as {@link
   * #STARTING} (what came before the stored window is unknown).
   */
  synchronized void recordEarlier(
      String probe,
      boolean passed,
      double millis,
      String traceId,
      boolean wasRolledBack,
      String why) {
    if (wasRolledBack) {
      rolledBack.merge(probe, 1, Integer::sum);
    }
    if (passed) {
      Deque<Double> l = latencies.computeIfAbsent(probe, k -> new ArrayDeque<>());
      l.addLast(millis);
      while (l.size() > KEEP_RUNS) {
        l.removeFirst();
      }
    }
    List<Run> h = history.getOrDefault(probe, List.of());
    boolean passedBefore = h.stream().anyMatch(r -> r.mark() == Mark.PASS);
    Mark m;
    if (passed) {
      m = Mark.PASS;
    } else if (INCIDENT.equals(why) || SHORT_CIRCUIT.equals(why)) {
      m = Mark.EXPLAINED;
    } else if (STARTING.equals(why) || !passedBefore) {
      m = Mark.STARTING;
    } else {
      m = Mark.FAIL;
    }
    add(probe, new Run(m, traceId));
  }

  /**
   * Forgets everything learned about these probes (their request changed, or they are gone): their
   * footprints, latencies and history. What the book learned of addresses and calls stays.
   */
  public synchronized void forget(Collection<String> probes) {
    for (String p : probes) {
      healthy.remove(p);
      history.remove(p);
      latencies.remove(p);
      rolledBack.remove(p);
      passedSinceStart.remove(p);
    }
  }

  /**
   * The median latency of the probe's recent passing runs once there are five to judge by ({@link
   * LatencyRule}), else NaN.
   */
  public synchronized double usualLatency(String probe) {
    Deque<Double> l = latencies.get(probe);
    return l == null || l.size() < 5 ? Double.NaN : medianLatency(probe);
  }

  /** The median latency of the probe's recent passing runs, or NaN before any. */
  public synchronized double medianLatency(String probe) {
    Deque<Double> l = latencies.get(probe);
    if (l == null || l.isEmpty()) {
      return Double.NaN;
    }
    double[] sorted = l.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return sorted[sorted.length / 2];
  }

  /** Records a run's pass/fail. */
  public synchronized void record(String probe, boolean passed) {
    add(probe, new Run(mark(probe, passed, null), null));
  }

  private void add(String probe, Run run) {
    List<Run> d = history.computeIfAbsent(probe, k -> new ArrayList<>());
    d.add(run);
    while (d.size() > KEEP_RUNS) {
      d.remove(0);
    }
  }

  /**
   * Marks the probe's failed runs with these trace ids as explained by a fault triage found: the
   * unbroken run of failures they belong to was an incident, not flakiness, and stays out of the
   * flake rate once the probe passes again.
   */
  public synchronized void explain(String probe, Collection<String> traceIds) {
    mark(probe, traceIds, INCIDENT);
  }

  /**
   * Marks the probe's failed run {@code traceId} as short-circuited ({@link #SHORT_CIRCUIT}): like
   * an explained one, it stays out of the flake rate with the unbroken run of failures it is in.
   */
  public synchronized void shortCircuited(String probe, String traceId) {
    mark(probe, List.of(traceId), SHORT_CIRCUIT);
  }

  /** Whether the probe's run {@code traceId} is a failure that nothing has marked (yet). */
  synchronized boolean unmarkedFailure(String probe, String traceId) {
    return history.getOrDefault(probe, List.of()).stream()
        .anyMatch(r -> r.mark() == Mark.FAIL && traceId.equals(r.traceId()));
  }

  private void mark(String probe, Collection<String> traceIds, String why) {
    List<Run> d = history.getOrDefault(probe, List.of());
    for (int i = 0; i < d.size(); i++) {
      Run r = d.get(i);
      if (r.mark() == Mark.FAIL && r.traceId() != null && traceIds.contains(r.traceId())) {
        d.set(i, new Run(Mark.EXPLAINED, r.traceId()));
        journal(probe, r.traceId(), why);
      }
    }
  }

  /** probe → component → share of its healthy traces that touched the component. */
  public synchronized Map<String, Map<String, Double>> footprints() {
    Map<String, Map<String, Double>> out = new TreeMap<>();
    healthy.forEach((probe, traces) -> out.put(probe, footprint(traces)));
    return out;
  }

  public synchronized Map<String, Double> footprint(String probe) {
    Deque<TraceAnalysis> d = healthy.get(probe);
    return d == null ? Map.of() : footprint(d);
  }

  private static Map<String, Double> footprint(Deque<TraceAnalysis> traces) {
    Map<String, Double> w = new TreeMap<>();
    for (TraceAnalysis t : traces) {
      for (String c : t.components()) {
        w.merge(c, 1.0, Double::sum);
      }
    }
    // counted, then divided: six sixths make exactly 1
    w.replaceAll((c, v) -> Math.min(1.0, v / traces.size()));
    return w;
  }

  /**
   * Component → the share of the probe's recent healthy traces (runs that passed) holding a root
   * error span there: errors the system usually hides from this probe (a 404 it expects, a fallback
   * it always takes), which say nothing about a fault.
   */
  public synchronized Map<String, Double> usualErrors(String probe, Set<String> leaveOut) {
    Deque<TraceAnalysis> d = healthy.get(probe);
    if (d == null || d.isEmpty()) {
      return Map.of();
    }
    Map<String, Double> out = new TreeMap<>();
    int n = 0;
    for (TraceAnalysis t : d) {
      if (leaveOut.contains(t.traceId())) {
        continue; // this triage's own runs, learned meanwhile: they are the evidence
      }
      n++;
      new HashSet<>(t.errorOrigins()).forEach(c -> out.merge(c, 1.0, Double::sum));
    }
    final int kept = n;
    out.replaceAll((c, k) -> k / kept);
    return out;
  }

  public synchronized int healthyTraces(String probe) {
    Deque<TraceAnalysis> d = healthy.get(probe);
    return d == null ? 0 : d.size();
  }

  /** The critical-path self time of each recent healthy trace of the probe. */
  public synchronized List<Map<String, Double>> baselinePaths(String probe) {
    List<Map<String, Double>> out = new ArrayList<>();
    for (TraceAnalysis t : healthy.getOrDefault(probe, new ArrayDeque<>())) {
      out.add(t.criticalPathMillis());
    }
    return out;
  }

  /**
   * α: (failures + 1) / (runs + 2) over the recent history, leaving out the failures at its end (an
   * unbroken run of failures up to now is the incident being triaged, not flakiness), every
   * unbroken run of failures a triage explained ({@link #explain}) or that holds a short-circuited
   * failure ({@link #shortCircuited}), and every one that began before the probe's first pass since
   * Sextant started (the system starting, see {@link #STARTING}).
   */
  public synchronized double flakeRate(String probe) {
    List<Mark> h = history.getOrDefault(probe, List.of()).stream().map(Run::mark).toList();
    int end = h.size();
    while (end > 0 && h.get(end - 1) != Mark.PASS) {
      end--;
    }
    int runs = 0;
    int failures = 0;
    int i = 0;
    while (i < end) {
      if (h.get(i) == Mark.PASS) {
        runs++;
        i++;
        continue;
      }
      int j = i;
      boolean explained = false;
      while (j < end && h.get(j) != Mark.PASS) {
        explained |= h.get(j) == Mark.EXPLAINED || h.get(j) == Mark.STARTING;
        j++;
      }
      if (!explained) {
        runs += j - i;
        failures += j - i;
      }
      i = j;
    }
    return (failures + 1.0) / (runs + 2.0);
  }

  private record Run(Mark mark, String traceId) {}

  private enum Mark {
    PASS,
    FAIL,
    EXPLAINED,
    STARTING
  }

  public Map<String, String> addresses() {
    return known.addresses();
  }

  /** The addresses and the operations' dependencies learned from healthy runs. */
  public KnownCalls known() {
    return known;
  }

  /** The median latency of the probe's recent healthy traces, in seconds (its cost). */
  public synchronized double cost(String probe) {
    double[] d =
        healthy.getOrDefault(probe, new ArrayDeque<>()).stream()
            .mapToDouble(t -> t.durationNanos() / 1e9)
            .sorted()
            .toArray();
    return d.length == 0 ? 1.0 : Math.max(0.05, d[d.length / 2]);
  }

  public synchronized Map<String, Integer> learned() {
    Map<String, Integer> out = new LinkedHashMap<>();
    healthy.forEach((p, d) -> out.put(p, d.size()));
    return out;
  }
}
