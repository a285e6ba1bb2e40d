package io.sextant.server.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Makes inputs from seeds. A byte mutant is a seed changed by up to {@link #MAX_EDITS} edits: bit
 * flips, interesting bytes, inserted, deleted or repeated pieces, a piece of another seed,
 * truncation, and tokens that have broken parsers before ({@code 1e999}, {@code "\ud800"}, YAML
 * anchors, huge integers, deep nesting). A tree mutant changes a JSON seed's values and shapes
 * while keeping it JSON, so the parser's deeper rules are reached, not only its tokenizer.
 */
public final class Mutator {
  static final int MAX_EDITS = 12;
  static final int MAX_BYTES = 64 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final byte[] INTERESTING = {
    0,
    1,
    -1,
    0x7f,
    (byte) 0x80,
    (byte) 0xc0,
    (byte) 0xfe,
    '"',
    '\\',
    '{',
    '}',
    '[',
    ']',
    ':',
    ',',
    '\n',
    ' ',
    '\'',
    '|',
    '-',
    '#',
    '&',
    '*',
    '!',
    '%'
  };
  private static final List<String> TOKENS =
      List.of(
          "1e999",
          "-1e999",
          "NaN",
          "-0",
          "18446744073709551616",
          "-9223372036854775809",
          "9223372036854775807",
          "0.000000000000000000000001",
          "\"\\ud800\"",
          "\"\\u0000\"",
          "\"\u2028\"",
          "null",
          "true",
          "[]",
          "{}",
          "\"\"",
          "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
          "{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{}}}}}}",
          "&a ",
          "*a",
          "!!binary ",
          "!!java.lang.Object ",
          "<<: *a",
          "${x}",
          "${",
          "%00",
          "\t",
          "\r\n",
          "'",
          "`",
          "\\",
          "\u00ff\u00fe",
          "\uffff",
          "ffffffffffffffffffffffffffffffff",
          "00000000000000000000000000000000",
          "AAAAAAAAAAAAAAAAAAAAAA==");

  private final Random random;
  private final List<byte[]> seeds;
  private final List<String> words;

  /**
   * @param words tokens of the parser's own language (field names, keywords) that mutants and
   *     sentences use besides the shared ones
   */
  public Mutator(Random random, List<byte[]> seeds, List<String> words) {
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("a mutator needs at least one seed");
    }
    this.random = random;
    this.seeds = List.copyOf(seeds);
    this.words = List.copyOf(words);
  }

  public Random random() {
    return random;
  }

  /** A seed changed by 1 to {@link #MAX_EDITS} byte edits. */
  public byte[] bytes() {
    byte[] b = seeds.get(random.nextInt(seeds.size())).clone();
    int edits = 1 + random.nextInt(MAX_EDITS);
    for (int i = 0; i < edits; i++) {
      b = edit(b);
    }
    return b.length > MAX_BYTES ? Arrays.copyOf(b, MAX_BYTES) : b;
  }

  /** {@link #bytes()} as text (invalid UTF-8 becomes U+FFFD, as a server's decoding would). */
  public String text() {
    return new String(bytes(), StandardCharsets.UTF_8);
  }

  /** Up to three of {@code pieces} joined: texts with the edge cases a generator wants. */
  public static String pieces(Random random, String[] pieces) {
    StringBuilder s = new StringBuilder();
    for (int i = 0, n = random.nextInt(4); i < n; i++) {
      s.append(pieces[random.nextInt(pieces.length)]);
    }
    return s.toString();
  }

  /** A sentence of 1–20 of the parser's own words and shared tokens, separated by spaces. */
  public String sentence() {
    int n = 1 + random.nextInt(20);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        s.append(random.nextInt(8) == 0 ? "" : " ");
      }
      s.append(random.nextInt(4) == 0 ? pick(TOKENS) : pick(words));
    }
    return s.toString();
  }

  /**
   * A JSON seed changed by 1 to {@link #MAX_EDITS} tree edits, still JSON; a seed that is not JSON
   * is returned as a byte mutant.
   */
  public byte[] json() {
    JsonNode root;
    try {
      root = JSON.readTree(seeds.get(random.nextInt(seeds.size())));
    } catch (Exception e) {
      return bytes();
    }
    if (root == null || !root.isContainerNode()) {
      return bytes();
    }
    int edits = 1 + random.nextInt(MAX_EDITS);
    for (int i = 0; i < edits; i++) {
      List<JsonNode> containers = new ArrayList<>();
      collect(root, containers);
      editTree(containers.get(random.nextInt(containers.size())));
    }
    try {
      byte[] out = JSON.writeValueAsBytes(root);
      return out.length > MAX_BYTES ? bytes() : out;
    } catch (Exception e) {
      return bytes();
    }
  }

  private byte[] edit(byte[] b) {
    int at = b.length == 0 ? 0 : random.nextInt(b.length + 1);
    switch (random.nextInt(9)) {
      case 0 -> {
        if (b.length > 0) {
          int i = Math.min(at, b.length - 1);
          b[i] ^= (byte) (1 << random.nextInt(8));
        }
        return b;
      }
      case 1 -> {
        if (b.length > 0) {
          b[Math.min(at, b.length - 1)] = INTERESTING[random.nextInt(INTERESTING.length)];
        }
        return b;
      }
      case 2 -> {
        byte[] piece = new byte[1 + random.nextInt(8)];
        random.nextBytes(piece);
        return insert(b, at, piece);
      }
      case 3 -> {
        int len = b.length == 0 ? 0 : 1 + random.nextInt(Math.min(32, b.length));
        int from = Math.min(at, b.length - len);
        byte[] out = new byte[b.length - len];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(b, from + len, out, from, b.length - from - len);
        return out;
      }
      case 4 -> {
        // repeat a piece, sometimes many times: long strings, deep nesting, many items
        if (b.length == 0) {
          return b;
        }
        int from = random.nextInt(b.length);
        int len = 1 + random.nextInt(Math.min(64, b.length - from));
        int times = random.nextInt(4) == 0 ? 1 + random.nextInt(2_000) : 1 + random.nextInt(4);
        byte[] piece = Arrays.copyOfRange(b, from, from + len);
        byte[] many = new byte[Math.min(MAX_BYTES, piece.length * times)];
        for (int i = 0; i < many.length; i++) {
          many[i] = piece[i % piece.length];
        }
        return insert(b, at, many);
      }
      case 5 -> {
        byte[] other = seeds.get(random.nextInt(seeds.size()));
        if (other.length == 0) {
          return b;
        }
        int from = random.nextInt(other.length);
        int len = 1 + random.nextInt(Math.min(256, other.length - from));
        return insert(b, at, Arrays.copyOfRange(other, from, from + len));
      }
      case 6 -> {
        return Arrays.copyOf(b, at);
      }
      case 7 -> {
        return insert(b, at, pick(TOKENS).getBytes(StandardCharsets.UTF_8));
      }
      default -> {
        return words.isEmpty() ? b : insert(b, at, pick(words).getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private void editTree(JsonNode container) {
    if (container instanceof ObjectNode o) {
      List<String> names = new ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      String name = names.isEmpty() || random.nextInt(5) == 0 ? word() : pick(names);
      switch (random.nextInt(4)) {
        case 0 -> o.remove(name);
        case 1 -> o.set(name, value(o.get(name)));
        case 2 -> o.set(word(), value(null));
        default -> {
          JsonNode v = o.get(name);
          if (v != null) {
            o.set(name, v.deepCopy());
            o.set(word(), v.deepCopy());
          }
        }
      }
    } else if (container instanceof ArrayNode a) {
      int i = a.isEmpty() ? 0 : random.nextInt(a.size());
      switch (random.nextInt(4)) {
        case 0 -> {
          if (!a.isEmpty()) {
            a.remove(i);
          }
        }
        case 1 -> {
          if (!a.isEmpty()) {
            a.set(i, value(a.get(i)));
          }
        }
        case 2 -> {
          if (!a.isEmpty()) {
            int copies = random.nextInt(6) == 0 ? 1 + random.nextInt(300) : 1;
            for (int c = 0; c < copies; c++) {
              a.add(a.get(i).deepCopy());
            }
          }
        }
        default -> a.add(value(null));
      }
    }
  }

  /** A value: often one like {@code old} with an edge-case content, sometimes of another type. */
  private JsonNode value(JsonNode old) {
    int choice = random.nextInt(12);
    if (old != null && old.isTextual() && choice < 5) {
      String t = old.asText();
      return switch (choice) {
        case 0 -> NODES.textNode("");
        case 1 -> NODES.textNode(t.repeat(1 + random.nextInt(200)));
        case 2 ->
            NODES.textNode(t.isEmpty() ? "\ud800" : t.substring(0, random.nextInt(t.length())));
        case 3 -> NODES.textNode(t + pick(TOKENS));
        default -> NODES.textNode(pick(words.isEmpty() ? TOKENS : words));
      };
    }
    if (old != null && old.isNumber() && choice < 5) {
      return switch (choice) {
        case 0 -> NODES.numberNode(-old.asLong());
        case 1 -> NODES.numberNode(Long.MAX_VALUE);
        case 2 -> NODES.numberNode(new BigInteger("18446744073709551616"));
        case 3 -> NODES.numberNode(1e308);
        default -> NODES.numberNode(0);
      };
    }
    return switch (choice) {
      case 5 -> NODES.nullNode();
      case 6 -> NODES.booleanNode(random.nextBoolean());
      case 7 -> NODES.numberNode(random.nextLong());
      case 8 -> NODES.textNode(pick(TOKENS));
      case 9 -> NODES.arrayNode();
      case 10 -> {
        ObjectNode o = NODES.objectNode();
        o.put(word(), pick(TOKENS));
        yield o;
      }
      default -> NODES.textNode(word());
    };
  }

  private String word() {
    return words.isEmpty() || random.nextInt(6) == 0 ? "x" + random.nextInt(4) : pick(words);
  }

  private <E> E pick(List<E> list) {
    return list.get(random.nextInt(list.size()));
  }

  private static byte[] insert(byte[] b, int at, byte[] piece) {
    int len = Math.min(piece.length, Math.max(0, MAX_BYTES - b.length));
    byte[] out = new byte[b.length + len];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(piece, 0, out, at, len);
    System.arraycopy(b, at, out, at + len, b.length - at);
    return out;
  }

  private static void collect(JsonNode node, List<JsonNode> out) {
    if (node.isContainerNode()) {
      out.add(node);
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      if (node.isObject()) {
        while (fields.hasNext()) {
          collect(fields.next().getValue(), out);
        }
      } else {
        node.forEach(child -> collect(child, out));
      }
    }
  }
}
