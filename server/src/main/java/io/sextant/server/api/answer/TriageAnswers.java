package io.sextant.server.api.answer;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.sextant.server.api.answer.Answers.Component;
import io.sextant.triage.Audit;
import io.sextant.triage.FootprintBook;
import io.sextant.triage.TriageReport;
import io.sextant.triage.probe.Probe;
import io.sextant.triage.probe.ProbeRun;
import io.sextant.triage.rank.Ranking;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The answers of the probes and triage routes (docs/api.md, "Probes and triage"). */
public final class TriageAnswers {
  private TriageAnswers() {}

  /** {@code GET /api/v1/probes}. */
  public record Probes(List<ProbeView> probes) {}

  /** A probe's definition, its latest result, what it has learned and its footprint. */
  public record ProbeView(
      String name,
      String method,
      String url,
      boolean readOnly,
      boolean tracerBullet,
      boolean suite,
      Long everySeconds,
      long timeoutMs,
      Contract contract,
      Run latest,
      double flakeRate,
      int learnedTraces,
      int rolledBackRuns,
      Map<String, Double> footprint) {

    public static ProbeView of(
        Probe p, ProbeRun latest, FootprintBook book, Map<String, Double> footprint) {
      return new ProbeView(
          p.name(),
          p.method(),
          p.url().toString(),
          p.readOnly(),
          p.tracerBullet(),
          p.inSuite(),
          p.every() == null ? null : p.every().toSeconds(),
          p.timeout().toMillis(),
          new Contract(
              p.contract().status(),
              p.contract().maxLatencyMillis(),
              p.contract().json().stream()
                  .map(a -> new JsonCheck(a.path(), a.op(), a.value()))
                  .toList()),
          latest == null ? null : Run.of(latest),
          book.flakeRate(p.name()),
          book.healthyTraces(p.name()),
          book.rolledBack(p.name()),
          footprint);
    }
  }

  /** What a probe's answer must be. */
  public record Contract(int status, long maxLatencyMs, List<JsonCheck> json) {}

  /** One check of the answer's JSON; {@code value} is absent for checks without one. */
  public record JsonCheck(
      String path, String op, @JsonInclude(JsonInclude.Include.NON_NULL) String value) {}

  /** One run of a probe. */
  public record Run(
      String probe,
      String time,
      boolean passed,
      String reason,
      int status,
      double durationMs,
      String traceId) {

    public static Run of(ProbeRun r) {
      return new Run(
          r.probe(),
          Instant.ofEpochSecond(0, r.startUnixNano()).toString(),
          r.passed(),
          r.reason(),
          r.status(),
          Answers.round(r.durationMillis(), 1),
          r.traceId());
    }
  }

  /** {@code POST /api/v1/probes/run}: a probe's runs together, in order. */
  public record Runs(List<Run> runs) {}

  /** {@code GET /api/v1/probes/entries}: entry operation → component → share of its traces. */
  public record Entries(Map<String, Map<String, Double>> entryOperations) {

    public static Entries of(Map<String, Map<String, Double>> footprints) {
      Map<String, Map<String, Double>> out = new LinkedHashMap<>();
      footprints.forEach((op, f) -> out.put(op, rounded(f)));
      return new Entries(out);
    }
  }

  /** {@code POST /api/v1/probes/reload}. */
  public record Reload(
      List<String> probes,
      List<String> unchanged,
      List<String> newOrChanged,
      List<String> removed) {}

  /** {@code GET /api/v1/probes/audit}. */
  public record AuditAnswer(
      List<String> probes,
      List<String> components,
      List<String> unreached,
      List<String> reachedByOneProbe,
      List<Group> indistinguishable,
      Map<String, Integer> learnedTraces,
      List<AuditProbe> allProbes,
      Map<String, List<String>> reachedOnlyOutsideSuite,
      List<String> warnings) {}

  /** Components the suite cannot tell apart, and a probe outside it that would. */
  public record Group(List<String> members, List<String> probes, String splitBy) {

    public static Group of(Audit.Group g) {
      return new Group(g.members(), g.probes(), g.splitBy());
    }
  }

  /** One probe, in the suite or not, as the audit sees it. */
  public record AuditProbe(
      String name,
      boolean suite,
      boolean readOnly,
      int learnedTraces,
      int rolledBackRuns,
      Map<String, Double> footprint) {}

