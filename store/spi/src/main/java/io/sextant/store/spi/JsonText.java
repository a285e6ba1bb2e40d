package io.sextant.store.spi;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.sextant.model.Attributes;
import io.sextant.model.Resource;
import io.sextant.model.Scope;
import io.sextant.model.SpanEvent;
import io.sextant.model.SpanId;
import io.sextant.model.SpanLink;
import io.sextant.model.TraceId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON text for the parts of an event kept whole: resource, scope, span events, links, and the
 * attributes without a column of their own. Value types survive the trip: a Long is written without
 * a fraction and a Double always with one ({@code 5.0}, {@code 1.0E10}), and non-finite doubles are
 * written as bare NaN/Infinity tokens, which the reader accepts.
 *
 * <p>Written by hand, byte for byte what Jackson's generator wrote before (so stored resource ids,
 * hashes of this text, stay the same): attributes are staged for every stored row, and a generator
 * per row cost more than the rest of the row's staging. Read with Jackson. Shared by the stores
 * (DuckDB keeps attributes in it; ClickHouse keeps scopes, span events and links).
 */
public final class JsonText {
  private static final JsonFactory JSON =
      JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private JsonText() {}

  public static String attributes(Attributes attributes) {
    StringBuilder b = new StringBuilder(64);
    appendAttributes(b, attributes);
    return b.toString();
  }

  /** Reads an attributes object into {@code into}; null text adds nothing. */
  public static void readAttributesInto(String json, Map<String, Object> into) {
    if (json != null) {
      into.putAll(read(json, JsonText::readAttributes).asMap());
    }
  }

  public static String scope(Scope scope) {
    StringBuilder b = new StringBuilder(64).append("{\"name\":");
    appendString(b, scope.name());
    b.append(",\"version\":");
    appendString(b, scope.version());
    b.append(",\"attributes\":");
    appendAttributes(b, scope.attributes());
    return b.append('}').toString();
  }

  public static String spanEvents(List<SpanEvent> events) {
    if (events.isEmpty()) {
      return null;
    }
    StringBuilder b = new StringBuilder(64).append('[');
    for (SpanEvent e : events) {
      if (b.length() > 1) {
        b.append(',');
      }
      b.append("{\"time\":").append(e.timeUnixNano()).append(",\"name\":");
      appendString(b, e.name());
      b.append(",\"attributes\":");
      appendAttributes(b, e.attributes());
      b.append('}');
    }
    return b.append(']').toString();
  }

  public static String links(List<SpanLink> links) {
    if (links.isEmpty()) {
      return null;
    }
    StringBuilder b = new StringBuilder(64).append('[');
    for (SpanLink l : links) {
      if (b.length() > 1) {
        b.append(',');
      }
      b.append("{\"trace_id\":");
      appendString(b, l.traceId().toHex());
      b.append(",\"span_id\":");
      appendString(b, l.spanId().toHex());
      b.append(",\"trace_state\":");
      appendString(b, l.traceState());
      b.append(",\"attributes\":");
      appendAttributes(b, l.attributes());
      b.append('}');
    }
    return b.append(']').toString();
  }

  public static void appendAttributes(StringBuilder b, Attributes attributes) {
    b.append('{');
    boolean first = true;
    for (Map.Entry<String, Object> e : attributes.asMap().entrySet()) {
      if (!first) {
        b.append(',');
      }
      first = false;
      appendMember(b, e.getKey(), e.getValue());
    }
    b.append('}');
  }

  /** {@code "key":value}, without the separator before it. */
  public static void appendMember(StringBuilder b, String key, Object value) {
    appendString(b, key);
    b.append(':');
    switch (value) {
      case String s -> appendString(b, s);
      case Long l -> b.append(l.longValue());
      case Double d -> b.append(d.doubleValue());
      case Boolean x -> b.append(x.booleanValue());
      default -> throw new IllegalStateException("unsupported value " + value);
    }
  }

