package io.sextant.server.slo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.sextant.query.DurationText;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The SLOs file given by {@code --slos}, written back when an SLO is edited through the API. Only
 * the {@code slos} list changes; {@code ui_url}, {@code notify} and {@code time_scale} stay as
 * written. Comments do not survive (the YAML is read and written as a tree). The new file replaces
 * the old one in one rename, and only after it has been read back as a valid SLOs file.
 */
public final class SloFile {
  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .build());

  private final Path file;

  public SloFile(Path file) {
    this.file = file.toAbsolutePath();
  }

  public Path path() {
    return file;
  }

  /** Writes {@code slo} in place of the SLO of its name, or after the others. */
  public synchronized void put(Slo slo) throws IOException {
    ObjectNode root = read();
    ArrayNode slos = slos(root);
    ObjectNode entry = entry(slo);
    int at = find(slos, slo.name());
    if (at < 0) {
      slos.add(entry);
    } else {
      slos.set(at, entry);
    }
    write(root);
  }

  /** Takes the SLO named {@code name} out of the file; whether it was there. */
  public synchronized boolean remove(String name) throws IOException {
    ObjectNode root = read();
    ArrayNode slos = slos(root);
    int at = find(slos, name);
    if (at < 0) {
      return false;
    }
    slos.remove(at);
    write(root);
    return true;
  }

  private ObjectNode read() throws IOException {
    JsonNode root = YAML.readTree(file.toFile());
    if (root == null || !root.isObject()) {
      throw new IOException(file + " is not a mapping with 'slos'");
    }
    return (ObjectNode) root;
  }

  private static ArrayNode slos(ObjectNode root) {
    JsonNode slos = root.get("slos");
    return slos instanceof ArrayNode a ? a : root.putArray("slos");
  }

  private static int find(ArrayNode slos, String name) {
    for (int i = 0; i < slos.size(); i++) {
      if (name.equals(slos.get(i).path("name").asText(null))) {
        return i;
      }
    }
    return -1;
  }

  static ObjectNode entry(Slo slo) {
    ObjectNode o = YAML.createObjectNode();
    o.put("name", slo.name());
    if (!slo.description().isEmpty()) {
      o.put("description", slo.description());
    }
    o.put("valid", slo.valid());
    o.put("good", slo.good());
    o.put("objective", percent(slo.objective()));
    o.put("window", DurationText.format(slo.window().toNanos()));
    return o;
  }

  /** 0.995 → 99.5, without the binary noise of the multiplication. */
  static double percent(double fraction) {
    return new BigDecimal(Double.toString(fraction))
        .movePointRight(2)
        .stripTrailingZeros()
        .doubleValue();
  }

  private void write(ObjectNode root) throws IOException {
    byte[] bytes = YAML.writeValueAsBytes(root);
    // What is written must load as it would at the next start.
    SloConfig.parse(new ByteArrayInputStream(bytes), file.toString());
    Path tmp = Files.createTempFile(file.getParent(), ".slos-", ".yaml.tmp");
    try {
      Files.write(tmp, bytes);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
