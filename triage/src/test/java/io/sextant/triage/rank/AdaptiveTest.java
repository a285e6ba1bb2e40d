package io.sextant.triage.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdaptiveTest {
  private static Posterior post(double none, Map<String, Double> single) {
    return new Posterior(List.of(), List.of(), new double[0][0], none, single, Map.of(), Map.of());
  }

  @Test
  void gain_ofAProbeThroughASuspect_countsTheErrorsItsPassingRunsCouldShow() {
    // A fault that fails no request (β = 0): a run can still pass with the suspect's error hidden.
    Posterior post = post(0.5, Map.of("reviews", 0.5));

    double through = Adaptive.gain(post, Map.of("reviews", 1.0), 0.02, 0.0);
    double past = Adaptive.gain(post, Map.of("catalog", 1.0), 0.02, 0.0);

    assertThat(through).isGreaterThan(Adaptive.MIN_GAIN);
    assertThat(past).isCloseTo(0.0, within(1e-12));
  }

  @Test
  void gain_ofAProbeThatWouldFail_isStillTheLargest() {
    Posterior post = post(0.5, Map.of("reviews", 0.5));

    double failing = Adaptive.gain(post, Map.of("reviews", 1.0), 0.02, 0.9);
    double hiddenOnly = Adaptive.gain(post, Map.of("reviews", 1.0), 0.02, 0.0);

    assertThat(failing).isGreaterThan(hiddenOnly);
    assertThat(failing).isLessThanOrEqualTo(1.0 + 1e-9); // at most one bit between two hypotheses
  }
}
