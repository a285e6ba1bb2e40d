package io.sextant.query;

/**
 * What differs between the SQL of one store and another's: functions and their spelling. The SQL
 * engine writes everything else the same way for every store; a new store adds one of these.
 */
interface SqlDialect {

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

  /** Null-safe equality. */
  String same(String a, String b);

  /** The heatmap bucket of a positive number: floor(log2(x) · 4), as an integer. */
  String logBucket(String expr);

  /**
   * The clause after the events table that keeps about {@code fraction} of its rows, reading only
   * those (whole blocks of rows, the same ones on every call).
   */
  String tableSample(double fraction);

  /** A string literal for a key the catalog knows (never text straight from a user). */
  default String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
