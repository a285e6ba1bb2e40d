package io.sextant.server.api.answer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import io.sextant.model.Event;
import io.sextant.query.Result;
import io.sextant.topology.ComponentId;
import io.sextant.topology.ComponentIds;
import java.io.UncheckedIOException;

/**
 * The shapes of the API's answers, kept in one place (docs/api.md; docs/adr/0025-api-records.md).
 * Each answer is a record whose components are the JSON fields in camel case: {@link #JSON} writes
 * them in snake case, in declaration order, nulls included. {@code ApiShapeIT} checks every example
 * in docs/api.md against real answers.
 */
public final class Answers {
  private Answers() {}

  /**
   * Writes the answer records: snake-case field names, in declaration order, nulls kept. An {@code
   * Optional} component that is empty is written as null (absent only when it is null itself). A
   * query {@link Result} and an {@link Event} are written by hand as they are walked ({@link
   * ResultJson}, {@link EventJson}): their rows and attributes are data, not fields.
   */
  public static final ObjectMapper JSON =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .addModule(new Jdk8Module())
          .addModule(
              new SimpleModule("sextant-answers")
                  .addSerializer(Result.class, new ResultJson())
                  .addSerializer(Event.class, new EventJson()))
          .build();

  /** {@code answer} as a JSON response with {@code status}. */
  public static HttpResponse response(HttpStatus status, Record answer) {
    return HttpResponse.of(status, MediaType.JSON_UTF_8, bytes(answer));
  }

  /** {@code {"error": message}} with {@code status}. */
  public static HttpResponse error(HttpStatus status, String message) {
    return response(status, new ErrorAnswer(message));
  }

  /** {@code answer} as {@link #JSON} writes it, in UTF-8. */
  public static byte[] bytes(Record answer) {
    try {
      return JSON.writeValueAsBytes(answer);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A refusal or a failure, in one sentence (docs/api.md: "Errors are JSON"). */
  public record ErrorAnswer(String error) {}

  /**
   * A refusal of the query and map routes: the sentence and, for the text syntax, the offset into
   * the text where it went wrong, else -1.
   */
  public record QueryErrorAnswer(String error, int position) {}

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
