package io.sextant.server.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.sextant.topology.ComponentId;
import java.io.IOException;

/**
 * A component as the API shows it, {@code {"id", "kind", "name", "system", "address"}}
 * (docs/api.md): clients read the parts from their fields, never from the id's text.
 */
public final class ComponentJson {
  private ComponentJson() {}

  /** The parts of {@code c} besides its id and kind, as fields of the object being written. */
  static void parts(JsonGenerator g, ComponentId c) throws IOException {
    g.writeStringField("name", c.name());
    g.writeStringField("system", c.system());
    g.writeStringField("address", c.address());
  }
}
