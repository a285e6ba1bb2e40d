package io.sextant.topology.declared;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dependencies a team believes exist, from a YAML file: each service with the callees it is
 * expected to use, a callee optionally with an SLO for that edge.
 *
 * <pre>
 * checkout:
 *   - payments
 *   - cart-db: {p99_ms: 50, error_pct: 1}
 * </pre>
 *
 * Callees are named as health checks name dependencies ({@link
 * io.sextant.topology.ComponentId#matches}).
 */
public record DeclaredModel(Map<String, List<Declared>> services) {
  public DeclaredModel {
    services = Map.copyOf(services);
  }

  /**
   * One expected call and its SLO; a null bound is not checked.
   *
   * @param p99Ms the edge's p99 must not be above this
   * @param errorPct the edge's error % must not be above this
   */
  public record Declared(String callee, Double p99Ms, Double errorPct) {}

  public static final DeclaredModel NONE = new DeclaredModel(Map.of());

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  public static DeclaredModel load(Path file) throws IOException {
    return parse(Files.readString(file));
  }

  /** The model in {@code yaml}; a shape it does not expect is refused with where it is. */
  public static DeclaredModel parse(String yaml) throws IOException {
    JsonNode root = YAML.readTree(yaml);
    if (root == null || root.isNull() || root.isMissingNode()) {
      return NONE;
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException(
          "declared dependencies: the top level must map each service to its callees");
    }
    Map<String, List<Declared>> out = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = root.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> s = it.next();
      List<Declared> callees = new ArrayList<>();
      JsonNode list = s.getValue();
      if (!list.isArray()) {
        throw new IllegalArgumentException(
            "declared dependencies: " + s.getKey() + " must have a list of callees");
      }
      for (JsonNode c : list) {
        if (c.isTextual()) {
          callees.add(new Declared(c.asText(), null, null));
        } else if (c.isObject() && c.size() == 1) {
          Map.Entry<String, JsonNode> e = c.fields().next();
          JsonNode slo = e.getValue();
          callees.add(
              new Declared(
                  e.getKey(),
                  slo.hasNonNull("p99_ms") ? slo.get("p99_ms").asDouble() : null,
                  slo.hasNonNull("error_pct") ? slo.get("error_pct").asDouble() : null));
        } else {
          throw new IllegalArgumentException(
              "declared dependencies: a callee of "
                  + s.getKey()
                  + " must be a name or name: {p99_ms, error_pct}, not "
                  + c);
        }
      }
      out.put(s.getKey(), callees);
    }
    return new DeclaredModel(out);
  }
}
