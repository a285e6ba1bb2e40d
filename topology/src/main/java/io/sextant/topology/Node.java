package io.sextant.topology;

import java.util.Map;

/**
 * A node of the map.
 *
 * @param component what it is: a service, or a database, cache, queue or external component with
 *     its name, system and address; its {@link ComponentId#display()} is the node's id, what triage
 *     blames
 * @param instrumented whether spans come from the node itself (false for components and for
 *     services seen only from their callers' side)
 * @param attributes the span attributes that identified it ({@code db.system}, {@code
 *     server.address}…); empty for instrumented services
 * @param red the calls into it: server and consumer spans for an instrumented service, the callers'
 *     client and producer spans otherwise
 */
public record Node(
    ComponentId component, boolean instrumented, Map<String, String> attributes, Red red) {
  public Node {
    attributes = Map.copyOf(attributes);
  }

  /** Stable and human-readable: {@code checkout}, {@code payments (h2 @ 127.0.0.1:5433)}. */
  public String id() {
    return component.display();
  }

  public NodeKind kind() {
    return component.kind();
  }
}