  /** {@code POST /api/v1/triage}. */
  public record Report(
      String verdict,
      String headline,
      String started,
      long millis,
      double analysisMillis,
      double noFaultProbability,
      List<ProbeSummary> probes,
      List<Suspect> suspects,
      Matrix matrix,
      List<ErrorOrigin> errorOrigins,
      List<LatencyShift> latencyShifts,
      List<String> explanation,
      List<String> extraProbes,
      List<String> notes) {

    public static Report of(TriageReport r) {
      Ranking k = r.ranking();
      return new Report(
          k.fault() ? "fault" : "no-fault",
          k.headline(),
          Instant.ofEpochSecond(0, r.startedUnixNano()).toString(),
          r.millis(),
          Answers.round(k.analysisMillis(), 2),
          k.noFaultProbability(),
          r.probes().stream()
              .map(
                  p ->
                      new ProbeSummary(
                          p.name(),
                          p.runs(),
                          p.failures(),
                          p.passed(),
                          p.reasons(),
                          p.traceIds(),
                          p.latencyMillis(),
                          p.extra(),
                          p.flakeRate()))
              .toList(),
          k.suspects().stream().map(Suspect::of).toList(),
          Matrix.of(k.matrix()),
          k.errorOrigins().stream()
              .map(
                  e ->
                      new ErrorOrigin(
                          e.component(), e.share(), e.traces(), e.example(), e.traceId()))
              .toList(),
          k.latencyShifts().stream()
              .map(
                  l ->
                      new LatencyShift(
                          l.component(),
                          Answers.round(l.deltaMillis(), 1),
                          Answers.round(l.z(), 1)))
              .toList(),
          k.explanation(),
          r.extraProbes(),
          r.notes());
    }
  }

  /** One probe's runs in a triage. */
  public record ProbeSummary(
      String name,
      int runs,
      int failures,
      boolean passed,
      List<String> reasons,
      List<String> traceIds,
      List<Double> latencyMs,
      boolean extra,
      double flakeRate) {}

  /** A suspect: one component, or a group the probes cannot tell apart. */
  public record Suspect(
      int rank,
      List<String> members,
      List<Component> components,
      String kind,
      double probability,
      Scores scores,
      List<String> why,
      String splitBy) {

    static Suspect of(Ranking.Suspect s) {
      List<Component> components = s.members().stream().map(Component::of).toList();
      Ranking.Scores c = s.scores();
      return new Suspect(
          s.rank(),
          s.members(),
          components,
          components.get(0).kind(),
          s.probability(),
          new Scores(c.probes(), c.errorOrigin(), c.latency(), c.traces(), c.prior()),
          s.why(),
          s.splitBy());
    }
  }

  /** How much each kind of evidence speaks for a suspect. */
  public record Scores(
      double probes, double errorOrigin, double latency, double traces, double prior) {}

  /** Which probe touches which component, and which probes failed. */
  public record Matrix(
      List<String> probes,
      List<String> components,
      List<Component> componentDetails,
      double[][] touches,
      boolean[] failed) {

    static Matrix of(Ranking.Matrix m) {
      double[][] touches = new double[m.touches().length][];
      for (int i = 0; i < touches.length; i++) {
        touches[i] = new double[m.touches()[i].length];
        for (int j = 0; j < touches[i].length; j++) {
          touches[i][j] = Answers.round(m.touches()[i][j], 2);
        }
      }
      return new Matrix(
          m.probes(),
          m.components(),
          m.components().stream().map(Component::of).toList(),
          touches,
          m.failed());
    }
  }

  /** A component owning the deepest error spans of failing traces. */
  public record ErrorOrigin(
      String component, double share, int traces, String example, String traceId) {}

  /** A component whose own time on the critical path grew. */
  public record LatencyShift(String component, double deltaMs, double z) {}

  /** {@code footprint} with each share rounded to two decimals, in its order. */
  public static Map<String, Double> rounded(Map<String, Double> footprint) {
    Map<String, Double> out = new LinkedHashMap<>();
    footprint.forEach((c, w) -> out.put(c, Answers.round(w, 2)));
    return out;
  }
}
