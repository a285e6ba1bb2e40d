package io.sextant.triage;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.triage.probe.ProbeRun;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyRuleTest {
  /** Six probes, each usually 100 ms. */
  private static FootprintBook book() {
    FootprintBook b = new FootprintBook();
    for (int p = 0; p < 6; p++) {
      for (int i = 0; i < 10; i++) {
        b.record("p" + p, true, 100);
      }
    }
    return b;
  }

  private static List<ProbeRun> round(double... millis) {
    List<ProbeRun> out = new ArrayList<>();
    for (int p = 0; p < millis.length; p++) {
      out.add(new ProbeRun("p" + p, 0, true, "", 200, millis[p], "00"));
    }
    return out;
  }

  @Test
  void aProbeFarSlowerThanUsual_failsWhenTheOthersRunAsUsual() {
    FootprintBook b = book();
    List<ProbeRun> r = round(450, 100, 110, 95, 105, 100);
    double load = LatencyRule.load(r, b::usualLatency);
    assertThat(load).isEqualTo(1.0);
    assertThat(LatencyRule.slow(b, "p0", 450, load))
        .isEqualTo("took 450 ms, 4.5× its usual 100 ms");
  }

  @Test
  void underANeighboursCpuLoad_thatSlowsEveryProbe_theSameSlowdownIsNoFailure() {
    FootprintBook b = book();
    // Everything runs about twice as slow; one probe 4.3× (what a control on a loaded machine
    // showed): that is the load, not a fault.
    List<ProbeRun> r = round(430, 200, 190, 240, 210, 180);
    double load = LatencyRule.load(r, b::usualLatency);
    assertThat(load).isBetween(1.8, 2.1);
    assertThat(LatencyRule.slow(b, "p0", 430, load)).isNull();
    // A fault still shows through the load.
    assertThat(LatencyRule.slow(b, "p0", 1500, load))
        .startsWith("took 1500 ms, 15.0× its usual 100 ms while the round ran");
  }

  @Test
  void aFaultSlowingMostProbes_isNotMistakenForLoad_whileAQuarterRunAsUsual() {
    FootprintBook b = book();
    List<ProbeRun> r = round(900, 950, 1000, 880, 100, 105);
    double load = LatencyRule.load(r, b::usualLatency);
    assertThat(load).isLessThan(1.1);
    assertThat(LatencyRule.slow(b, "p0", 900, load)).isNotNull();
  }

  @Test
  void withFewerThanFourProbesKnown_theRoundIsNotJudged() {
    FootprintBook b = book();
    assertThat(LatencyRule.load(round(400, 400, 400), b::usualLatency)).isEqualTo(1.0);
  }

  @Test
  void eachWaveIsItsOwnRound_aBurstThatQueuedIsNotAFault() {
    FootprintBook b = book();
    List<ProbeRun> runs = new ArrayList<>();
    // The first wave, all six at once on a loaded machine: each 5–8× its usual. The second, half
    // a second later: as usual.
    double[] first = {550, 600, 700, 800, 650, 500};
    for (int p = 0; p < 6; p++) {
      runs.add(new ProbeRun("p" + p, 1_000, true, "", 200, first[p], "00"));
      runs.add(new ProbeRun("p" + p, 501_000_000, true, "", 200, 100, "00"));
    }
    java.util.Map<ProbeRun, Double> loads = LatencyRule.loads(runs, b::usualLatency);
    for (ProbeRun r : runs) {
      assertThat(LatencyRule.slow(b, r.probe(), r.durationMillis(), loads.get(r))).isNull();
    }
    // Over both waves at once, the first wave would have been failures.
    double both = LatencyRule.load(runs, b::usualLatency);
    assertThat(LatencyRule.slow(b, "p3", 800, both)).isNotNull();
  }

  @Test
  void aProbeWithFewerThanFivePassingRunsIsNotJudged() {
    FootprintBook b = new FootprintBook();
    for (int i = 0; i < 4; i++) {
      b.record("new", true, 100);
    }
    assertThat(LatencyRule.slow(b, "new", 5000, 1)).isNull();
    b.record("new", true, 100);
    assertThat(LatencyRule.slow(b, "new", 5000, 1)).isNotNull();
  }
}
