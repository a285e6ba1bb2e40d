package io.sextant.topology;

import java.util.List;
import java.util.Locale;

/**
 * How a name written by people (a health check's dependency, a declared callee) names a node of the
 * map: by its id, its {@code peer.service}, {@code db.namespace}, {@code db.name} or {@code
 * messaging.destination.name}, or — for databases and caches — by the namespace without a URL-style
 * prefix, matched against the name without a {@code -db} suffix ({@code cart-db} names {@code
 * mem:cart (h2 @ …)}).
 */
public final class NodeNames {
  private NodeNames() {}

  public static boolean names(Node n, String name) {
    if (n.id().equals(name)) {
      return true;
    }
    for (String key :
        List.of("peer.service", "db.namespace", "db.name", "messaging.destination.name")) {
      if (name.equals(n.attributes().get(key))) {
        return true;
      }
    }
    if (n.kind() == NodeKind.DATABASE || n.kind() == NodeKind.CACHE) {
      String wanted = strip(name.toLowerCase(Locale.ROOT));
      for (String key : List.of("db.namespace", "db.name")) {
        String v = n.attributes().get(key);
        if (v != null) {
          String bare = v.substring(v.lastIndexOf(':') + 1).toLowerCase(Locale.ROOT);
          if (!bare.isEmpty() && bare.equals(wanted)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static String strip(String name) {
    for (String suffix : List.of("-db", "_db", "-database")) {
      if (name.endsWith(suffix) && name.length() > suffix.length()) {
        return name.substring(0, name.length() - suffix.length());
      }
    }
    return name;
  }
}
