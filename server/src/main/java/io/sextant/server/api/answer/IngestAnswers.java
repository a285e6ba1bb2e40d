package io.sextant.server.api.answer;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.sextant.ingest.jsonl.JsonLinesResult;
import java.util.List;

/** The answers of the ingest routes written by Sextant itself (docs/api.md, "JSON lines"). */
public final class IngestAnswers {
  private IngestAnswers() {}

  /**
   * {@code POST /v1/logs/jsonl}: lines kept and rejected, the first rejections with their line
   * numbers, and {@code errors_not_listed} only when more lines were rejected than listed.
   */
  public record JsonLines(
      int accepted,
      int rejected,
      List<LineError> errors,
      @JsonInclude(JsonInclude.Include.NON_NULL) Integer errorsNotListed) {

    public static JsonLines of(JsonLinesResult r) {
      return new JsonLines(
          r.events().size(),
          r.rejected(),
          r.errors().stream().map(e -> new LineError(e.line(), e.error())).toList(),
          r.errors().size() < r.rejected() ? r.rejected() - r.errors().size() : null);
    }
  }

  /** A rejected line, numbered from 1 (blank lines included), and why. */
  public record LineError(int line, String error) {}
}
