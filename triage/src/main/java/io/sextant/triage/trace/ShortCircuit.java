package io.sextant.triage.trace;

import io.sextant.model.Event;
import io.sextant.model.EventKind;
import io.sextant.model.SpanEvent;
import io.sextant.model.SpanKind;
import io.sextant.model.StatusCode;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A failing run that its entry service answered without calling anything, though its healthy runs
 * reach further: a circuit breaker that is open, a bulkhead that is full, a rate limiter. Such a
 * run did not exercise its footprint, so its failure says nothing about the components behind the
 * entry service (a breaker shared by every route fails them all while one dependency is broken).
 * Its entry service's own failure (an exception, an error message that is not a breaker's) is not a
 * short circuit.
 */
public final class ShortCircuit {
  private static final List<String> BREAKER_WORDS =
      List.of(
          "circuitbreaker",
          "circuit breaker",
          "callnotpermitted",
          "short-circuit",
          "short circuit",
          "bulkhead",
          "ratelimiter",
          "requestnotpermitted");

  private ShortCircuit() {}

  /**
   * Whether {@code trace}, of a failing run of a probe with {@code footprint} whose passing runs
   * usually take {@code usualMillis}, short-circuited at its entry service: quickly (within twice
   * its usual time, and 50 ms more) and without calling anything. A run that took longer waited on
   * something, though its calls left no span.
   */
  public static boolean of(
      List<Event> trace, Map<String, Double> footprint, double touch, double usualMillis) {
    if (Double.isNaN(usualMillis)) {
      return false;
    }
    Set<String> services = new HashSet<>();
    boolean any = false;
    for (Event e : trace) {
      if (e.kind() != EventKind.SPAN) {
        continue;
      }
      any = true;
      services.add(e.serviceName());
      if (e.spanKind() == SpanKind.CLIENT || e.spanKind() == SpanKind.PRODUCER) {
        return false; // it called something
      }
      if (ownFailure(e)) {
        return false;
      }
    }
    if (!any || services.size() != 1) {
      return false;
    }
    long longest = 0;
    for (Event e : trace) {
      if (e.kind() == EventKind.SPAN) {
        longest = Math.max(longest, e.durationNanos());
      }
    }
    if (!quickEnough(longest / 1e6, usualMillis)) {
      return false; // it waited: not a short circuit
    }
    String entry = services.iterator().next();
    for (Map.Entry<String, Double> c : footprint.entrySet()) {
      String id = c.getKey();
      if (c.getValue() >= touch && !id.equals(entry) && !id.endsWith(" (host)")) {
        return true; // its healthy runs reach past the entry service; this one did not
      }
    }
    return false;
  }

  /**
   * Whether a run that took {@code millis} was quick enough to have short-circuited, against its
   * probe's usual {@code usualMillis} (NaN when unknown: then it cannot be told).
   */
  public static boolean quickEnough(double millis, double usualMillis) {
    return !Double.isNaN(usualMillis) && millis <= 2 * usualMillis + 50;
  }

  /** An exception or an error message on the span that is not a breaker's refusal. */
  private static boolean ownFailure(Event span) {
    for (SpanEvent ev : span.events()) {
      if (ev.name().equals("exception")) {
        Object type = ev.attributes().asMap().get("exception.type");
        Object message = ev.attributes().asMap().get("exception.message");
        if (!breaker(type + " " + message)) {
          return true;
        }
      }
    }
    String m = span.statusMessage();
    return span.status() == StatusCode.ERROR && m != null && !m.isBlank() && !breaker(m);
  }

  private static boolean breaker(String text) {
    String t = text.toLowerCase(Locale.ROOT);
    return BREAKER_WORDS.stream().anyMatch(t::contains);
  }
}
