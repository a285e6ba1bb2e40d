package io.sextant.ingest.jsonl;

import io.sextant.ingest.DecodeResult;
import io.sextant.model.Event;
import java.util.List;

/**
 * What a JSON-lines body gave: the events of the lines that were read, how many lines were
 * rejected, and the first {@link JsonLinesDecoder#MAX_LISTED_ERRORS} of their errors with line
 * numbers (from 1, counting every line of the body, blank ones too).
 */
public record JsonLinesResult(List<Event> events, int rejected, List<LineError> errors) {
  public JsonLinesResult {
    events = List.copyOf(events);
    errors = List.copyOf(errors);
  }

  /** One line that was rejected, and why ("not valid JSON: …", "an invalid trace_id: …"). */
  public record LineError(int line, String error) {}

  /** For the shared ingest path: the events, and one sentence about the rejected lines. */
  public DecodeResult toDecodeResult() {
    if (rejected == 0) {
      return new DecodeResult(events, 0, "");
    }
    LineError first = errors.get(0);
    String message =
        rejected
            + (rejected == 1 ? " line rejected: " : " lines rejected; first: ")
            + "line "
            + first.line()
            + ": "
            + first.error();
    return new DecodeResult(events, rejected, message);
  }
}
