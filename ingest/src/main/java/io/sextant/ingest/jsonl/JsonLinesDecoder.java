package io.sextant.ingest.jsonl;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.sextant.ingest.IngestLimits;
import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Hex;
import io.sextant.model.Resource;
import io.sextant.model.SpanId;
import io.sextant.model.TraceId;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Newline-delimited JSON logs: each line one JSON object, each object one log event. Well-known
 * keys become the event's fields (docs/api.md, "JSON lines"): the time, the level, the message,
 * trace and span ids and the service; every other key is an attribute, nested objects flattened
 * with dots ({@code {"http":{"route":"/"}}} → {@code http.route}), arrays kept as JSON text. A line
 * that cannot be read is rejected alone, with its line number; blank lines are skipped.
 * Thread-safe.
 */
public final class JsonLinesDecoder {
  static final String[] TIME_KEYS = {"timestamp", "time", "ts", "@timestamp"};
  static final String[] LEVEL_KEYS = {"level", "severity", "lvl"};
  static final String[] MESSAGE_KEYS = {"message", "msg"};
  static final String[] TRACE_KEYS = {"trace_id", "traceId"};
  static final String[] SPAN_KEYS = {"span_id", "spanId"};
  static final String[] SERVICE_KEYS = {"service.name", "service"};

  /** How many line errors an answer lists; the count covers them all. */
  public static final int MAX_LISTED_ERRORS = 100;

  private static final int MAX_DEPTH = 32;

  private final IngestLimits limits;
  private final Clock clock;

