package io.sextant.topology.health;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Reads the two health formats Sextant understands into a verdict and dependencies. */
final class HealthAnswers {
  private HealthAnswers() {}

  /**
   * @param spring whether it is Spring Boot's format, whose components answer on their own at
   *     {@code <url>/<component>}
   */
  record Answer(boolean healthy, List<HealthResult.Dependency> dependencies, boolean spring) {}

  /** The answer in {@code json}, or null when it is in neither format. */
  static Answer read(JsonNode json) {
    if (json == null || !json.isObject()) {
      return null;
    }
    if (json.path("healthy").isBoolean()) {
      List<HealthResult.Dependency> deps = new ArrayList<>();
      for (JsonNode d : json.path("dependencies")) {
        deps.add(
            new HealthResult.Dependency(
                d.path("name").asText(),
                d.path("healthy").asBoolean(false),
                d.hasNonNull("detail") ? d.get("detail").asText() : null));
      }
      return new Answer(json.get("healthy").asBoolean(), deps, false);
    }
    if (json.path("status").isTextual()) {
      // Spring Boot: UP is healthy; DOWN and OUT_OF_SERVICE are not; UNKNOWN counts as healthy,
      // as Spring's own aggregator orders it below UP only for display.
      List<HealthResult.Dependency> deps = new ArrayList<>();
      Iterator<Map.Entry<String, JsonNode>> it = json.path("components").fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> c = it.next();
        String status = c.getValue().path("status").asText("UNKNOWN");
        deps.add(new HealthResult.Dependency(c.getKey(), up(status), status));
      }
      return new Answer(up(json.get("status").asText()), deps, true);
    }
    return null;
  }

  private static boolean up(String status) {
    return !status.equals("DOWN") && !status.equals("OUT_OF_SERVICE");
  }
}
