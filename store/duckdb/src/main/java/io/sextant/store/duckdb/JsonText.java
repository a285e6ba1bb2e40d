package io.sextant.store.duckdb;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.sextant.model.Attributes;
import io.sextant.model.Resource;
import io.sextant.model.Scope;
import io.sextant.model.SpanEvent;
import io.sextant.model.SpanId;
import io.sextant.model.SpanLink;
import io.sextant.model.TraceId;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON text for the parts of an event kept whole: resource, scope, span events, links. Value types
 * survive the trip: a Long is written without a fraction and a Double always with one (Jackson
 * writes {@code 5.0}), and non-finite doubles are written as bare NaN/Infinity tokens.
 */
final class JsonText {
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();

  private JsonText() {}

  static String attributes(Attributes attributes) {
    return write(g -> writeAttributes(g, attributes));
  }

  /**
   * The attributes that have no column of their own, or null when none are left: a key in {@code
   * promoted} whose value has the column's type is stored in that column instead.
   */
  static String attributesExcept(Attributes attributes, Map<String, Schema.Promoted> promoted) {
    int own = 0;
    for (Map.Entry<String, Object> e : attributes.asMap().entrySet()) {
      if (!inColumn(promoted.get(e.getKey()), e.getValue())) {
        own++;
      }
    }
    if (own == 0) {
      return null;
    }
    return write(
        g -> {
          g.writeStartObject();
          for (Map.Entry<String, Object> e : attributes.asMap().entrySet()) {
            if (!inColumn(promoted.get(e.getKey()), e.getValue())) {
              g.writeFieldName(e.getKey());
              writeValue(g, e.getValue());
            }
          }
          g.writeEndObject();
        });
  }

  static boolean inColumn(Schema.Promoted column, Object value) {
    return column != null
        && (column.type() == Schema.Type.LONG ? value instanceof Long : value instanceof String);
  }

  /** Reads an attributes object into {@code into}; null text adds nothing. */
  static void readAttributesInto(String json, Map<String, Object> into) {
    if (json != null) {
      into.putAll(read(json, JsonText::readAttributes).asMap());
    }
  }

  static String scope(Scope scope) {
    return write(
        g -> {
          g.writeStartObject();
          g.writeStringField("name", scope.name());
          g.writeStringField("version", scope.version());
          g.writeFieldName("attributes");
          writeAttributes(g, scope.attributes());
          g.writeEndObject();
        });
  }

  static String spanEvents(List<SpanEvent> events) {
    if (events.isEmpty()) {
      return null;
    }
    return write(
        g -> {
          g.writeStartArray();
          for (SpanEvent e : events) {
            g.writeStartObject();
            g.writeNumberField("time", e.timeUnixNano());
            g.writeStringField("name", e.name());
            g.writeFieldName("attributes");
            writeAttributes(g, e.attributes());
            g.writeEndObject();
          }
          g.writeEndArray();
        });
  }

  static String links(List<SpanLink> links) {
    if (links.isEmpty()) {
      return null;
    }
    return write(
        g -> {
          g.writeStartArray();
          for (SpanLink l : links) {
            g.writeStartObject();
            g.writeStringField("trace_id", l.traceId().toHex());
            g.writeStringField("span_id", l.spanId().toHex());
            g.writeStringField("trace_state", l.traceState());
            g.writeFieldName("attributes");
            writeAttributes(g, l.attributes());
            g.writeEndObject();
          }
          g.writeEndArray();
        });
  }

  static Resource readResource(String json) {
    return new Resource(read(json, JsonText::readAttributes));
  }

  static Scope readScope(String json) {
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

  static List<SpanEvent> readSpanEvents(String json) {
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

  static List<SpanLink> readLinks(String json) {
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

  private static void writeAttributes(JsonGenerator g, Attributes attributes) throws IOException {
    g.writeStartObject();
    for (Map.Entry<String, Object> e : attributes.asMap().entrySet()) {
      g.writeFieldName(e.getKey());
      writeValue(g, e.getValue());
    }
    g.writeEndObject();
  }

  private static void writeValue(JsonGenerator g, Object value) throws IOException {
    switch (value) {
      case String s -> g.writeString(s);
      case Long l -> g.writeNumber(l);
      case Double d -> g.writeNumber(d);
      case Boolean b -> g.writeBoolean(b);
      default -> throw new IllegalStateException("unsupported value " + value);
    }
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

  private interface Writer {
    void write(JsonGenerator g) throws IOException;
  }

  private interface Reader<T> {
    T read(JsonParser p) throws IOException;
  }

  private static String write(Writer writer) {
    StringWriter out = new StringWriter(64);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      writer.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static <T> T read(String json, Reader<T> reader) {
    try (JsonParser p = JSON.createParser(json)) {
      return reader.read(p);
    } catch (IOException e) {
      throw new UncheckedIOException("stored JSON is damaged: " + e.getMessage(), e);
    }
  }
}
