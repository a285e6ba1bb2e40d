package io.sextant.triage.session;

import io.sextant.triage.rank.ProbeOutcome;
import io.sextant.triage.trace.TraceAnalysis;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What probe runs showed.
 *
 * @param outcomes probe → its runs' pass/fail (only the probes that ran)
 * @param failed the failing runs' traces that could be read, with their probes
 * @param currentPaths probe → per failing or slow run, component → critical-path ms
 * @param slowCalls databases, caches and queues whose calls in these runs' traces took far longer
 *     than their own healthy calls
 * @param passed the passing runs' traces that could be read: errors inside them were hidden from
 *     the caller (a retry, a fallback)
 */
public record ProbeEvidence(
    Map<String, ProbeOutcome> outcomes,
    List<Traced> failed,
    Map<String, List<Map<String, Double>>> currentPaths,
    Set<String> slowCalls,
    List<Traced> passed) {
  /** No runs. */
  public static final ProbeEvidence NONE =
      new ProbeEvidence(Map.of(), List.of(), Map.of(), Set.of(), List.of());

  /** One run's trace, with its probe. */
  public record Traced(String probe, TraceAnalysis trace) {}

  public ProbeEvidence {
    outcomes = Map.copyOf(outcomes);
    failed = List.copyOf(failed);
    currentPaths = Map.copyOf(currentPaths);
    slowCalls = Set.copyOf(slowCalls);
    passed = List.copyOf(passed);
  }

  /** Without passing runs' traces. */
  public ProbeEvidence(
      Map<String, ProbeOutcome> outcomes,
      List<Traced> failed,
      Map<String, List<Map<String, Double>>> currentPaths,
      Set<String> slowCalls) {
    this(outcomes, failed, currentPaths, slowCalls, List.of());
  }

  /** Without slow calls. */
  public ProbeEvidence(
      Map<String, ProbeOutcome> outcomes,
      List<Traced> failed,
      Map<String, List<Map<String, Double>>> currentPaths) {
    this(outcomes, failed, currentPaths, Set.of(), List.of());
  }

  /** Whether it holds nothing. */
  public boolean isEmpty() {
    return outcomes.isEmpty()
        && failed.isEmpty()
        && currentPaths.isEmpty()
        && slowCalls.isEmpty()
        && passed.isEmpty();
  }

  /** The failing runs' traces. */
  public List<TraceAnalysis> failingTraces() {
    return failed.stream().map(Traced::trace).toList();
  }

  /** This and {@code more}: outcomes of the same probe added up, traces and paths appended. */
  public ProbeEvidence plus(ProbeEvidence more) {
    Map<String, ProbeOutcome> o = new LinkedHashMap<>(outcomes);
    more.outcomes.forEach((p, x) -> o.merge(p, x, ProbeOutcome::plus));
    List<Traced> t = new ArrayList<>(failed);
    t.addAll(more.failed);
    Map<String, List<Map<String, Double>>> paths = new HashMap<>();
    currentPaths.forEach((p, l) -> paths.put(p, new ArrayList<>(l)));
    more.currentPaths.forEach((p, l) -> paths.computeIfAbsent(p, k -> new ArrayList<>()).addAll(l));
    Set<String> slow = new TreeSet<>(slowCalls);
    slow.addAll(more.slowCalls);
    List<Traced> ok = new ArrayList<>(passed);
    ok.addAll(more.passed);
    return new ProbeEvidence(o, t, paths, slow, ok);
  }
}
