package io.sextant.query;

import java.util.Objects;

/**
 * Sorts result rows by a breakdown column or a calculation's label ({@code p99(duration)}). Absent
 * values sort last either way.
 */
public record Order(String key, boolean descending) {
  public Order {
    Objects.requireNonNull(key, "key");
  }

  public static Order desc(String key) {
    return new Order(key, true);
  }

  public static Order asc(String key) {
    return new Order(key, false);
  }
}
