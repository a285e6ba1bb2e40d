package io.sextant.store.spi;

import java.util.Collection;
import java.util.Locale;

/** The type of a queryable field, as the query engine sees it. */
public enum FieldType {
  STRING,
  NUMBER,
  BOOL,
  /** Nanoseconds since the Unix epoch. */
  TIMESTAMP;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The type of an attribute value ({@code String}, {@code Long}, {@code Double}, {@code Boolean}).
   */
  public static FieldType of(Object value) {
    if (value instanceof Boolean) {
      return BOOL;
    }
    if (value instanceof Number) {
      return NUMBER;
    }
    return STRING;
  }

  /**
   * The type to query a key as when its values came with several types: any string makes it a
   * string (numbers and booleans compare as their text), else numbers win over booleans.
   */
  public static FieldType widest(Collection<FieldType> seen) {
    if (seen.contains(STRING) || seen.isEmpty()) {
      return STRING;
    }
    return seen.contains(NUMBER) ? NUMBER : BOOL;
  }
}
