package io.sextant.store.spi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.sextant.model.Attributes;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTextTest {
  /** The generator the store used to write with; resource ids are hashes of its output. */
  private static String jackson(Attributes attributes) throws Exception {
    StringWriter out = new StringWriter();
    try (JsonGenerator g =
        JsonFactory.builder()
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .build()
            .createGenerator(out)) {
      g.writeStartObject();
      for (Map.Entry<String, Object> e : attributes.asMap().entrySet()) {
        g.writeFieldName(e.getKey());
        switch (e.getValue()) {
          case String s -> g.writeString(s);
          case Long l -> g.writeNumber(l);
          case Double d -> g.writeNumber(d);
          case Boolean b -> g.writeBoolean(b);
          default -> throw new IllegalStateException();
        }
      }
      g.writeEndObject();
    }
    return out.toString();
  }

  @Test
  void attributes_areWrittenByteForByteAsJacksonWroteThem_soResourceIdsStayTheSame()
      throws Exception {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("service.name", "cart");
    values.put("quotes \"and\" \\backslashes\\", "line 1\nline 2\ttab\r\b\f");
    values.put("control", "\u0000\u0001\u001f\u007f");
    values.put("unicode", "é ü 漢字 \uD83D\uDE00 \u2028");
    values.put("empty", "");
    values.put("long", Long.MIN_VALUE);
    values.put("zero", 0L);
    values.put("whole", 5.0);
    values.put("small", 1.0e-7);
    values.put("big", 1.0e21);
    values.put("negative zero", -0.0);
    values.put("nan", Double.NaN);
    values.put("inf", Double.POSITIVE_INFINITY);
    values.put("-inf", Double.NEGATIVE_INFINITY);
    values.put("yes", true);
    values.put("no", false);
    Attributes attributes = Attributes.of(values);

    assertThat(JsonText.attributes(attributes)).isEqualTo(jackson(attributes));
    assertThat(JsonText.attributes(Attributes.empty())).isEqualTo("{}");
  }

  @Test
  void attributes_readBackWithTheirTypes() {
    Attributes attributes =
        Attributes.of("s", "a\"b\u0001", "l", 7L, "d", 7.0, "b", true, "n", Double.NaN);
    Map<String, Object> read = new LinkedHashMap<>();
    JsonText.readAttributesInto(JsonText.attributes(attributes), read);
    assertThat(read).containsExactlyEntriesOf(attributes.asMap());
  }

  @Test
  void appendNumber_nonFinite_isAStringSoTheTextStaysJson() throws Exception {
    StringBuilder b = new StringBuilder("[");
    JsonText.appendNumber(b, 1.5);
    b.append(',');
    JsonText.appendNumber(b, Double.NaN);
    b.append(',');
    JsonText.appendNumber(b, Double.NEGATIVE_INFINITY);
    b.append(']');

    assertThat(b).hasToString("[1.5,\"NaN\",\"-Infinity\"]");
    try (com.fasterxml.jackson.core.JsonParser p =
        new com.fasterxml.jackson.core.JsonFactory().createParser(b.toString())) {
      int tokens = 0;
      while (p.nextToken() != null) {
        tokens++;
      }
      assertThat(tokens).isEqualTo(5); // [ 1.5 "NaN" "-Infinity" ]
    }
  }
}
