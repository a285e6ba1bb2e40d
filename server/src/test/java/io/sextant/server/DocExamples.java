package io.sextant.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON examples of a document, by the heading they stand under, and a comparison of their shape
 * with real answers. An example may elide with {@code …} (or {@code ...}): an elided array item is
 * dropped, and an object with an elided member ({@code …} or {@code "…": "…"}) may hold more fields
 * than it shows. An object without one must show every field the real answer has.
 */
final class DocExamples {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String ELIDED = "\u2026";

  private DocExamples() {}

  /** Heading ({@code ### …} line, without the hashes) → its JSON examples, in order. */
  static Map<String, List<JsonNode>> read(Path markdown) throws IOException {
    Map<String, List<JsonNode>> out = new LinkedHashMap<>();
    String heading = "";
    StringBuilder block = null;
    for (String line : Files.readAllLines(markdown)) {
      if (block != null) {
        if (line.startsWith("```")) {
          out.computeIfAbsent(heading, h -> new ArrayList<>()).add(parse(block.toString()));
          block = null;
        } else {
          block.append(line).append('\n');
        }
      } else if (line.startsWith("```json")) {
        block = new StringBuilder();
      } else if (line.startsWith("#")) {
        heading = line.replaceFirst("^#+\\s*", "").strip();
      }
    }
    return out;
  }

  /** The first JSON value of {@code text}, its elisions made parseable. */
  static JsonNode parse(String text) throws IOException {
    try (JsonParser p = JSON.getFactory().createParser(lenient(text))) {
      return JSON.readTree(p);
    }
  }

  /**
   * {@code text} with each bare {@code …}/{@code ...} turned into JSON: the string {@code "…"} in
   * an array, the member {@code "…": "…"} in an object.
   */
  static String lenient(String text) {
    StringBuilder out = new StringBuilder();
    Deque<Character> open = new ArrayDeque<>();
    boolean inString = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (inString) {
        out.append(c);
        if (c == '\\') {
          out.append(text.charAt(++i));
        } else if (c == '"') {
          inString = false;
        }
        continue;
      }
      boolean dots = text.startsWith("...", i);
      if (c == '\u2026' || dots) {
        boolean inObject = !open.isEmpty() && open.peek() == '{';
        // In an object, a bare elision stands where a member would, or where a value would.
        boolean asValue = inObject && endsWithColon(out);
        out.append(inObject && !asValue ? "\"…\": \"…\"" : "\"…\"");
        i += dots ? 2 : 0;
        continue;
      }
      switch (c) {
        case '"' -> inString = true;
        case '{', '[' -> open.push(c);
        case '}', ']' -> open.pop();
        default -> {}
      }
      out.append(c);
    }
    return out.toString();
  }

  private static boolean endsWithColon(StringBuilder s) {
    for (int i = s.length() - 1; i >= 0; i--) {
      if (!Character.isWhitespace(s.charAt(i))) {
        return s.charAt(i) == ':';
      }
    }
    return false;
  }

  /**
   * Where {@code real} differs in shape from {@code doc}: a documented field missing, a field the
   * example does not show (unless it elides), or a value of another JSON type. Values under {@code
   * maps} (fields whose keys are data, not names) are compared by the type of their values only;
   * {@code name.*} in {@code maps} says the values of such a field are maps too, and {@code ?name}
   * that the field is optional (present only when it applies). A null on either side matches
   * anything (the field is nullable).
   */
  static List<String> differences(JsonNode doc, JsonNode real, Set<String> maps) {
    List<String> out = new ArrayList<>();
    compare("$", doc, real, maps, false, out);
    return out;
  }

  private static void compare(
      String path, JsonNode doc, JsonNode real, Set<String> maps, boolean map, List<String> out) {
    if (doc.isNull() || real.isNull() || doc.isTextual() && doc.asText().equals(ELIDED)) {
      return;
    }
    if (doc.getNodeType() != real.getNodeType()) {
      out.add(path + ": documented as " + doc.getNodeType() + ", answered " + real.getNodeType());
      return;
    }
    if (doc.isObject()) {
      if (map) {
        // A key the example shows is compared with it; any other with the first value, when
        // that is an object or array (the map's values have one shape), else not at all.
        JsonNode first = firstValue(doc);
        real.properties()
            .forEach(
                e -> {
                  JsonNode example = doc.has(e.getKey()) ? doc.get(e.getKey()) : first;
                  if (example != null && (doc.has(e.getKey()) || example.isContainerNode())) {
                    compare(
                        path + "." + e.getKey(),
                        example,
                        e.getValue(),
                        maps,
                        maps.contains(name(path) + ".*"),
                        out);
                  }
                });
        return;
      }
      boolean elided = doc.has(ELIDED);
      for (Iterator<Map.Entry<String, JsonNode>> it = doc.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals(ELIDED)) {
          continue;
        }
        JsonNode r = real.get(e.getKey());
        if (r == null) {
          if (!maps.contains("?" + e.getKey())) {
            out.add(path + "." + e.getKey() + ": documented, not in the answer");
          }
        } else {
          compare(path + "." + e.getKey(), e.getValue(), r, maps, maps.contains(e.getKey()), out);
        }
      }
      if (!elided) {
        real.fieldNames()
            .forEachRemaining(
                k -> {
                  if (!doc.has(k) && !maps.contains("?" + k)) {
                    out.add(path + "." + k + ": in the answer, not documented");
                  }
                });
      }
    } else if (doc.isArray()) {
      List<JsonNode> shown = new ArrayList<>();
      doc.forEach(
          d -> {
            if (!(d.isTextual() && d.asText().equals(ELIDED))) {
              shown.add(d);
            }
          });
      if (shown.isEmpty()) {
        return;
      }
      for (int i = 0; i < real.size(); i++) {
        // An item matches the documented item it is most like (a trace holds spans and logs).
        List<String> best = null;
        for (JsonNode d : shown) {
          List<String> diff = new ArrayList<>();
          compare(path + "[" + i + "]", d, real.get(i), maps, false, diff);
          if (best == null || diff.size() < best.size()) {
            best = diff;
          }
        }
        out.addAll(best);
      }
    }
  }

  /** The last field name of {@code path} ({@code $.a[0].b} → {@code b}). */
  private static String name(String path) {
    String last = path.substring(path.lastIndexOf('.') + 1);
    int bracket = last.indexOf('[');
    return bracket < 0 ? last : last.substring(0, bracket);
  }

  private static JsonNode firstValue(JsonNode object) {
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getKey().equals(ELIDED) && !e.getValue().isNull()) {
        return e.getValue();
      }
    }
    return null;
  }
}
