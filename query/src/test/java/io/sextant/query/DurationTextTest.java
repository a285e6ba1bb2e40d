package io.sextant.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.query.text.QueryText;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {
  @Test
  void duration_theOneGrammar_forFlagsFilesAndJson() {
    assertThat(DurationText.duration("500ms", "--health-every")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationText.duration("1h30m", "window")).isEqualTo(Duration.ofMinutes(90));
    assertThat(DurationText.duration("7d", "--retention")).isEqualTo(Duration.ofDays(7));
    assertThat(DurationText.duration("1.5s", "timeout")).isEqualTo(Duration.ofMillis(1500));
    assertThat(DurationText.duration(" 15 m ", "last")).isEqualTo(Duration.ofMinutes(15));
    assertThat(DurationText.duration("2H", "last")).isEqualTo(Duration.ofHours(2));
    assertThat(DurationText.duration("PT90S", "--retention")).isEqualTo(Duration.ofSeconds(90));
    assertThat(DurationText.duration("250us", "x")).isEqualTo(Duration.ofNanos(250_000));
  }

  @Test
  void duration_notADuration_isOneSentenceNamingTheField() {
    assertThatThrownBy(() -> DurationText.duration("soon", "every"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("every \"soon\" is not a duration such as 500ms, 30s, 15m, 1h30m or 7d");
    for (String bad :
        new String[] {
          "-5s", "PT-5S", "5", "s", "", "1e3s", "99999999999999999d", "PT9999999999999H"
        }) {
      assertThatThrownBy(() -> DurationText.duration(bad, "--retention"))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("--retention \"" + bad + "\" is not a duration");
    }
  }

  @Test
  void parse_queryWords_stayLowerCase() {
    assertThat(DurationText.parse("5m")).isEqualTo(300_000_000_000L);
    assertThat(DurationText.parse("5M")).isNull();
  }

  /** Found by the long fuzz run: a regex repeating a group over the word overflowed the stack. */
  @Test
  void aWordOfThousandsOfParts_isNotADuration_andOverflowsNothing() {
    assertThat(DurationText.parse("4h".repeat(2_000))).isNull();
    assertThat(DurationText.parse("4h".repeat(32))).isEqualTo(128 * 3_600_000_000_000L);
    assertThat(DurationText.parse("1h30")).isNull();
    assertThat(DurationText.parse("")).isNull();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> DurationText.duration("4h".repeat(2_000), "--retention"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--retention \"4h4h");
    // In a question the word is a plain value then, not an error.
    Question q = QueryText.parse("where e = " + "4h".repeat(2_000), 0);
    assertThat(q.where()).isNotNull();
  }
}
