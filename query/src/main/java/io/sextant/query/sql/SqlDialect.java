package io.sextant.query.sql;

import io.sextant.query.QueryException;
import io.sextant.store.spi.StoreException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * What differs between the SQL of one store and another's: functions and their spelling. The SQL
 * engine writes everything else the same way for every store; a new store adds one of these.
 *
 * <p>A dialect is a {@link java.util.ServiceLoader} service: its class is listed in {@code
 * META-INF/services/io.sextant.query.sql.SqlDialect}, public with a public no-argument constructor,
 * and the engine picks it for a store whose {@link io.sextant.store.spi.SqlAccess#dialect()} equals
 * its {@link #name()} (docs/adr/0024-query-packages-and-dialect.md).
 */
public interface SqlDialect {

  /** The name a store gives its SQL ({@link io.sextant.store.spi.SqlAccess#dialect()}). */
  String name();

  /** The string at {@code key} of a JSON object expression, or NULL. */
  String jsonString(String json, String key);

  /** The number at {@code key}, or NULL when absent or not a number. */
  String jsonNumber(String json, String key);

  /** The boolean at {@code key}, or NULL. */
  String jsonBool(String json, String key);

  /** {@code expr} as text (for a number column queried as a string). */
  String toText(String expr);

  String toDouble(String expr);

  /** The q-quantile with linear interpolation (the in-memory engine's definition). */
  String quantile(String expr, double q);

  String contains(String expr, String param);

  String startsWith(String expr, String param);

  /** The heatmap bucket of a positive number: floor(log2(x) · 4), as an integer. */
  String logBucket(String expr);

  /**
   * The clause after the events table that keeps about {@code fraction} of its rows, reading only
   * those (whole blocks of rows, the same ones on every call).
   */
  String tableSample(double fraction);

  /**
   * Whether samples are better taken as time slices ({@link TimeSlices}) than by {@link
   * #tableSample}: true where the table sample reads every block of the table anyway.
   */
  default boolean sampleByTime() {
    return false;
  }

  /**
   * The question refused, in one sentence the user can act on, when the store failed {@code e}
   * because the question is beyond what it answers exactly (not because it is unavailable); null
   * otherwise.
   */
  default QueryException refusal(StoreException e) {
    return null;
  }

  /**
   * The events table in a FROM clause, aliased {@code alias}, with {@code sample} (a {@link
   * #tableSample} clause or empty) after it.
   */
  default String from(String table, String alias, String sample) {
    return table + " " + alias + sample;
  }

  /**
   * How GROUP BY and ORDER BY name the {@code i}-th (from 1) item of the select list; every item is
   * written with {@link #alias} after it.
   */
  default String position(int i) {
    return Integer.toString(i);
  }

  /** What follows the {@code i}-th item of a select list (an alias, or nothing). */
  default String alias(int i) {
    return "";
  }

  /** The number of rows where {@code condition} holds. */
  default String countIf(String condition) {
    return "count(*) FILTER (WHERE " + condition + ")";
  }

  /** The number of distinct non-null values of {@code expr}, 0 when there are none. */
  default String countDistinct(String expr) {
    return "count(DISTINCT " + expr + ")";
  }

  /** {@code condition}, false where it is NULL. */
  default String orFalse(String condition) {
    return "coalesce(" + condition + ", false)";
  }

  /** {@code a} divided by {@code b}, rounded down, for a non-negative {@code a}. */
  default String intDiv(String a, long b) {
    return "(" + a + ") // " + b;
  }

  /** {@code expr} as a 64-bit integer. */
  default String toLong(String expr) {
    return "CAST(" + expr + " AS BIGINT)";
  }

  /**
   * A filter's leaf: {@code condition} over the value {@code x}, which must hold only where {@code
   * x} is present (the in-memory engine's rule: a missing value matches no operator but NOT
   * EXISTS). SQL's three-valued logic gives that by itself; a dialect without it says so here.
   */
  default String leaf(String x, String condition) {
    return condition;
  }

  /** The join keyword for a LEFT JOIN on keys unique on the right side. */
  default String leftJoin() {
    return "LEFT JOIN";
  }

  /** The select items that carry the attribute object {@code attributes}, for a sample. */
  default List<String> attributeColumns(String attributes) {
    return List.of(attributes);
  }

  /**
   * The attributes from the items of {@link #attributeColumns} at {@code first}, with values as
   * stored: String, Long, Double or Boolean.
   */
  Map<String, Object> readAttributes(ResultSet rs, int first) throws SQLException;

  /** A string literal for a key the catalog knows (never text straight from a user). */
  default String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
