package io.sextant.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fuzz driver itself: it must fail, and show a small input, when a parser breaks. */
class FuzzDriverTest {
  @Test
  void check_unexpectedException_failsWithTheInputMadeSmaller() {
    Fuzz<String> fuzz =
        Fuzz.text(
            "driver-test",
            text -> {
              if (text.contains("x")) {
                throw new NullPointerException("broken on x");
              }
              throw new IllegalArgumentException("not a word");
            },
            IllegalArgumentException.class);

    assertThat(fuzz.check("abc")).isFalse(); // a documented refusal
    assertThatThrownBy(() -> fuzz.check("aaaa bbbb x cccc"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("NullPointerException: broken on x")
        .hasMessageContaining("input of 1 bytes")
        .hasMessageContaining("as text: x");
  }

  @Test
  void check_refusalWithoutASentence_fails() {
    Fuzz<byte[]> fuzz =
        Fuzz.bytes(
            "driver-test-silent",
            bytes -> {
              throw new IllegalArgumentException();
            },
            IllegalArgumentException.class);

    assertThatThrownBy(() -> fuzz.check("a".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("a refusal without a sentence");
  }

  @Test
  void check_stackOverflow_fails() {
    Fuzz<String> fuzz = Fuzz.text("driver-test-deep", FuzzDriverTest::recurse);

    assertThatThrownBy(() -> fuzz.check("deep")).hasMessageContaining("StackOverflowError");
  }

  @Test
  void mutator_sameSeed_sameInputs() {
    List<byte[]> seeds =
        List.of("{\"a\": [1, 2, {\"b\": \"c\"}]}".getBytes(StandardCharsets.UTF_8));
    Mutator one = new Mutator(new Random(7), seeds, List.of("a", "b"));
    Mutator two = new Mutator(new Random(7), seeds, List.of("a", "b"));

    for (int i = 0; i < 200; i++) {
      assertThat(one.bytes()).isEqualTo(two.bytes());
      assertThat(one.json()).isEqualTo(two.json());
    }
  }

  private static void recurse(String text) {
    recurse(text + "");
  }
}
