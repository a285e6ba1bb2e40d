package io.sextant.topology.health;

import java.time.Duration;
import java.util.List;

/**
 * What to poll and how often: each target every {@code every}, one after another, each given at
 * most {@code timeout}. No targets, no polling.
 */
public record HealthConfig(List<HealthTarget> targets, Duration every, Duration timeout) {
  public HealthConfig {
    targets = List.copyOf(targets);
  }

  public static HealthConfig defaults() {
    return new HealthConfig(List.of(), Duration.ofSeconds(15), Duration.ofSeconds(2));
  }

  public HealthConfig validate() {
    if (every.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("health polling interval must be at least 1s: " + every);
    }
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(every) > 0) {
      throw new IllegalArgumentException(
          "health timeout must be positive and at most the interval (" + every + "): " + timeout);
    }
    return this;
  }
}
