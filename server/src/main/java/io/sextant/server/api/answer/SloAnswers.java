package io.sextant.server.api.answer;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.sextant.query.DurationText;
import io.sextant.server.api.answer.Answers.Component;
import io.sextant.server.slo.Slo;
import io.sextant.server.slo.SloEvaluator;
import io.sextant.server.slo.SloFile;
import io.sextant.triage.TriageReport;
import io.sextant.triage.rank.Ranking;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The answers of the SLO routes (docs/api.md, "SLOs") and the alerts' webhook payload. */
public final class SloAnswers {
  private SloAnswers() {}

  /** An alert carries the first suspects of its triage, at most this many. */
  private static final int SUSPECTS = 3;

  /**
   * {@code GET /api/v1/slos}: every SLO now and the alerts sent; {@code file} null when edits are
   * kept in memory.
   */
  public record SloList(
      double minuteSeconds, String file, List<SloStatus> slos, List<AlertPayload> alerts) {

    public static SloList of(SloEvaluator e, SloFile file, List<AlertPayload> alerts) {
      return new SloList(
          e.minute().toNanos() / 1e9,
          file == null ? null : file.path().toString(),
          e.statuses().stream().map(SloStatus::of).toList(),
          alerts);
    }
  }

  /** An SLO as its file describes it; {@code objective} is a fraction. */
  public record Definition(
      String name,
      String description,
      String valid,
      String good,
      double objective,
      String window,
      long windowDays) {

    public static Definition of(Slo slo) {
      return new Definition(
          slo.name(),
          slo.description(),
          slo.valid(),
          slo.good(),
          slo.objective(),
          DurationText.format(slo.window().toNanos()),
          slo.window().toDays());
    }
  }

  /** One SLO now: its burn rates by window, its budget left, its alerts; {@code error} why not. */
  public record SloStatus(
      @JsonUnwrapped Definition slo,
      Map<String, Double> burnRates,
      double errorBudgetRemaining,
      boolean paging,
      boolean ticketing,
      @JsonInclude(JsonInclude.Include.NON_NULL) String error) {

    static SloStatus of(SloEvaluator.Status s) {
      Map<String, Double> burn = new LinkedHashMap<>();
      for (int i = 0; i < SloEvaluator.WINDOW_NAMES.length; i++) {
        burn.put(SloEvaluator.WINDOW_NAMES[i], s.burnRates()[i]);
      }
      return new SloStatus(
          Definition.of(s.slo()), burn, s.budgetRemaining(), s.paging(), s.ticketing(), s.error());
    }
  }

  /** {@code GET /api/v1/slos/{name}}: the SLO and its minutes. */
  public record SeriesAnswer(@JsonUnwrapped Definition slo, Series series) {

    public static SeriesAnswer of(SloEvaluator.Series s) {
      Map<String, double[]> burn = new LinkedHashMap<>();
      for (int w = 0; w < SloEvaluator.WINDOW_NAMES.length; w++) {
        double[] rates = new double[s.burnRates()[w].length];
        for (int i = 0; i < rates.length; i++) {
          rates[i] = Answers.round(s.burnRates()[w][i], 3);
        }
        burn.put(SloEvaluator.WINDOW_NAMES[w], rates);
      }
      return new SeriesAnswer(
          Definition.of(s.slo()),
          new Series(s.fromUnixNano(), s.stepNanos(), s.valid().length, s.valid(), s.good(), burn));
    }
  }

  /**
   * One SLO minute by minute: valid and good events, and the burn rate of each window at the end of
   * each minute.
   */
  public record Series(
      long from,
      long step,
      int buckets,
      long[] valid,
      long[] good,
      Map<String, double[]> burnRates) {}

  /** {@code PUT /api/v1/slos/{name}}: the SLO as saved, and where. */
  public record Saved(
      Definition slo, String file, @JsonInclude(JsonInclude.Include.NON_NULL) String note) {

    public static Saved of(Slo slo, SloFile file) {
      return new Saved(Definition.of(slo), path(file), memoryNote(file));
    }
  }

  /** {@code DELETE /api/v1/slos/{name}}: the SLO removed, and from where. */
  public record Removed(
      String removed, String file, @JsonInclude(JsonInclude.Include.NON_NULL) String note) {

    public static Removed of(String name, SloFile file) {
      return new Removed(name, path(file), memoryNote(file));
    }
  }

  private static String path(SloFile file) {
    return file == null ? null : file.path().toString();
  }

  /** Where an edit went when there is no file to write it to. */
  private static String memoryNote(SloFile file) {
    return file == null
        ? "kept in memory until the server stops: it was started without a --slos file to write"
        : null;
  }

  /**
   * An alert as its webhooks receive it (docs/slo.md), and as {@code GET /api/v1/slos} lists it:
   * {@code resolved_at} only once it resolved; {@code triage} only while it fires, null when no
   * triage could run.
   */
  public record AlertPayload(
      String id,
      String status,
      String slo,
      String description,
      String severity,
      double objective,
      String window,
      String valid,
      String good,
      double threshold,
      List<String> windows,
      Map<String, Double> burnRates,
      double errorBudgetRemaining,
      String startedAt,
      @JsonInclude(JsonInclude.Include.NON_NULL) String resolvedAt,
      String link,
      String summary,
      @JsonInclude(JsonInclude.Include.NON_NULL) Optional<AlertTriage> triage) {}

  /** The triage a firing alert ran: its headline and first suspects. */
  public record AlertTriage(
      String headline,
      boolean fault,
      List<AlertSuspect> suspects,
      List<String> notes,
      String link) {

    /** {@code report}'s first suspects; {@code link} opens triage in the UI. */
    public static AlertTriage of(TriageReport report, String link) {
      Ranking k = report.ranking();
      return new AlertTriage(
          k.headline(),
          k.fault(),
          k.suspects().stream()
              .limit(SUSPECTS)
              .map(
                  s ->
                      new AlertSuspect(
                          s.rank(),
                          s.members(),
                          s.members().stream().map(Component::of).toList(),
                          Answers.round(s.probability(), 3),
                          s.why()))
              .toList(),
          report.notes(),
          link);
    }
  }

  /** A suspect of an alert's triage. */
  public record AlertSuspect(
      int rank,
      List<String> members,
      List<Component> components,
      double probability,
      List<String> why) {}
}
