package io.sextant.triage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class FootprintBookTest {

  static FootprintBook history(String pattern) {
    FootprintBook b = new FootprintBook();
    for (char c : pattern.toCharArray()) {
      b.record("p", c == '.');
    }
    return b;
  }

  @Test
  void aProbeFailingHalfItsRunsAtRandomIsFlaky() {
    // pass/fail at random, failures sometimes back to back: (5 + 1) / (11 + 2)
    assertThat(history(".xx..x.x.x.").flakeRate("p")).isCloseTo(6 / 13.0, offset(1e-9));
  }

  @Test
  void theFailuresOfTheIncidentNowAreNotFlakiness() {
    // healthy for 10 runs, then failing since: (0 + 1) / (10 + 2)
    assertThat(history("..........xxx").flakeRate("p")).isCloseTo(1 / 12.0, offset(1e-9));
    assertThat(history("").flakeRate("p")).isCloseTo(0.5, offset(1e-9));
  }

  @Test
  void anIncidentTriageExplainedIsNotFlakinessOnceThatProbePassesAgain() {
    FootprintBook b = history("..........");
    b.record("p", false, 0, "t1"); // triage ran it twice, both failed,
    b.record("p", false, 0, "t2");
    b.explain("p", java.util.List.of("t1", "t2")); // and named a fault on its path
    b.record("p", false); // still failing until the fault is cleared
    b.record("p", true);
    b.record("p", true);
    // the whole unbroken run of failures is the incident: (0 + 1) / (12 + 2)
    assertThat(b.flakeRate("p")).isCloseTo(1 / 14.0, offset(1e-9));
    // not explained: three failures of thirteen runs count
    FootprintBook c = history("..........xxx..");
    assertThat(c.flakeRate("p")).isCloseTo(4 / 17.0, offset(1e-9));
  }

  @Test
  void aRunFarSlowerThanUsualIsCalledSlow() {
    FootprintBook b = new FootprintBook();
    for (int i = 0; i < 5; i++) {
      b.record("p", true, 40 + i);
    }
    assertThat(b.slow("p", 100)).isNull();
    assertThat(b.slow("p", 400)).isEqualTo("took 400 ms, 9.5× its usual 42 ms");
    assertThat(b.medianLatency("p")).isEqualTo(42);
  }
}
