package io.sextant.query;

import io.sextant.store.spi.FieldType;
import java.util.List;

/**
 * A queryable field as autocomplete shows it.
 *
 * @param name the name questions use
 * @param type its type
 * @param core whether it is a core field of every event rather than an attribute
 * @param present how many sampled events have it
 * @param distinct how many distinct values the sampled events have: a lower bound of the
 *     cardinality, exact when {@code sampled} is every event of the range
 * @param examples its most frequent values in the sample, most frequent first, at most five
 */
public record ColumnInfo(
    String name, FieldType type, boolean core, long present, long distinct, List<String> examples) {

  /** Columns described over a sample of {@code sampled} of the range's {@code events}. */
  public record Columns(long events, long sampled, List<ColumnInfo> columns) {}
}
