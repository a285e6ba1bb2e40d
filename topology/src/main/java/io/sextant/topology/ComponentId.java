package io.sextant.topology;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a component is, as a value: the map's nodes and triage's suspects are these, and {@link
 * #display()} is the one place their text is made (docs/adr/0023-component-id.md). Nothing reads
 * the text back: code that needs the kind, the system or the address asks the value.
 *
 * @param kind service, database, cache, queue, host or external
 * @param name a service's {@code service.name} (or {@code peer.service}), a database's namespace, a
 *     queue's destination, a host's name, or an external component's address
 * @param system {@code db.system} or {@code messaging.system}; null for the other kinds
 * @param address {@code server.address[:port]} of a database or cache; null otherwise
 */
public record ComponentId(NodeKind kind, String name, String system, String address) {
  private static final List<String> DB_SUFFIXES = List.of("-db", "_db", "-database");

  public ComponentId {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
  }

  public static ComponentId service(String name) {
    return new ComponentId(NodeKind.SERVICE, name, null, null);
  }

  /** A database, or a cache when {@code system} is one ({@link ComponentIds#isCache}). */
  public static ComponentId datastore(String name, String system, String address) {
    Objects.requireNonNull(system, "system");
    NodeKind kind = ComponentIds.isCache(system) ? NodeKind.CACHE : NodeKind.DATABASE;
    return remembered(new ComponentId(kind, name == null ? system : name, system, address));
  }

  public static ComponentId queue(String destination, String system) {
    return remembered(
        new ComponentId(NodeKind.QUEUE, destination, system == null ? "queue" : system, null));
  }

  public static ComponentId host(String name) {
    return remembered(new ComponentId(NodeKind.HOST, name, null, null));
  }

  public static ComponentId external(String address) {
    return remembered(new ComponentId(NodeKind.EXTERNAL, address, null, null));
  }

  /**
   * Components made by the factories can be found again by their text ({@link ComponentIds#known}).
   */
  private static ComponentId remembered(ComponentId id) {
    ComponentIds.remember(id);
    return id;
  }

  /**
   * The text people read, and the key the map and triage use: {@code checkout}; {@code payments
   * (postgresql @ db:5432)}; {@code orders (kafka)}; {@code node-3 (host)}; {@code 10.0.0.7:443}.
   */
  public String display() {
    return switch (kind) {
      case SERVICE, EXTERNAL -> name;
      case DATABASE, CACHE -> name + " (" + system + (address == null ? "" : " @ " + address) + ")";
      case QUEUE -> name + " (" + system + ")";
      case HOST -> name + " (host)";
    };
  }

  /**
   * Whether a name people write (a fault's target, a health check's dependency, a declared callee)
   * names this component: its text, its name, or — for a database or cache — its name without a
   * URL-style prefix, written with a {@code -db}, {@code _db} or {@code -database} suffix ({@code
   * payments-db} names {@code mem:payments (h2 @ 127.0.0.1:5433)}).
   */
  public boolean matches(String written) {
    if (written == null || written.isEmpty()) {
      return false;
    }
    if (written.equals(name) || written.equals(display())) {
      return true;
    }
    if (kind != NodeKind.DATABASE && kind != NodeKind.CACHE) {
      return false;
    }
    String lower = written.toLowerCase(Locale.ROOT);
    for (String suffix : DB_SUFFIXES) {
      if (lower.endsWith(suffix) && lower.length() > suffix.length()) {
        String wanted = lower.substring(0, lower.length() - suffix.length());
        String bare = name.substring(name.lastIndexOf(':') + 1).toLowerCase(Locale.ROOT);
        return bare.equals(wanted);
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return display();
  }
}
