package io.sextant.triage;

import java.util.List;
import java.util.Locale;

/**
 * Whether a name people use (a fault's target, a health check's dependency) names a component id:
 * the id itself, its head ({@code cache} names {@code cache (memcached @ 127.0.0.1:11211)}, {@code
 * node-3} names {@code node-3 (host)}), or a database by its namespace without a {@code -db} suffix
 * ({@code payments-db} names {@code mem:payments (h2 @ 127.0.0.1:5433)}).
 */
public final class ComponentNames {
  private ComponentNames() {}

  public static boolean names(String id, String name) {
    if (id.equals(name) || id.startsWith(name + " (")) {
      return true;
    }
    String bare = name.toLowerCase(Locale.ROOT);
    for (String suffix : List.of("-db", "_db", "-database")) {
      if (bare.endsWith(suffix)) {
        bare = bare.substring(0, bare.length() - suffix.length());
      }
    }
    int paren = id.indexOf(" (");
    if (paren < 0 || bare.equals(name.toLowerCase(Locale.ROOT))) {
      return false;
    }
    String head = id.substring(0, paren).toLowerCase(Locale.ROOT);
    return head.substring(head.lastIndexOf(':') + 1).equals(bare);
  }
}
