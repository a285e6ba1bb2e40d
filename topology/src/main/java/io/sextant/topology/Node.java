package io.sextant.topology;

import java.util.Map;

/**
 * A node of the map.
 *
 * @param id stable and human-readable: a service's name, or for a component its name, system and
 *     address, e.g. {@code payments (h2 @ 127.0.0.1:5433)}; what triage blames
 * @param kind what it is
 * @param instrumented whether spans come from the node itself (false for components and for
 *     services seen only from their callers' side)
 * @param attributes the span attributes that identified it ({@code db.system}, {@code
 *     server.address}…); empty for instrumented services
 * @param red the calls into it: server and consumer spans for an instrumented service, the callers'
 *     client and producer spans otherwise
 */
public record Node(
    String id, NodeKind kind, boolean instrumented, Map<String, String> attributes, Red red) {
  public Node {
    attributes = Map.copyOf(attributes);
  }
}
