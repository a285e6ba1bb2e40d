package io.sextant.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IngestLimitsTest {

  @Test
  void defaults_areTheDocumentedValuesAndValid() {
    IngestLimits limits = IngestLimits.defaults();

    assertThat(limits).isEqualTo(new IngestLimits(8 * 1024 * 1024, 10_000, 128, 256, 65_536));
    assertThat(limits.validate()).isSameAs(limits);
  }

  @Test
  void validate_nonPositiveValue_isRefusedWithItsName() {
    assertThatThrownBy(() -> new IngestLimits(1, 1, 0, 1, 1).validate())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ingest limit maxAttributesPerItem must be greater than 0, but is 0");
    assertThatThrownBy(() -> new IngestLimits(-5, 1, 1, 1, 1).validate())
        .hasMessageContaining("maxBodyBytes");
  }

  @Test
  void problems_areNullWithinTheLimitsAndPhrasesBeyond() {
    IngestLimits limits = new IngestLimits(1, 1, 2, 3, 4);

    assertThat(limits.attributeCountProblem(2)).isNull();
    assertThat(limits.attributeCountProblem(3)).isEqualTo("3 attributes, more than the limit of 2");
    assertThat(limits.attributeKeyProblem("abc")).isNull();
    assertThat(limits.attributeKeyProblem("abcd"))
        .isEqualTo("an attribute key longer than 3 characters: \"abcd\"");
    assertThat(limits.attributeValueProblem("k", "1234")).isNull();
    assertThat(limits.attributeValueProblem("k", "12345"))
        .isEqualTo("attribute \"k\" with a value longer than 4 characters");
  }

  @Test
  void quote_longText_isShortened() {
    assertThat(IngestLimits.quote("x".repeat(100))).isEqualTo("\"" + "x".repeat(64) + "...\"");
  }
}
