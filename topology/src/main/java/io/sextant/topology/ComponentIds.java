package io.sextant.topology;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How components are recognised from span attributes, shared by the map (its node ids) and triage
 * (what it blames): a service by its {@code service.name}; a database or cache by its namespace,
 * system and address; a queue by destination and system; an uninstrumented service by its {@code
 * peer.service}; anything else reached by address; a host by its name. Each is a {@link
 * ComponentId}, whose {@link ComponentId#display()} is the key both use; {@link #known} gives the
 * value back for a key, so nothing downstream reads the text.
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
      return new Callee(ComponentId.queue(destination, a.get(MSG_SYSTEM)));
    }
    String system = a.getOrDefault(DB_SYSTEM, a.get(DB_SYSTEM_NAME));
    String address = address(a);
    String peer = a.get(PEER);
    if (system != null) {
      String name = a.getOrDefault(DB_NAMESPACE, a.getOrDefault(DB_NAME, peer));
      return new Callee(ComponentId.datastore(name, system, address));
    }
    if (peer != null) {
      return new Callee(ComponentId.service(peer));
    }
    if (address != null) {
      String service = addressOf.get(address);
      return new Callee(
          service != null ? ComponentId.service(service) : ComponentId.external(address));
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

  /** The key of a queue ({@link ComponentId#queue}). */
  public static String queue(String destination, String system) {
    return ComponentId.queue(destination, system).display();
  }

  /** The key of a host ({@link ComponentId#host}). */
  public static String host(String hostName) {
    return ComponentId.host(hostName).display();
  }

  /** At most this many components are remembered by {@link #known}; the least recent go first. */
  static final int REMEMBERED = 50_000;

  private static final Map<String, ComponentId> KNOWN =
      Collections.synchronizedMap(
          new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ComponentId> eldest) {
              return size() > REMEMBERED;
            }
          });

  static String remember(ComponentId id) {
    String key = id.display();
    KNOWN.putIfAbsent(key, id);
    return key;
  }

  /**
   * The component whose {@link ComponentId#display()} is {@code key}, as it was recognised from
   * spans (the most recent {@link #REMEMBERED}); a key never recognised here is a service's name.
   */
  public static ComponentId known(String key) {
    ComponentId id = KNOWN.get(key);
    return id != null ? id : ComponentId.service(key);
  }

  public static boolean isCache(String dbSystem) {
    return CACHES.contains(dbSystem.toLowerCase(Locale.ROOT));
  }

  /** A component a call went to. */
  public record Callee(ComponentId component) {
    /** Its key: {@link ComponentId#display()}. */
    public String id() {
      return component.display();
    }

    public NodeKind kind() {
      return component.kind();
    }
  }
}
