package io.sextant.triage;

import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.TimeRange;
import io.sextant.topology.Change;
import io.sextant.topology.ChangeLog;
import io.sextant.topology.health.HealthResult;
import io.sextant.triage.probe.ProbeEvents;
import io.sextant.triage.rank.Anomaly;
import io.sextant.triage.rank.Prior;
import io.sextant.triage.rank.TriageInput;
import io.sextant.triage.session.EvidenceSource;
import io.sextant.triage.session.ProbeEvidence;
import io.sextant.triage.trace.KnownCalls;
import io.sextant.triage.trace.TraceAnalysis;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evidence of one triage beside its probe runs, read once (when the suite has run): the
 * footprints and baselines learned, production's last seconds, the health checks polled at the
 * start, and the changes.
 */
final class GatheredEvidence implements EvidenceSource {
  private static final Logger log = LoggerFactory.getLogger(GatheredEvidence.class);

  private final FootprintBook book;
  private final Evidence evidence;
  private final ChangeLog changes;
  private final Clock clock;
  private final Duration productionWindow;
  private final double touch;
  private final CompletableFuture<List<HealthResult>> healthNow;
  private TriageInput base;
  private KnownCalls known;
  private Evidence.CpuUsual cpuUsual = Evidence.CpuUsual.NONE;

  GatheredEvidence(
      FootprintBook book,
      Evidence evidence,
      ChangeLog changes,
      Clock clock,
      Duration productionWindow,
      double touch,
      CompletableFuture<List<HealthResult>> healthNow) {
    this.book = book;
    this.evidence = evidence;
    this.changes = changes;
    this.clock = clock;
    this.productionWindow = productionWindow;
    this.touch = touch;
    this.healthNow = healthNow;
  }

  @Override
  public TriageInput input(ProbeEvidence probes) {
    if (base == null) {
      try {
        base = gather();
      } catch (StoreException e) {
        throw new IllegalStateException("triage could not read the store: " + e.getMessage(), e);
      }
    }
    Map<String, List<Map<String, Double>>> baseline = new HashMap<>();
    probes.currentPaths().keySet().forEach(p -> baseline.put(p, book.baselinePaths(p)));
    return new TriageInput(
        base.footprints(),
        probes.outcomes(),
        probes.failingTraces(),
        baseline,
        probes.currentPaths(),
        base.production(),
        base.priors(),
        base.productionFailures(),
        union(base.slowDependencies(), probes.slowCalls()),
        base.answering(),
        anomalies(probes),
        probes.passed().stream()
            .map(ProbeEvidence.Traced::trace)
            .filter(TraceAnalysis::hasErrors)
            .toList(),
        base.waiting());
  }

  private List<Anomaly> anomalies(ProbeEvidence probes) {
    // The book learns this triage's own passing runs while it runs: they are the evidence, not
    // what is usual.
    Set<String> own = new HashSet<>();
    probes.passed().forEach(r -> own.add(r.trace().traceId()));
    Map<String, Map<String, Double>> usual = new HashMap<>();
    probes.passed().forEach(r -> usual.computeIfAbsent(r.probe(), p -> book.usualErrors(p, own)));
    probes.failed().forEach(r -> usual.computeIfAbsent(r.probe(), p -> book.usualErrors(p, own)));
    List<Anomaly> out =
        new ArrayList<>(Anomalies.hiddenErrors(probes, base.footprints(), touch, usual));
    // CPU now is read again at each answer, not once after the suite: a suite takes a second or
    // two, and a burn that began just before the triage fills the last seconds only by its end.
    out.addAll(cpu());
    return out;
  }

  /** Services burning far more CPU than their own usual ({@link Anomalies#cpu}), from metrics. */
  private List<Anomaly> cpu() {
    try {
      Map<String, Double> now = evidence.cpuNow(clock.millis() * 1_000_000L, cpuUsual.cores());
      return Anomalies.cpu(now, cpuUsual.usual(), s -> known.datastores(s).keySet());
    } catch (StoreException | RuntimeException e) {
      log.debug("no CPU evidence: {}", e.toString());
      return List.of();
    }
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> out = new TreeSet<>(a);
    out.addAll(b);
    return out;
  }

  private TriageInput gather() throws StoreException {
    known = book.known();
    try {
      cpuUsual = evidence.cpuUsual(clock.millis() * 1_000_000L);
    } catch (StoreException | RuntimeException e) {
      log.debug("no usual CPU: {}", e.toString());
    }
    Map<String, String> addressOf = known.addresses();
    long now = clock.millis() * 1_000_000L;
    TimeRange window = new TimeRange(now - productionWindow.toNanos(), now);
    Set<String> exclude = Set.of(ProbeEvents.SERVICE);
    var production = evidence.production(window, addressOf, exclude);
    List<TraceAnalysis> productionFailures = evidence.failingProduction(window, 10, known, exclude);
    List<Change> recent =
        changes == null
            ? List.of()
            : changes.changes(new TimeRange(now - Duration.ofMinutes(30).toNanos(), now));
    recent = new ArrayList<>(recent);
    recent.addAll(evidence.redeploys(now, recent));
    Map<String, Map<String, Double>> footprints = book.footprints();
    Set<String> components = new HashSet<>();
    footprints.values().forEach(f -> components.addAll(f.keySet()));
    List<HealthResult> checked =
        healthNow
            .exceptionally(
                e -> {
                  log.warn("health checks failed during triage: {}", e.toString());
                  return List.of();
                })
            .join();
    Set<String> answering = HealthEvidence.answering(checked, components);
    Map<String, Prior> priors =
        HealthEvidence.priors(
            checked, answering, recent, components, known::host, known::datastores);
    return new TriageInput(
        footprints,
        Map.of(),
        List.of(),
        Map.of(),
        Map.of(),
        production,
        priors,
        productionFailures,
        slowDependencies(window, known, exclude),
        answering,
        List.of(),
        List.of(),
        HealthEvidence.waiting(checked, answering, components, known::datastores));
  }

  /**
   * The databases, caches and queues whose slowest calls of the last 5 seconds (95th percentile)
   * took over three times as long as the probes' healthy calls usually do, and 50 ms more.
   */
  private Set<String> slowDependencies(TimeRange window, KnownCalls known, Set<String> exclude)
      throws StoreException {
    Set<String> out = new TreeSet<>();
    TimeRange recent = new TimeRange(window.toUnixNano() - 5_000_000_000L, window.toUnixNano());
    evidence
        .callMillis(recent, known.addresses(), exclude)
        .forEach(
            (c, now) -> {
              double usual = known.usualCallMillis(c);
              if (!Double.isNaN(usual) && now > 3 * usual && now > usual + 50) {
                out.add(c);
              }
            });
    return out;
  }
}