  /** A JSON string: quotes, backslashes and control characters escaped; the rest as is. */
  public static void appendString(StringBuilder b, String s) {
    b.append('"');
    int from = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      b.append(s, from, i).append('\\');
      switch (c) {
        case '"', '\\' -> b.append(c);
        case '\b' -> b.append('b');
        case '\t' -> b.append('t');
        case '\f' -> b.append('f');
        case '\n' -> b.append('n');
        case '\r' -> b.append('r');
        default -> b.append("u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
      from = i + 1;
    }
    b.append(s, from, s.length()).append('"');
  }

  /**
   * A JSON number; NaN and the infinities, which JSON cannot hold, as strings ({@code "NaN"}), for
   * texts other programs read (OTLP arrays and maps rendered as an attribute's text).
   */
  public static void appendNumber(StringBuilder b, double d) {
    if (Double.isFinite(d)) {
      b.append(d);
    } else {
      appendString(b, Double.toString(d));
    }
  }

  public static Resource readResource(String json) {
    return new Resource(read(json, JsonText::readAttributes));
  }

  public static Scope readScope(String json) {
    return read(
        json,
        p -> {
          String name = "";
          String version = "";
          Attributes attributes = Attributes.empty();
          expect(p.nextToken(), JsonToken.START_OBJECT);
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            switch (field) {
              case "name" -> name = p.nextTextValue();
              case "version" -> version = p.nextTextValue();
              case "attributes" -> attributes = readAttributes(p);
              default -> {
                p.nextToken();
                p.skipChildren();
              }
            }
          }
          return new Scope(name, version, attributes);
        });
  }

  public static List<SpanEvent> readSpanEvents(String json) {
    if (json == null) {
      return List.of();
    }
    return read(
        json,
        p -> {
          List<SpanEvent> out = new ArrayList<>();
          expect(p.nextToken(), JsonToken.START_ARRAY);
          while (p.nextToken() == JsonToken.START_OBJECT) {
            long time = 0;
            String name = "";
            Attributes attributes = Attributes.empty();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              switch (p.currentName()) {
                case "time" -> {
                  p.nextToken();
                  time = p.getLongValue();
                }
                case "name" -> name = p.nextTextValue();
                case "attributes" -> attributes = readAttributes(p);
                default -> {
                  p.nextToken();
                  p.skipChildren();
                }
              }
            }
            out.add(new SpanEvent(time, name, attributes));
          }
          return out;
        });
  }

  public static List<SpanLink> readLinks(String json) {
    if (json == null) {
      return List.of();
    }
    return read(
        json,
        p -> {
          List<SpanLink> out = new ArrayList<>();
          expect(p.nextToken(), JsonToken.START_ARRAY);
          while (p.nextToken() == JsonToken.START_OBJECT) {
            String traceId = null;
            String spanId = null;
            String traceState = "";
            Attributes attributes = Attributes.empty();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              switch (p.currentName()) {
                case "trace_id" -> traceId = p.nextTextValue();
                case "span_id" -> spanId = p.nextTextValue();
                case "trace_state" -> traceState = p.nextTextValue();
                case "attributes" -> attributes = readAttributes(p);
                default -> {
                  p.nextToken();
                  p.skipChildren();
                }
              }
            }
            out.add(
                new SpanLink(
                    TraceId.fromHex(traceId), SpanId.fromHex(spanId), traceState, attributes));
          }
          return out;
        });
  }

  /** Reads an attributes object; the parser is before it (its START_OBJECT comes next). */
  private static Attributes readAttributes(JsonParser p) throws IOException {
    expect(p.nextToken(), JsonToken.START_OBJECT);
    Map<String, Object> values = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      JsonToken t = p.nextToken();
      values.put(
          key,
          switch (t) {
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            default -> throw new IOException("unexpected " + t + " in attributes");
          });
    }
    return Attributes.of(values);
  }

  private static void expect(JsonToken actual, JsonToken expected) throws IOException {
    if (actual != expected) {
      throw new IOException("expected " + expected + ", found " + actual);
    }
  }

  private interface Reader<T> {
    T read(JsonParser p) throws IOException;
  }

  private static <T> T read(String json, Reader<T> reader) {
    try (JsonParser p = JSON.createParser(json)) {
      return reader.read(p);
    } catch (IOException e) {
      throw new UncheckedIOException("stored JSON is damaged: " + e.getMessage(), e);
    }
  }
}
