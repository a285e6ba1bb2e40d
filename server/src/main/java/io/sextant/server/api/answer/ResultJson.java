package io.sextant.server.api.answer;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.sextant.query.Result;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The answer of {@code POST /api/v1/query} (docs/api.md), written as the {@link Result} is walked,
 * not copied into records: its rows and series can be large, and their cells are data (a string, a
 * whole number, a decimal, true/false or null; a NaN or infinite value is null).
 */
final class ResultJson extends StdSerializer<Result> {
  ResultJson() {
    super(Result.class);
  }

  @Override
  public void serialize(Result r, JsonGenerator g, SerializerProvider provider) throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("columns");
    for (Result.ResultColumn c : r.columns()) {
      g.writeStartObject();
      g.writeStringField("name", c.name());
      g.writeStringField("type", c.type().label());
      g.writeBooleanField("calculation", c.calculation());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("rows");
    for (List<Object> row : r.rows()) {
      g.writeStartArray();
      for (Object v : row) {
        value(g, v);
      }
      g.writeEndArray();
    }
    g.writeEndArray();
    if (r.series() == null) {
      g.writeNullField("series");
    } else {
      Result.Series s = r.series();
      g.writeObjectFieldStart("series");
      g.writeNumberField("from", s.fromUnixNano());
      g.writeNumberField("step", s.stepNanos());
      g.writeNumberField("buckets", s.buckets());
      g.writeArrayFieldStart("groups");
      for (Result.SeriesGroup group : s.groups()) {
        g.writeStartObject();
        g.writeArrayFieldStart("key");
        for (Object k : group.key()) {
          value(g, k);
        }
        g.writeEndArray();
        g.writeObjectFieldStart("values");
        for (Map.Entry<String, List<Number>> e : group.values().entrySet()) {
          g.writeArrayFieldStart(e.getKey());
          for (Number n : e.getValue()) {
            value(g, n);
          }
          g.writeEndArray();
        }
        g.writeEndObject();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeArrayFieldStart("heatmaps");
    for (Result.Heatmap h : r.heatmaps()) {
      g.writeStartObject();
      g.writeStringField("column", h.column());
      g.writeNumberField("from", h.fromUnixNano());
      g.writeNumberField("step", h.stepNanos());
      g.writeArrayFieldStart("cells");
      for (Result.Cell c : h.cells()) {
        g.writeStartObject();
        g.writeNumberField("t", c.timeIndex());
        g.writeNumberField("low", c.low());
        g.writeNumberField("high", c.high());
        g.writeNumberField("count", c.count());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeObjectFieldStart("stats");
    g.writeStringField("engine", r.stats().engine());
    g.writeNumberField("elapsed_ms", r.stats().elapsedMillis());
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void value(JsonGenerator g, Object v) throws IOException {
    switch (v) {
      case null -> g.writeNull();
      case Long l -> g.writeNumber(l);
      case Double d when d.isNaN() || d.isInfinite() -> g.writeNull();
      case Double d -> g.writeNumber(d);
      case Boolean b -> g.writeBoolean(b);
      default -> g.writeString(v.toString());
    }
  }
}
