package io.sextant.topology;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The human-readable identities of components, shared by the map (its node ids) and triage (what it
 * blames): a service by its {@code service.name}; a database or cache by {@code name (system @
 * address:port)}; a queue by {@code destination (system)}; an uninstrumented service by its {@code
 * peer.service}; anything else reached by address as {@code address:port}; a host as {@code name
 * (host)}.
 */
public final class ComponentIds {
  public static final String SERVICE = "service.name";
  public static final String DB_SYSTEM = "db.system";
  public static final String DB_SYSTEM_NAME = "db.system.name";
  public static final String DB_NAMESPACE = "db.namespace";
  public static final String DB_NAME = "db.name";
  public static final String ADDRESS = "server.address";
  public static final String PORT = "server.port";
  public static final String PEER = "peer.service";
  public static final String MSG_SYSTEM = "messaging.system";
  public static final String DESTINATION = "messaging.destination.name";

  /** {@code db.system} values that are caches rather than databases. */
  private static final Set<String> CACHES =
      Set.of("redis", "memcached", "valkey", "hazelcast", "ehcache", "caffeine", "geode");

  private ComponentIds() {}

  /**
   * What a client or producer span with no server or consumer child called, from its attributes;
   * {@code addressOf} maps {@code address:port} to the service seen answering there. Null when the
   * span says nothing about its callee.
   */
  public static Callee callee(Map<String, String> a, Map<String, String> addressOf) {
    String destination = a.get(DESTINATION);
    if (destination != null) {
      return new Callee(queue(destination, a.get(MSG_SYSTEM)), NodeKind.QUEUE);
    }
    String system = a.getOrDefault(DB_SYSTEM, a.get(DB_SYSTEM_NAME));
    String address = address(a);
    String peer = a.get(PEER);
    if (system != null) {
      String name = a.getOrDefault(DB_NAMESPACE, a.getOrDefault(DB_NAME, peer));
      String id =
          (name == null ? system : name)
              + " ("
              + system
              + (address == null ? "" : " @ " + address)
              + ")";
      return new Callee(id, isCache(system) ? NodeKind.CACHE : NodeKind.DATABASE);
    }
    if (peer != null) {
      return new Callee(peer, NodeKind.SERVICE);
    }
    if (address != null) {
      String service = addressOf.get(address);
      return service != null
          ? new Callee(service, NodeKind.SERVICE)
          : new Callee(address, NodeKind.EXTERNAL);
    }
    return null;
  }

  /** {@code address:port}, {@code address}, or null. */
  public static String address(Map<String, String> a) {
    String address = a.get(ADDRESS);
    if (address == null) {
      return null;
    }
    String port = a.get(PORT);
    return address + (port == null ? "" : ":" + port);
  }

  public static String queue(String destination, String system) {
    return destination + " (" + (system == null ? "queue" : system) + ")";
  }

  public static String host(String hostName) {
    return hostName + " (host)";
  }

  public static boolean isCache(String dbSystem) {
    return CACHES.contains(dbSystem.toLowerCase(Locale.ROOT));
  }

  /** A component a call went to, and what kind of thing it is. */
  public record Callee(String id, NodeKind kind) {}
}
