package io.sextant.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Immutable key → value pairs in insertion order. A value is a {@link String}, {@link Long}, {@link
 * Double} or {@link Boolean}; ingest renders OTLP arrays, key-value lists and bytes as JSON text so
 * that every value stays filterable (docs/adr/0003-event-model.md).
 */
public final class Attributes {
  private static final Attributes EMPTY = new Attributes(Map.of());

  private final Map<String, Object> values;

  private Attributes(Map<String, Object> values) {
    this.values = values;
  }

  public static Attributes empty() {
    return EMPTY;
  }

  /** Copies {@code values}, checking that each value has one of the supported types. */
  public static Attributes of(Map<String, ?> values) {
    if (values.isEmpty()) {
      return EMPTY;
    }
    LinkedHashMap<String, Object> copy = new LinkedHashMap<>(values.size() * 2);
    values.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "key"), checked(k, v)));
    return new Attributes(Collections.unmodifiableMap(copy));
  }

  /** Alternating keys and values, for tests and fixtures. */
  public static Attributes of(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("keys and values must come in pairs");
    }
    LinkedHashMap<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      Object v = keysAndValues[i + 1];
      map.put((String) keysAndValues[i], v instanceof Integer n ? Long.valueOf(n) : v);
    }
    return of(map);
  }

  private static Object checked(String key, Object v) {
    if (v instanceof String || v instanceof Long || v instanceof Double || v instanceof Boolean) {
      return v;
    }
    throw new IllegalArgumentException(
        "attribute " + key + " has unsupported type " + (v == null ? "null" : v.getClass()));
  }

  public Object get(String key) {
    return values.get(key);
  }

  /** The value rendered as text, or null when absent. */
  public String getString(String key) {
    Object v = values.get(key);
    return v == null ? null : v.toString();
  }

  public int size() {
    return values.size();
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  public Map<String, Object> asMap() {
    return values;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Attributes a && values.equals(a.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
