package io.sextant.topology.health;

import java.util.List;
import java.util.Locale;

/**
 * One poll of one target.
 *
 * @param healthy the service's own verdict (false when it could not be reached or understood)
 * @param error why the poll failed (connection refused, timeout, not a health answer), or null
 * @param dependencies what the service reported about its dependencies, in its order; when its
 *     whole check failed without details, what each of its checks answered on its own (Spring
 *     Boot's {@code /actuator/health/<component>}, polled beside it)
 * @param answered whether the target's process answered anything now: its whole check, or one of
 *     its component checks (a service whose {@code ping} answers while its {@code db} check hangs
 *     is up; its database is not)
 */
public record HealthResult(
    HealthTarget target,
    long timeUnixNano,
    long millis,
    boolean healthy,
    String error,
    List<Dependency> dependencies,
    boolean answered) {
  public HealthResult {
    dependencies = List.copyOf(dependencies);
  }

  /** A result whose process answered when its own check did. */
  public HealthResult(
      HealthTarget target,
      long timeUnixNano,
      long millis,
      boolean healthy,
      String error,
      List<Dependency> dependencies) {
    this(target, timeUnixNano, millis, healthy, error, dependencies, error == null);
  }

  /** Whether the poll got no connection at all: refused or reset, not a timeout. */
  public boolean refused() {
    if (error == null || answered) {
      return false;
    }
    String e = error.toLowerCase(Locale.ROOT);
    return e.contains("refused") || e.contains("connectexception") || e.contains("reset");
  }

  /** A dependency as its caller reported it; {@code detail} may be null. */
  public record Dependency(String name, boolean healthy, String detail) {}
}
