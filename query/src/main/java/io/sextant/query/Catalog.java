package io.sextant.query;

import io.sextant.store.spi.AttributeKey;
import io.sextant.store.spi.FieldType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every field a question may name, with its type: the core fields of the event, then every
 * attribute key the store has seen. A name not in the catalog is refused, with the nearest known
 * names as suggestions, rather than answered with an empty result that looks real.
 */
public final class Catalog {

  /** The core fields of every event, in display order, with their types. */
  public static final Map<String, FieldType> CORE;

  static {
    Map<String, FieldType> core = new LinkedHashMap<>();
    core.put("time", FieldType.TIMESTAMP);
    core.put("kind", FieldType.STRING);
    core.put("trace_id", FieldType.STRING);
    core.put("span_id", FieldType.STRING);
    core.put("parent_span_id", FieldType.STRING);
    core.put("service.name", FieldType.STRING);
    core.put("name", FieldType.STRING);
    core.put("span.kind", FieldType.STRING);
    core.put("duration", FieldType.NUMBER);
    core.put("status", FieldType.STRING);
    core.put("status_message", FieldType.STRING);
    core.put("severity_number", FieldType.NUMBER);
    core.put("severity_text", FieldType.STRING);
    core.put("body", FieldType.STRING);
    core.put("error", FieldType.BOOL);
    CORE = Collections.unmodifiableMap(core);
  }

  private final Map<String, Field> fields;

  private Catalog(Map<String, Field> fields) {
    this.fields = fields;
  }

  /** The core fields plus {@code keys}; a key named like a core field is the core field. */
  public static Catalog of(Collection<AttributeKey> keys) {
    Map<String, Field> fields = new LinkedHashMap<>();
    CORE.forEach((name, type) -> fields.put(name, new Field(name, type, true, Set.of(), Set.of())));
    Map<String, Set<AttributeKey.Origin>> origins = new LinkedHashMap<>();
    Map<String, Set<FieldType>> types = new LinkedHashMap<>();
    for (AttributeKey k : keys) {
      if (CORE.containsKey(k.key())) {
        continue;
      }
      origins
          .computeIfAbsent(k.key(), x -> EnumSet.noneOf(AttributeKey.Origin.class))
          .add(k.origin());
      types.computeIfAbsent(k.key(), x -> EnumSet.noneOf(FieldType.class)).add(k.type());
    }
    origins.keySet().stream()
        .sorted()
        .forEach(
            key -> {
              Set<FieldType> seen = types.get(key);
              fields.put(
                  key, new Field(key, FieldType.widest(seen), false, origins.get(key), seen));
            });
    return new Catalog(Collections.unmodifiableMap(fields));
  }

  public Collection<Field> fields() {
    return fields.values();
  }

  public boolean contains(String name) {
    return fields.containsKey(name);
  }

  /** The field named {@code name}, or a {@link QueryException} naming the nearest known ones. */
  public Field resolve(String name) {
    Field f = fields.get(name);
    if (f != null) {
      return f;
    }
    List<String> near = nearest(name);
    throw new QueryException(
        "unknown column '"
            + name
            + "'"
            + (near.isEmpty() ? "" : "; did you mean " + String.join(" or ", near) + "?")
            + (near.isEmpty() ? "; GET /api/v1/columns lists the known ones" : ""));
  }

  private List<String> nearest(String name) {
    List<String> out = new ArrayList<>();
    int best = Math.max(2, name.length() / 4) + 1;
    for (String known : fields.keySet()) {
      int d = distance(name.toLowerCase(Locale.ROOT), known.toLowerCase(Locale.ROOT));
      if (d < best) {
        best = d;
        out.clear();
      }
      if (d == best && out.size() < 3) {
        out.add(known);
      }
    }
    return out;
  }

  /** Levenshtein distance, for the "did you mean" of an unknown name or word. */
  public static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
