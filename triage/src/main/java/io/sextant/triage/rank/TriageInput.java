package io.sextant.triage.rank;

import io.sextant.triage.trace.TraceAnalysis;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the ranking reads, gathered by the caller from probes, stored traces, health checks
 * and change events (or by the simulator in bench/triage).
 *
 * @param footprints probe → component → w, the share of the probe's healthy traces touching it
 * @param outcomes probe → what its runs showed now (only the probes that ran)
 * @param failingTraces failing probe traces, for the deepest error spans
 * @param baselinePaths probe or root operation → per healthy trace, component → critical-path ms
 * @param currentPaths the same key → per trace now (the failing or slow ones)
 * @param production production requests in the window, for the spectrum score
 * @param priors component → prior evidence (absent means none)
 * @param productionFailures failing production traces in the window, for the deepest error spans
 *     too (they weigh a third when probe traces also failed: the window may hold older trouble)
 * @param slowDependencies databases, caches and queues whose calls in production are now far slower
 *     than in healthy traces (a pool that ran out in front of one is its victim)
 * @param answering components whose own health check passed during this triage: they answer now (a
 *     pool that ran out in front of a database that answers, and is not slow, leaked)
 * @param anomalies symptoms beside the probes' pass/fail ({@link Anomaly}): errors hidden inside
 *     probe traces that answered right, a process burning far more CPU than usual
 * @param maskedTraces probe traces that answered right but hold errors (a retry or a fallback hid
 *     them), for the deepest error spans
 * @param waiting services that answer their health check now but report a part of it down or
 *     hanging → what those parts cover (a service whose check finds its database hanging is waiting
 *     on it: a call to it that timed out is the database's)
 */
public record TriageInput(
    Map<String, Map<String, Double>> footprints,
    Map<String, ProbeOutcome> outcomes,
    List<TraceAnalysis> failingTraces,
    Map<String, List<Map<String, Double>>> baselinePaths,
    Map<String, List<Map<String, Double>>> currentPaths,
    List<Execution> production,
    Map<String, Prior> priors,
    List<TraceAnalysis> productionFailures,
    Set<String> slowDependencies,
    Set<String> answering,
    List<Anomaly> anomalies,
    List<TraceAnalysis> maskedTraces,
    Map<String, Set<String>> waiting) {
  public TriageInput {
    footprints = Map.copyOf(footprints);
    outcomes = Map.copyOf(outcomes);
    failingTraces = List.copyOf(failingTraces);
    baselinePaths = Map.copyOf(baselinePaths);
    currentPaths = Map.copyOf(currentPaths);
    production = List.copyOf(production);
    priors = Map.copyOf(priors);
    productionFailures = List.copyOf(productionFailures);
    slowDependencies = Set.copyOf(slowDependencies);
    answering = Set.copyOf(answering);
    anomalies = List.copyOf(anomalies);
    maskedTraces = List.copyOf(maskedTraces);
    waiting = Map.copyOf(waiting);
  }

  /** Without anomalies. */
  public TriageInput(
      Map<String, Map<String, Double>> footprints,
      Map<String, ProbeOutcome> outcomes,
      List<TraceAnalysis> failingTraces,
      Map<String, List<Map<String, Double>>> baselinePaths,
      Map<String, List<Map<String, Double>>> currentPaths,
      List<Execution> production,
      Map<String, Prior> priors,
      List<TraceAnalysis> productionFailures,
      Set<String> slowDependencies,
      Set<String> answering) {
    this(
        footprints,
        outcomes,
        failingTraces,
        baselinePaths,
        currentPaths,
        production,
        priors,
        productionFailures,
        slowDependencies,
        answering,
        List.of(),
        List.of(),
        Map.of());
  }

  /** Without failing production traces, slow dependencies or health checks. */
  public TriageInput(
      Map<String, Map<String, Double>> footprints,
      Map<String, ProbeOutcome> outcomes,
      List<TraceAnalysis> failingTraces,
      Map<String, List<Map<String, Double>>> baselinePaths,
      Map<String, List<Map<String, Double>>> currentPaths,
      List<Execution> production,
      Map<String, Prior> priors) {
    this(
        footprints,
        outcomes,
        failingTraces,
        baselinePaths,
        currentPaths,
        production,
        priors,
        List.of(),
        Set.of(),
        Set.of());
  }

  public TriageInput withOutcomes(Map<String, ProbeOutcome> more) {
    return new TriageInput(
        footprints,
        more,
        failingTraces,
        baselinePaths,
        currentPaths,
        production,
        priors,
        productionFailures,
        slowDependencies,
        answering,
        anomalies,
        maskedTraces,
        waiting);
  }

  public TriageInput withAnomalies(List<Anomaly> more) {
    return new TriageInput(
        footprints,
        outcomes,
        failingTraces,
        baselinePaths,
        currentPaths,
        production,
        priors,
        productionFailures,
        slowDependencies,
        answering,
        more,
        maskedTraces,
        waiting);
  }
}
