package io.sextant.query.sql;

import io.sextant.query.QueryException;
import io.sextant.query.Results;
import io.sextant.store.spi.StoreException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ClickHouse's SQL, as far back as 18.16 (docs/adr/0015-clickhouse-store.md). What differs from
 * DuckDB: attributes live in parallel arrays, not JSON ({@code <prefix>_keys}, {@code _types},
 * {@code _strs}, {@code _nums}, where the prefix is the layout's attribute expression); GROUP BY
 * and ORDER BY name select items by alias; AND and OR of 18.16 give NULL when either side is NULL
 * (no three-valued logic), so every leaf of a filter is made a plain 0 or 1; a missing value
 * matches {@code NOT IN} there, so leaves also ask that the value be present; percentiles are
 * interpolated over the sorted values, as the in-memory engine does ({@code quantileExactInclusive}
 * came later). The events table is read without {@code FINAL}: the store writes each event once
 * (docs/adr/0015-clickhouse-store.md).
 *
 * <p>Public only for {@link java.util.ServiceLoader}, which makes the one instance.
 */
public final class ClickHouseDialect implements SqlDialect {

  /** The type codes in {@code <prefix>_types}: as the ClickHouse store writes them. */
  static final int STRING = 0;

  static final int LONG = 1;
  static final int DOUBLE = 2;
  static final int BOOL = 3;

  public ClickHouseDialect() {}

  @Override
  public String name() {
    return "clickhouse";
  }

  private String index(String attrs, String key) {
    return "indexOf(" + attrs + "_keys, " + literal(key) + ")";
  }

  private String lookup(String attrs, String key, String array) {
    String i = index(attrs, key);
    return "if(" + i + " > 0, " + attrs + array + "[" + i + "], NULL)";
  }

  @Override
  public String jsonString(String attrs, String key) {
    return lookup(attrs, key, "_strs");
  }

  @Override
  public String jsonNumber(String attrs, String key) {
    return lookup(attrs, key, "_nums");
  }

  @Override
  public String jsonBool(String attrs, String key) {
    String i = index(attrs, key);
    return "if("
        + i
        + " > 0 AND "
        + attrs
        + "_types["
        + i
        + "] = "
        + BOOL
        + ", "
        + attrs
        + "_strs["
        + i
        + "] = 'true', NULL)";
  }

  @Override
  public String toText(String expr) {
    return "toString(" + expr + ")";
  }

  @Override
  public String toDouble(String expr) {
    return "toFloat64(" + expr + ")";
  }

  @Override
  public String toLong(String expr) {
    return "toInt64(" + expr + ")";
  }

  @Override
  public String quantile(String expr, double q) {
    // Linear interpolation between the sorted values at floor and ceil of q·(n-1); ClickHouse
    // computes the repeated sub-expressions once.
    String v = "arraySort(groupArray(toFloat64(" + expr + ")))";
    String n = "length(" + v + ")";
    String pos = "(" + q + " * (" + n + " - 1))";
    String lo = "toUInt64(floor(" + pos + "))";
    String hi = "toUInt64(ceil(" + pos + "))";
    return "if("
        + n
        + " = 0, NULL, "
        + v
        + "["
        + lo
        + " + 1] + ("
        + v
        + "["
        + hi
        + " + 1] - "
        + v
        + "["
        + lo
        + " + 1]) * ("
        + pos
        + " - "
        + lo
        + "))";
  }

  @Override
  public String contains(String expr, String param) {
    return "(position(" + expr + ", " + param + ") > 0)";
  }

  @Override
  public String startsWith(String expr, String param) {
    // The first occurrence is at 1 exactly when the text starts with it (startsWith came later).
    return "(position(" + expr + ", " + param + ") = 1)";
  }

  @Override
  public String logBucket(String expr) {
    return "toInt32(floor(log2(" + expr + ") * " + Results.BUCKETS_PER_DOUBLING + "))";
  }

  /**
   * True: the sampling key (the event key) is last in the sorting key, after the service and the
   * time, so SAMPLE cannot skip a granule and reads every row of the range; a time slice reads a
   * few granules of each service.
   */
  @Override
  public boolean sampleByTime() {
    return true;
  }

  /**
   * Exact percentiles gather a group's values in one array ({@link #quantile}), and 18.16 holds at
   * most 16,777,215 values there ("Too large array size"): such a question is refused, never
   * answered approximately.
   */
  @Override
  public QueryException refusal(StoreException e) {
    String m = e.getMessage();
    if (m != null && m.contains("Too large array size")) {
      return new QueryException(
          "a percentile over more than 16,777,215 events in one group is more than this ClickHouse"
              + " answers exactly; narrow the time range, filter, or break it down further");
    }
    return null;
  }

  @Override
  public String tableSample(double fraction) {
    // SAMPLE BY the event key: the same events on every call, about this fraction of them.
    return String.format(Locale.ROOT, " SAMPLE %.6f", Math.max(fraction, 0.000001));
  }

  @Override
  public String from(String table, String alias, String sample) {
    return table + " AS " + alias + sample;
  }

  @Override
  public String position(int i) {
    return "c" + i;
  }

  @Override
  public String alias(int i) {
    return " AS c" + i;
  }

  @Override
  public String countIf(String condition) {
    return "countIf(ifNull(" + condition + ", 0))";
  }

  @Override
  public String countDistinct(String expr) {
    return "ifNull(uniqExact(" + expr + "), 0)";
  }

  @Override
  public String orFalse(String condition) {
    return "ifNull(" + condition + ", 0)";
  }

  @Override
  public String intDiv(String a, long b) {
    return "intDiv(" + a + ", " + b + ")";
  }

  @Override
  public String leaf(String x, String condition) {
    return "(isNotNull(" + x + ") AND ifNull(" + condition + ", 0))";
  }

  @Override
  public String leftJoin() {
    // The right side is grouped by its keys: ANY and ALL give the same rows.
    return "ANY LEFT JOIN";
  }

  @Override
  public List<String> attributeColumns(String attrs) {
    return List.of(attrs + "_keys", attrs + "_types", attrs + "_strs");
  }

  @Override
  public Map<String, Object> readAttributes(ResultSet rs, int first) throws SQLException {
    List<?> keys = (List<?>) rs.getObject(first);
    List<?> types = (List<?>) rs.getObject(first + 1);
    List<?> strs = (List<?>) rs.getObject(first + 2);
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      String s = (String) strs.get(i);
      int type = ((Number) types.get(i)).intValue();
      out.put(
          (String) keys.get(i),
          switch (type) {
            case LONG -> Long.parseLong(s);
            case DOUBLE -> Double.parseDouble(s);
            case BOOL -> Boolean.parseBoolean(s);
            default -> s;
          });
    }
    return out;
  }

  @Override
  public String literal(String s) {
    StringBuilder b = new StringBuilder("'");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\'' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.append('\'').toString();
  }
}
