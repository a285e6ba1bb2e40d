package io.sextant.server.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.topology.ComponentId;
import io.sextant.topology.ComponentIds;
import java.io.IOException;

/**
 * A component as the API shows it, {@code {"id", "kind", "name", "system", "address"}}
 * (docs/api.md): clients read the parts from their fields, never from the id's text.
 */
public final class ComponentJson {
  private ComponentJson() {}

  /** The component whose id (its display text) is {@code key}, as an object. */
  public static ObjectNode of(String key) {
    ComponentId c = ComponentIds.known(key);
    ObjectNode o = TriageApi.JSON.createObjectNode();
    o.put("id", c.display());
    o.put("kind", c.kind().label());
    o.put("name", c.name());
    if (c.system() == null) {
      o.putNull("system");
    } else {
      o.put("system", c.system());
    }
    if (c.address() == null) {
      o.putNull("address");
    } else {
      o.put("address", c.address());
    }
    return o;
  }

  /** The parts of {@code c} besides its id and kind, as fields of the object being written. */
  static void parts(JsonGenerator g, ComponentId c) throws IOException {
    g.writeStringField("name", c.name());
    g.writeStringField("system", c.system());
    g.writeStringField("address", c.address());
  }
}
