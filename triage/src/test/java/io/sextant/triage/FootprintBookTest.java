package io.sextant.triage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.ArrayList;
import java.util.List;
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
  void failuresWhileABreakerWasOpenAreNotFlakiness() {
    List<String> journal = new ArrayList<>();
    FootprintBook b = history("..........");
    b.journal((p, t, why) -> journal.add(p + " " + t + " " + why));
    // after an incident elsewhere, the shared breaker answered this probe at once, twice
    b.record("p", false, 3, "t1");
    b.record("p", false, 2, "t2");
    assertThat(b.unmarkedFailure("p", "t2")).isTrue();
    b.shortCircuited("p", "t2");
    assertThat(b.unmarkedFailure("p", "t2")).isFalse(); // nothing to look at again
    assertThat(b.unmarkedFailure("p", "t1")).isTrue();
    b.record("p", true);
    // the unbroken run holding a short-circuited failure is left out: (0 + 1) / (11 + 2)
    assertThat(b.flakeRate("p")).isCloseTo(1 / 13.0, offset(1e-9));
    assertThat(journal).containsExactly("p t2 short-circuit");
    // rebuilt from the store, the mark holds
    FootprintBook r = new FootprintBook();
    for (int i = 0; i < 10; i++) {
      r.recordEarlier("p", true, 10, "p" + i, false, null);
    }
    r.recordEarlier("p", false, 3, "t2", false, FootprintBook.SHORT_CIRCUIT);
    r.recordEarlier("p", true, 10, "q", false, null);
    assertThat(r.flakeRate("p")).isCloseTo(1 / 13.0, offset(1e-9));
  }

  @Test
  void theUsualLatencyIsTheMedianOnceFivePassingRunsAreKnown() {
    FootprintBook b = new FootprintBook();
    for (int i = 0; i < 4; i++) {
      b.record("p", true, 40 + i);
    }
    assertThat(b.usualLatency("p")).isNaN();
    b.record("p", true, 44);
    assertThat(b.usualLatency("p")).isEqualTo(42);
    assertThat(b.medianLatency("p")).isEqualTo(42);
  }

  @Test
  void failuresBeforeTheFirstPassSinceStartAreNotFlakiness() {
    // Sextant started with the system: the probe failed until the system was up, then passed
    // 10 runs, failed once at random, passed again: (1 + 1) / (12 + 2); the starting failures are
    // left out.
    assertThat(history("xxxx..........x.").flakeRate("p")).isCloseTo(2 / 14.0, offset(1e-9));
    // Counted as flakiness they would have made it (5 + 1) / (16 + 2).
    // A probe that never passed yet has no flakiness to speak of.
    assertThat(history("xxxx").flakeRate("p")).isCloseTo(0.5, offset(1e-9));
  }

  @Test
  void theMarksItSetsGoToItsJournal() {
    List<String> journal = new ArrayList<>();
    FootprintBook b =
        new FootprintBook().journal((p, t, why) -> journal.add(p + " " + t + " " + why));
    b.record("p", false, 0, "t0"); // before the first pass: starting
    b.record("p", true, 10, "t1");
    b.record("p", false, 0, "t2"); // after it: an ordinary failure, until a triage explains it
    assertThat(journal).containsExactly("p t0 starting");
    b.explain("p", List.of("t2"));
    assertThat(journal).containsExactly("p t0 starting", "p t2 incident");
  }

  @Test
  void aRebuiltHistoryKeepsItsMarksAndALaterStartIsAStartAgain() {
    FootprintBook b = new FootprintBook();
    // stored: failing at the start of the window (unknown why: starting), passes, a flaky failure,
    // an incident a triage explained, a restart's failures the journal marked starting
    b.recordEarlier("p", false, 0, "a", false, null);
    for (int i = 0; i < 5; i++) {
      b.recordEarlier("p", true, 10, "p" + i, false, null);
    }
    b.recordEarlier("p", false, 0, "f", false, null);
    b.recordEarlier("p", true, 10, "q", true, null);
    b.recordEarlier("p", false, 0, "e", false, FootprintBook.INCIDENT);
    b.recordEarlier("p", true, 10, "r", false, null);
    b.recordEarlier("p", false, 0, "s", false, FootprintBook.STARTING);
    b.recordEarlier("p", true, 10, "u", false, null);
    // passes 8, one flaky failure: (1 + 1) / (9 + 2)
    assertThat(b.flakeRate("p")).isCloseTo(2 / 11.0, offset(1e-9));
    assertThat(b.rolledBack("p")).isEqualTo(1);
    // Sextant starts again now: the failures before the next pass are the start's.
    b.record("p", false, 0, "v");
    b.record("p", true, 10, "w");
    assertThat(b.flakeRate("p")).isCloseTo(2 / 12.0, offset(1e-9));
  }

  @Test
  void forgettingAProbeDropsWhatItLearned() {
    FootprintBook b = history("..x..");
    b.forget(List.of("p"));
    assertThat(b.runs("p")).isZero();
    assertThat(b.flakeRate("p")).isCloseTo(0.5, offset(1e-9));
  }

  @Test
  void aRunSextantCutShortIsNotCounted() {
    FootprintBook b = history("..........");
    b.record(
        new io.sextant.triage.probe.ProbeRun(
            "p", 0, false, io.sextant.triage.probe.ProbeRunner.INTERRUPTED, 0, 5, "a".repeat(32)));
    assertThat(b.runs("p")).isEqualTo(10);
    assertThat(b.flakeRate("p")).isCloseTo(1 / 12.0, offset(1e-9));
  }
}
