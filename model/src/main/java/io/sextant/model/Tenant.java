package io.sextant.model;

/**
 * Tenants: whose telemetry an event is. A tenant is a name of 1 to 64 letters, digits, {@code .},
 * {@code _} or {@code -}; the name comes from the sender's key, or, on a server without keys, from
 * the {@code X-Scope-OrgID} header (the convention of Grafana Tempo, Loki and Mimir). Events sent
 * with neither belong to {@link #DEFAULT}.
 */
public final class Tenant {
  /** The tenant of events whose sender named none. */
  public static final String DEFAULT = "default";

  /** The header that names the tenant where keys are off. */
  public static final String HEADER = "X-Scope-OrgID";

  public static final int MAX_LENGTH = 64;

  /** {@code name} if it is a valid tenant name; otherwise an exception with one sentence. */
  public static String check(String name) {
    String problem = problem(name);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return name;
  }

  /** Why {@code name} is not a tenant name, or null when it is one. */
  public static String problem(String name) {
    if (name == null || name.isEmpty()) {
      return "a tenant name is empty";
    }
    if (name.length() > MAX_LENGTH) {
      return "a tenant name is longer than " + MAX_LENGTH + " characters";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      if (!ok) {
        return "a tenant name may hold only letters, digits, '.', '_' and '-'";
      }
    }
    return null;
  }

  private Tenant() {}
}
