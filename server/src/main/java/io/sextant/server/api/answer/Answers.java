package io.sextant.server.api.answer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sextant.topology.ComponentId;
import io.sextant.topology.ComponentIds;

/**
 * The shapes of the API's answers, kept in one place (docs/api.md; docs/adr/0025-api-records.md).
 * Each answer is a record whose components are the JSON fields in camel case: {@link #JSON} writes
 * them in snake case, in declaration order, nulls included. {@code ApiShapeTest} checks every
 * example in docs/api.md against real answers.
 */
public final class Answers {
  private Answers() {}

  /** Writes the answer records: snake-case field names, in declaration order, nulls kept. */
  public static final ObjectMapper JSON =
      JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();

  /**
   * A component as the map describes its nodes and triage its suspects: its id (the text to show
   * and the key edges use), kind, name, system and address (docs/adr/0023-component-id.md).
   */
  public record Component(String id, String kind, String name, String system, String address) {

    /** The component whose id (its display text) is {@code key}. */
    public static Component of(String key) {
      return of(ComponentIds.known(key));
    }

    public static Component of(ComponentId c) {
      return new Component(c.display(), c.kind().label(), c.name(), c.system(), c.address());
    }
  }

  /** {@code v} rounded to {@code digits} decimals, as the answers show measured values. */
  public static double round(double v, int digits) {
    double scale = Math.pow(10, digits);
    return Math.round(v * scale) / scale;
  }
}
