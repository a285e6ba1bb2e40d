package io.sextant.ingest;

import io.sextant.model.Event;
import java.util.List;

/**
 * Counts the items of one request and those a decoder refuses, keeping the first reason, and words
 * the {@link DecodeResult}. Public so that every decoder in this module (and later ones, such as
 * JSON lines) reports in the same words; one instance per request, not thread-safe.
 */
public final class Rejections {
  private final String singular;
  private final String plural;
  private final int maxItems;
  private int items;
  private int rejected;
  private String first;

  /**
   * @param singular the item noun, e.g. {@code "span"}
   * @param plural its plural, e.g. {@code "spans"}
   */
  public Rejections(String singular, String plural, int maxItems) {
    this.singular = singular;
    this.plural = plural;
    this.maxItems = maxItems;
  }

  /** Counts the next item of the request and returns its number, from 1. */
  public int nextItem() {
    return ++items;
  }

  /**
   * Whether item {@code number} lies beyond the per-request limit. Such items are skipped, not
   * decoded, and {@link #result} counts them as rejected.
   */
  public boolean beyondLimit(int number) {
    return number > maxItems;
  }

  /** Records one rejected item; {@code reason} is a phrase such as "span 3 has …". */
  public void reject(String reason) {
    rejected++;
    if (first == null) {
      first = reason;
    }
  }

  /** The plural noun, for reasons that reject every item under a resource or scope. */
  public String plural() {
    return plural;
  }

  public DecodeResult result(List<Event> kept) {
    int overflow = Math.max(0, items - maxItems);
    int total = rejected + overflow;
    if (total == 0) {
      return new DecodeResult(kept, 0, "");
    }
    String tooMany =
        overflow == 0
            ? null
            : "request has "
                + items
                + " "
                + plural
                + ", more than the limit of "
                + maxItems
                + "; the last "
                + overflow
                + " were rejected";
    String message;
    if (first == null) {
      message = tooMany;
    } else {
      message =
          total
              + " "
              + (total == 1 ? singular + " rejected: " : plural + " rejected; first: ")
              + first
              + (tooMany == null ? "" : "; also, the " + tooMany);
    }
    return new DecodeResult(kept, total, message);
  }
}
