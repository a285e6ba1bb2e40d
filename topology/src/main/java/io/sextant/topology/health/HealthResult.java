package io.sextant.topology.health;

import java.util.List;

/**
 * One poll of one target.
 *
 * @param healthy the service's own verdict (false when it could not be reached or understood)
 * @param error why the poll failed (connection refused, timeout, not a health answer), or null
 * @param dependencies what the service reported about its dependencies, in its order
 */
public record HealthResult(
    HealthTarget target,
    long timeUnixNano,
    long millis,
    boolean healthy,
    String error,
    List<Dependency> dependencies) {
  public HealthResult {
    dependencies = List.copyOf(dependencies);
  }

  /** A dependency as its caller reported it; {@code detail} may be null. */
  public record Dependency(String name, boolean healthy, String detail) {}
}
