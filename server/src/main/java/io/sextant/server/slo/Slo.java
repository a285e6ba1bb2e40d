package io.sextant.server.slo;

import io.sextant.query.Filter;
import io.sextant.query.QueryException;
import io.sextant.query.text.QueryText;
import java.time.Duration;

/**
 * A service level objective over events: of the events matching {@code valid}, the fraction that
 * also match {@code good} should be at least {@code objective} over a rolling {@code window}
 * (docs/slo.md).
 *
 * @param valid the where-condition of the events that count, as written
 * @param good the where-condition a counted event meets when it went well, as written
 * @param objective the target fraction, e.g. 0.995
 */
public record Slo(
    String name,
    String description,
    String valid,
    String good,
    Filter validFilter,
    Filter goodFilter,
    double objective,
    Duration window) {

  public Slo {
    if (name == null || !name.matches("[A-Za-z0-9_.-]{1,64}")) {
      throw new IllegalArgumentException(
          "an SLO needs a name of 1 to 64 letters, digits, '.', '_' or '-': " + name);
    }
    if (!(objective > 0 && objective < 1)) {
      throw new IllegalArgumentException(
          "SLO " + name + ": objective must be above 0 % and below 100 %, e.g. 99.5");
    }
    if (window.compareTo(Duration.ofHours(6)) < 0 || window.compareTo(Duration.ofDays(90)) > 0) {
      throw new IllegalArgumentException(
          "SLO " + name + ": window must be from 6h to 90d (the alerts look back 6 hours)");
    }
  }

  /** An SLO from its written conditions; an IllegalArgumentException says what is wrong. */
  public static Slo of(
      String name,
      String description,
      String valid,
      String good,
      double objective,
      Duration window) {
    return new Slo(
        name,
        description,
        valid,
        good,
        condition(name, "valid", valid),
        condition(name, "good", good),
        objective,
        window);
  }

  private static Filter condition(String slo, String which, String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(
          "SLO " + slo + " needs '" + which + "', a where-condition such as service.name = cart");
    }
    try {
      Filter f = QueryText.parse("where " + text, 0).where();
      if (f == null) {
        throw new IllegalArgumentException("SLO " + slo + ": '" + which + "' is empty");
      }
      return f;
    } catch (QueryException e) {
      throw new IllegalArgumentException(
          "SLO " + slo + ": '" + which + "' is not a condition: " + e.getMessage(), e);
    }
  }

  /** The error budget: the fraction of valid events that may fail. */
  public double budget() {
    return 1 - objective;
  }
}
