package io.sextant.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.QueryParams;
import io.sextant.model.TraceId;
import io.sextant.query.DurationText;
import io.sextant.query.Filter;
import io.sextant.query.Op;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The parameters of Jaeger's query API as {@link JaegerApi} reads them: times, limits, durations,
 * trace ids and tags; each refusal is a {@link JaegerApi.BadRequest} of one sentence.
 */
final class JaegerParams {
  private JaegerParams() {}

  static long micros(String text, String name, long fallbackNanos) {
    if (text == null || text.isEmpty()) {
      return fallbackNanos;
    }
    return nanos(longParam(text, name, 0), 1_000L, name);
  }

  static long nanos(long value, long unitNanos, String name) {
    if (value < 0) {
      throw new JaegerApi.BadRequest("'" + name + "' must not be negative");
    }
    try {
      return Math.multiplyExact(value, unitNanos);
    } catch (ArithmeticException e) {
      throw new JaegerApi.BadRequest("'" + name + "' is beyond the year 2262");
    }
  }

  static long longParam(String text, String name, long fallback) {
    if (text == null || text.isEmpty()) {
      return fallback;
    }
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw new JaegerApi.BadRequest(
          "'" + name + "' must be a whole number, not \"" + clip(text) + "\"");
    }
  }

  static long nanosOf(Instant i) {
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  static int limit(String text) {
    if (text == null || text.isEmpty()) {
      return JaegerApi.DEFAULT_LIMIT;
    }
    int n;
    try {
      n = Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new JaegerApi.BadRequest("limit \"" + clip(text) + "\" is not a whole number");
    }
    if (n < 0) {
      throw new JaegerApi.BadRequest("limit must not be negative");
    }
    if (n > JaegerApi.MAX_LIMIT) {
      throw new JaegerApi.BadRequest(
          "limit " + n + " is over the maximum of " + JaegerApi.MAX_LIMIT + " traces");
    }
    return n == 0 ? JaegerApi.DEFAULT_LIMIT : n;
  }

  /** A duration as Jaeger's parameters take them ({@code 1.2s}, {@code 100ms}), in nanoseconds. */
  static Long duration(String text, String name) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      return DurationText.duration(text, name).toNanos();
    } catch (IllegalArgumentException e) {
      throw new JaegerApi.BadRequest(e.getMessage());
    }
  }

  /** Jaeger's trace id: 1 to 32 hex digits, left-padded with zeros, not all zero. */
  static TraceId traceId(String id) {
    if (id == null
        || id.isEmpty()
        || id.length() > 32
        || !id.chars()
            .allMatch(
                c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      throw new JaegerApi.BadRequest(
          "trace id \"" + clip(id == null ? "" : id) + "\" is not 1 to 32 hex digits");
    }
    try {
      return TraceId.fromHex("0".repeat(32 - id.length()) + id);
    } catch (IllegalArgumentException e) {
      throw new JaegerApi.BadRequest("trace id \"" + id + "\" is all zeros");
    }
  }

  /**
   * The tags of a search, from {@code tags} (a JSON object, as Grafana and the Jaeger UI send, or
   * {@code k=v k2="v 2"}) and Jaeger's older repeated {@code tag=k:v}.
   */
  static Map<String, String> tags(QueryParams params) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String t : params.getAll("tags")) {
      checkLength("tags", t);
      String s = t.strip();
      if (s.isEmpty()) {
        continue;
      }
      if (s.startsWith("{")) {
        JsonNode node;
        try {
          node = JaegerApi.MAPPER.readTree(s);
        } catch (JsonProcessingException e) {
          throw new JaegerApi.BadRequest(
              "tags is not a valid JSON object: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
          throw new JaegerApi.BadRequest("tags must be a JSON object of keys to values");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          if (!e.getValue().isValueNode() || e.getValue().isNull()) {
            throw new JaegerApi.BadRequest(
                "the value of tag \"" + clip(e.getKey()) + "\" must be a string, number or bool");
          }
          out.put(e.getKey(), e.getValue().asText());
        }
      } else {
        out.putAll(logfmt(s));
      }
    }
    for (String t : params.getAll("tag")) {
      checkLength("tag", t);
      int colon = t.indexOf(':');
      if (colon <= 0) {
        throw new JaegerApi.BadRequest("tag \"" + clip(t) + "\" must be key:value");
      }
      out.put(t.substring(0, colon), t.substring(colon + 1));
    }
    if (out.size() > JaegerApi.MAX_TAGS) {
      throw new JaegerApi.BadRequest(
          "at most " + JaegerApi.MAX_TAGS + " tags may be searched at once");
    }
    for (Map.Entry<String, String> e : out.entrySet()) {
      if (e.getKey().isEmpty()) {
        throw new JaegerApi.BadRequest("a tag has an empty key");
      }
    }
    return out;
  }

  /** {@code k=v k2="v 2"}: pairs separated by spaces; a value may be double-quoted. */
  static Map<String, String> logfmt(String s) {
    Map<String, String> out = new LinkedHashMap<>();
    int i = 0;
    int n = s.length();
    while (i < n) {
      while (i < n && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      if (i >= n) {
        break;
      }
      int keyStart = i;
      while (i < n && s.charAt(i) != '=' && !Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      String key = s.substring(keyStart, i);
      if (i >= n || s.charAt(i) != '=' || key.isEmpty()) {
        throw new JaegerApi.BadRequest(
            "tags \"" + clip(s) + "\" must be key=value pairs or a JSON object");
      }
      i++; // '='
      StringBuilder value = new StringBuilder();
      if (i < n && s.charAt(i) == '"') {
        i++;
        boolean closed = false;
        while (i < n) {
          char c = s.charAt(i++);
          if (c == '\\' && i < n) {
            value.append(s.charAt(i++));
          } else if (c == '"') {
            closed = true;
            break;
          } else {
            value.append(c);
          }
        }
        if (!closed) {
          throw new JaegerApi.BadRequest(
              "the value of tag \"" + clip(key) + "\" has no closing quote");
        }
      } else {
        while (i < n && !Character.isWhitespace(s.charAt(i))) {
          value.append(s.charAt(i++));
        }
      }
      out.put(key, value.toString());
    }
    return out;
  }

  /**
   * The filter a Jaeger tag stands for: the tags Jaeger derives from a span's fields ({@code
   * error}, {@code span.kind}, {@code otel.status_code}, {@code otel.status_description}) map to
   * those fields; any other key is an attribute of the span or of its resource.
   */
  static Filter tagFilter(String key, String value) {
    return switch (key) {
      case "error" -> Filter.Predicate.of("error", Op.EQ, value);
      case "span.kind" -> Filter.Predicate.of("span.kind", Op.EQ, value.toLowerCase(Locale.ROOT));
      case "otel.status_code" ->
          Filter.Predicate.of("status", Op.EQ, value.toLowerCase(Locale.ROOT));
      case "otel.status_description" -> Filter.Predicate.of("status_message", Op.EQ, value);
      default -> Filter.Predicate.of(key, Op.EQ, value);
    };
  }

  static void checkLength(String name, String value) {
    if (value.length() > JaegerApi.MAX_PARAM_CHARS) {
      throw new JaegerApi.BadRequest(
          "'" + name + "' is over " + JaegerApi.MAX_PARAM_CHARS + " characters");
    }
  }

  static String clip(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "…";
  }
}
