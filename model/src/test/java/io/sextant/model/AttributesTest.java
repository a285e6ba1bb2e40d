package io.sextant.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttributesTest {
  @Test
  void keepsInsertionOrder_andReadsIntegersAsLongs() {
    Attributes a = Attributes.of("z", "last?", "a", 7, "m", 1.5, "b", true);
    assertThat(a.asMap().keySet()).containsExactly("z", "a", "m", "b");
    assertThat(a.get("a")).isEqualTo(7L);
    assertThat(a.getString("m")).isEqualTo("1.5");
    assertThat(a.getString("absent")).isNull();
    assertThat(a.size()).isEqualTo(4);
  }

  @Test
  void onlyStringsLongsDoublesAndBooleansAreValues() {
    assertThatThrownBy(() -> Attributes.of("list", List.of(1)))
        .hasMessageContaining("attribute list has unsupported type");
    Map<String, Object> withNull = new LinkedHashMap<>();
    withNull.put("k", null);
    assertThatThrownBy(() -> Attributes.of(withNull)).hasMessageContaining("null");
    assertThatThrownBy(() -> Attributes.of("odd")).hasMessageContaining("pairs");
  }

  @Test
  void isACopy_thatCannotBeChanged() {
    Map<String, Object> source = new LinkedHashMap<>(Map.of("k", "v"));
    Attributes a = Attributes.of(source);
    source.put("k", "changed");
    assertThat(a.get("k")).isEqualTo("v");
    assertThatThrownBy(() -> a.asMap().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(Attributes.of(Map.of())).isSameAs(Attributes.empty());
    assertThat(a).isEqualTo(Attributes.of("k", "v")).hasSameHashCodeAs(Attributes.of("k", "v"));
  }
}
