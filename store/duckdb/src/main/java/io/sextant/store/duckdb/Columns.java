package io.sextant.store.duckdb;

import io.sextant.store.duckdb.Schema.Promoted;
import io.sextant.store.spi.JsonText;
import io.sextant.store.spi.SqlAccess;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The events table's promoted columns as they are now: the fixed list ({@link Schema#PROMOTED}),
 * then the columns learned from the data (docs/adr/0022-learned-columns.md). Immutable: the store
 * swaps in a larger one when it learns a column, and a batch staged against an older one is still
 * right (its values of the new key stay in the attributes object, which reads fall back to).
 */
final class Columns {
  /** The fixed list, then the learned columns in the order they were added. */
  final List<Promoted> promoted;

  /** Span/log attribute keys with a column → their index in {@link #promoted}. */
  final Map<String, Integer> attributeColumns;

  /** Indexes in {@link #promoted} of the copies of resource attributes (all strings). */
  final int[] resourceColumns;

  /** The INSERT that moves a batch staged against these columns into the table. */
  final String insertSql;

  /** What {@link EventRows#read} expects, in order. */
  final String rowColumns;

  /** Where each field lives, for the query engine. */
  final SqlAccess.SqlLayout layout;

  /** The number of learned columns. */
  final int learned;

  // Every column name of the table, lower case: DuckDB's identifiers ignore case.
  private final Set<String> names;

  static final Columns FIXED = new Columns(Schema.PROMOTED);

  private Columns(List<Promoted> promoted) {
    this.promoted = List.copyOf(promoted);
    Map<String, Integer> byKey = new HashMap<>();
    List<Integer> fromResource = new ArrayList<>();
    int learnedCount = 0;
    for (int i = 0; i < this.promoted.size(); i++) {
      Promoted p = this.promoted.get(i);
      if (p.learned()) {
        learnedCount++;
      }
      if (!p.fromResource()) {
        byKey.put(p.key(), i);
      } else if (p.type() == Schema.Type.STRING) {
        fromResource.add(i);
      } else {
        throw new IllegalStateException("a resource copy must be a string column: " + p.key());
      }
    }
    attributeColumns = Map.copyOf(byKey);
    resourceColumns = fromResource.stream().mapToInt(Integer::intValue).toArray();
    learned = learnedCount;
    insertSql = Schema.insertFromBatch(BatchTableFunction.NAME, this.promoted);
    StringBuilder rows =
        new StringBuilder(
            "time, kind, trace_id, span_id, parent_span_id, name, \"span.kind\", duration, status,"
                + " status_message, severity_number, severity_text, body, trace_state, flags,"
                + " resource_id, scope_id, span_events, links, attributes");
    for (Promoted p : this.promoted) {
      if (!p.fromResource()) {
        rows.append(", ").append(p.column());
      }
    }
    rowColumns = rows.append(", ").append(Schema.TENANT).toString();
    layout =
        new SqlAccess.SqlLayout(
            Schema.TABLE,
            Schema.queryColumns(this.promoted),
            "e.attributes",
            "resources",
            "resource_id",
            "r.resource",
            null);
    Set<String> all = new HashSet<>();
    Schema.CORE_NAMES.forEach(n -> all.add(n.toLowerCase(Locale.ROOT)));
    Schema.TAIL_NAMES.forEach(n -> all.add(n.toLowerCase(Locale.ROOT)));
    this.promoted.forEach(p -> all.add(p.key().toLowerCase(Locale.ROOT)));
    names = Set.copyOf(all);
  }

  /**
   * The attributes object of the events aliased {@code alias} with the learned columns' values put
   * back in, for copies that keep the fixed layout (the Parquet archive). Spliced as text, so the
   * object's own members stay byte for byte (a bare {@code NaN} among them is no JSON to DuckDB). A
   * column is empty where its key is in the object, so no key comes twice.
   */
  String attributesWithLearned(String alias) {
    List<String> members = new ArrayList<>();
    for (Promoted p : promoted) {
      if (p.learned()) {
        StringBuilder key = new StringBuilder();
        JsonText.appendString(key, p.key());
        String column = alias + "." + p.column();
        members.add(
            "CASE WHEN "
                + column
                + " IS NULL THEN NULL ELSE "
                + ParquetArchiveWriter.literal(key + ":")
                + " || to_json("
                + column
                + ") END");
      }
    }
    String learned = "concat_ws(',', " + String.join(", ", members) + ")";
    String attributes = alias + ".attributes";
    return "CASE WHEN "
        + learned
        + " = '' THEN "
        + attributes
        + " WHEN "
        + attributes
        + " IS NULL OR "
        + attributes
        + " = '{}' THEN '{' || "
        + learned
        + " || '}' ELSE '{' || "
        + learned
        + " || ',' || substr("
        + attributes
        + ", 2) END";
  }

  /** These columns and {@code more}, learned. */
  Columns plus(List<Promoted> more) {
    List<Promoted> all = new ArrayList<>(promoted);
    all.addAll(more);
    return new Columns(all);
  }

  /**
   * Whether an attribute key may get a column of its own: not the name of a column the table has
   * (in any case), and a name DuckDB takes quoted as it is.
   */
  boolean canLearn(String key) {
    return !key.isEmpty()
        && key.length() <= 128
        && key.chars().noneMatch(c -> c == '"' || c < 0x20)
        && !names.contains(key.toLowerCase(Locale.ROOT));
  }
}