  public JsonLinesDecoder(IngestLimits limits, Clock clock) {
    this.limits = limits.validate();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The events of the lines that could be read, and the errors of those that could not. */
  public JsonLinesResult decode(byte[] body) {
    List<Event> events = new ArrayList<>();
    List<JsonLinesResult.LineError> errors = new ArrayList<>();
    int rejected = 0;
    int items = 0;
    long now = -1;
    int lineNumber = 0;
    int start = 0;
    while (start < body.length) {
      int end = start;
      while (end < body.length && body[end] != '\n') {
        end++;
      }
      lineNumber++;
      int stop = end > start && body[end - 1] == '\r' ? end - 1 : end;
      int from = start;
      start = end + 1;
      if (blank(body, from, stop)) {
        continue;
      }
      items++;
      String error;
      if (items > limits.maxItemsPerRequest()) {
        error =
            "more than "
                + limits.maxItemsPerRequest()
                + " lines in one request; send the rest in another";
      } else {
        if (now < 0) {
          Instant i = clock.instant();
          now = i.getEpochSecond() * 1_000_000_000L + i.getNano();
        }
        Line line = new Line(now);
        error = line.decode(body, from, stop - from);
        if (error == null) {
          events.add(line.event);
          continue;
        }
      }
      rejected++;
      if (errors.size() < MAX_LISTED_ERRORS) {
        errors.add(new JsonLinesResult.LineError(lineNumber, error));
      }
    }
    return new JsonLinesResult(events, rejected, errors);
  }

  private static boolean blank(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
        return false;
      }
    }
    return true;
  }

  /** One line being decoded. */
  private final class Line {
    private final long now;
    private final Map<String, Object> flat = new LinkedHashMap<>();
    private Event event;

    Line(long now) {
      this.now = now;
    }

    /** Null when the line became {@link #event}; otherwise what is wrong with it. */
    String decode(byte[] body, int offset, int length) {
      String text;
      try {
        text =
            StandardCharsets.UTF_8
                .newDecoder()
                .decode(ByteBuffer.wrap(body, offset, length))
                .toString();
      } catch (CharacterCodingException e) {
        return "not valid UTF-8";
      }
      JsonElement root;
      JsonReader reader = new JsonReader(new StringReader(text));
      reader.setStrictness(Strictness.STRICT);
      reader.setNestingLimit(MAX_DEPTH + 2);
      try {
        root = JsonParser.parseReader(reader);
      } catch (JsonParseException | IllegalStateException e) {
        return "not valid JSON: " + reason(e);
      }
      try {
        if (reader.peek() != JsonToken.END_DOCUMENT) {
          return "not one JSON object: there is more after it";
        }
      } catch (IOException | RuntimeException e) {
        return "not one JSON object: there is more after it";
      }
      if (!root.isJsonObject()) {
        return "not a JSON object";
      }
      JsonObject o = root.getAsJsonObject();
      try {
        flatten("", o, flat);
      } catch (IllegalArgumentException e) {
        return e.getMessage();
      }

      long time = now;
      String timeKey = first(TIME_KEYS);
      if (timeKey != null) {
        Object t = flat.remove(timeKey);
        Long parsed = time(t);
        if (parsed == null) {
          return "an unreadable " + timeKey + ": " + shown(t) + " (RFC 3339, or epoch s/ms/µs/ns)";
        }
        time = parsed;
      }
      int severityNumber = 0;
      String severityText = "";
      String levelKey = first(LEVEL_KEYS);
      if (levelKey != null) {
        Object l = flat.remove(levelKey);
        severityText = text(l);
        severityNumber = severity(l);
      }
      String message = null;
      String messageKey = first(MESSAGE_KEYS);
      if (messageKey != null) {
        message = text(flat.remove(messageKey));
      }
      TraceId traceId = null;
      String traceKey = first(TRACE_KEYS);
      if (traceKey != null) {
        Object v = flat.remove(traceKey);
        byte[] id = Hex.bytes(text(v));
        if (id == null || id.length != 16) {
          return "an invalid " + traceKey + ": " + shown(v) + " is not 32 hex digits";
        }
        traceId = allZero(id) ? null : TraceId.fromBytes(id);
      }
      SpanId spanId = null;
      String spanKey = first(SPAN_KEYS);
      if (spanKey != null) {
        Object v = flat.remove(spanKey);
        byte[] id = Hex.bytes(text(v));
        if (id == null || id.length != 8) {
          return "an invalid " + spanKey + ": " + shown(v) + " is not 16 hex digits";
        }
        spanId = allZero(id) ? null : SpanId.fromBytes(id);
      }
      Resource resource = Resource.EMPTY;
      String serviceKey = first(SERVICE_KEYS);
      if (serviceKey != null) {
        String service = text(flat.remove(serviceKey));
        String p = limits.attributeValueProblem(Resource.SERVICE_NAME, service);
        if (p != null) {
          return p;
        }
        resource = new Resource(Attributes.of(Resource.SERVICE_NAME, service));
      }
      String p = limits.attributeCountProblem(flat.size());
      if (p != null) {
        return p;
      }
      for (Map.Entry<String, Object> a : flat.entrySet()) {
        p = limits.attributeKeyProblem(a.getKey());
        if (p == null && a.getValue() instanceof String s) {
          p = limits.attributeValueProblem(a.getKey(), s);
        }
        if (p != null) {
          return p;
        }
      }
      event =
          Event.log()
              .timeUnixNano(time)
              .traceId(traceId)
              .spanId(spanId)
              .resource(resource)
              .severityNumber(severityNumber)
              .severityText(severityText)
              .body(message)
              .attributes(Attributes.of(flat))
              .build();
      return null;
    }

    /** The first of {@code keys} the line has, or null. */
    private String first(String[] keys) {
      for (String k : keys) {
        if (flat.containsKey(k)) {
          return k;
        }
      }
      return null;
    }
  }

  /** Nested objects become dotted keys; arrays JSON text; nulls are left out. */
  static void flatten(String prefix, JsonObject o, Map<String, Object> into) {
    for (Map.Entry<String, JsonElement> m : o.entrySet()) {
      String key = prefix.isEmpty() ? m.getKey() : prefix + "." + m.getKey();
      JsonElement v = m.getValue();
      if (v.isJsonNull()) {
        continue;
      }
      if (v.isJsonObject()) {
        if (v.getAsJsonObject().isEmpty()) {
          into.put(key, "{}");
        } else {
          flatten(key, v.getAsJsonObject(), into);
        }
      } else if (v.isJsonArray()) {
        into.put(key, v.toString());
      } else {
        into.put(key, primitive(v.getAsJsonPrimitive()));
      }
    }
  }

  private static Object primitive(JsonPrimitive p) {
    if (p.isBoolean()) {
      return p.getAsBoolean();
    }
    if (p.isString()) {
      return p.getAsString();
    }
    BigDecimal d = p.getAsBigDecimal();
    try {
      if (d.scale() <= 0 || d.stripTrailingZeros().scale() <= 0) {
        return d.longValueExact();
      }
    } catch (ArithmeticException tooBig) {
      // fall through to a double
    }
    return d.doubleValue();
  }

  /** Epoch nanoseconds from an RFC 3339 text or an epoch number; null when unreadable. */
  static Long time(Object v) {
    if (v instanceof Long n) {
      return epoch(n.doubleValue(), n);
    }
    if (v instanceof Double d) {
      return epoch(d, null);
    }
    if (!(v instanceof String s) || s.isBlank()) {
      return null;
    }
    s = s.trim();
    if (s.chars().allMatch(c -> c >= '0' && c <= '9' || c == '.')) {
      try {
        return s.contains(".")
            ? epoch(Double.parseDouble(s), null)
            : epoch(Double.parseDouble(s), Long.parseLong(s));
      } catch (NumberFormatException e) {
        return null;
      }
    }
    String iso = s.length() > 10 && s.charAt(10) == ' ' ? s.replaceFirst(" ", "T") : s;
    Instant at;
    try {
      at = OffsetDateTime.parse(iso).toInstant();
    } catch (DateTimeParseException e) {
      try {
        at = LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC); // no offset: UTC
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
    if (at.getEpochSecond() < 0 || at.getEpochSecond() >= 9_223_372_036L) {
      return null;
    }
    return at.getEpochSecond() * 1_000_000_000L + at.getNano();
  }

  /**
   * An epoch number by its size: below 10^11 seconds (until the year 5138), below 10^14
   * milliseconds, below 10^17 microseconds, else nanoseconds. {@code exact} keeps whole numbers
   * exact.
   */
  private static Long epoch(double d, Long exact) {
    if (!(d > 0) || Double.isInfinite(d)) {
      return null;
    }
    if (d < 1e11) {
      return exact != null ? exact * 1_000_000_000L : Math.round(d * 1e9);
    } else if (d < 1e14) {
      return exact != null ? exact * 1_000_000L : Math.round(d * 1e6);
    } else if (d < 1e17) {
      return exact != null ? exact * 1_000L : Math.round(d * 1e3);
    } else if (d < 9.2e18) {
      return exact != null ? exact : Math.round(d);
    }
    return null;
  }

  /**
   * OTLP's severity number for a level: names (trace, debug, info, warn, error, fatal and their
   * common spellings), pino/bunyan numbers (10 … 60), else a number from 1 to 24 as OTLP's own; 0
   * when unknown.
   */
  static int severity(Object level) {
    if (level instanceof Long n) {
      return switch (n.intValue()) {
        case 10 -> 1;
        case 20 -> 5;
        case 30 -> 9;
        case 40 -> 13;
        case 50 -> 17;
        case 60 -> 21;
        default -> n >= 1 && n <= 24 ? n.intValue() : 0;
      };
    }
    if (!(level instanceof String s)) {
      return 0;
    }
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "trace", "finest", "finer" -> 1;
      case "debug", "fine", "config" -> 5;
      case "info", "information", "informational", "notice" -> 9;
      case "warn", "warning" -> 13;
      case "error", "err", "severe" -> 17;
      case "fatal", "critical", "crit", "panic", "alert", "emerg", "emergency" -> 21;
      default -> 0;
    };
  }

  private static String text(Object v) {
    if (v == null) {
      return "";
    }
    return v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15
        ? Long.toString(d.longValue())
        : v.toString();
  }

  private static String shown(Object v) {
    String s = v instanceof String t ? '"' + t + '"' : String.valueOf(v);
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }

  private static boolean allZero(byte[] id) {
    for (byte b : id) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static String reason(Exception e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause().getMessage() != null) {
      t = t.getCause();
    }
    String m = String.valueOf(t.getMessage()).lines().findFirst().orElse("");
    int path = m.indexOf(" path $");
    if (path >= 0) {
      m = m.substring(0, path);
    }
    m = m.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept ", "");
    return m.length() <= 120 ? m : m.substring(0, 120) + "...";
  }
}
