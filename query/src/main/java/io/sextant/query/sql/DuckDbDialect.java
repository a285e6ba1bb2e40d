package io.sextant.query.sql;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.query.QueryException;
import io.sextant.query.Results;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;

/** DuckDB's SQL. Public only for {@link java.util.ServiceLoader}, which makes the one instance. */
public final class DuckDbDialect implements SqlDialect {
  public DuckDbDialect() {}

  @Override
  public String name() {
    return "duckdb";
  }

  private String path(String key) {
    if (key.indexOf('"') >= 0) {
      throw new QueryException("attribute keys with a double quote cannot be queried: " + key);
    }
    return literal("$.\"" + key + "\"");
  }

  @Override
  public String jsonString(String json, String key) {
    return "json_extract_string(" + json + ", " + path(key) + ")";
  }

  @Override
  public String jsonNumber(String json, String key) {
    return "TRY_CAST(" + jsonString(json, key) + " AS DOUBLE)";
  }

  @Override
  public String jsonBool(String json, String key) {
    return "(CASE " + jsonString(json, key) + " WHEN 'true' THEN true WHEN 'false' THEN false END)";
  }

  @Override
  public String toText(String expr) {
    return "CAST(" + expr + " AS VARCHAR)";
  }

  @Override
  public String toDouble(String expr) {
    return "CAST(" + expr + " AS DOUBLE)";
  }

  @Override
  public String quantile(String expr, double q) {
    return "CAST(quantile_cont(" + expr + ", " + q + ") AS DOUBLE)";
  }

  @Override
  public String contains(String expr, String param) {
    return "contains(" + expr + ", " + param + ")";
  }

  @Override
  public String startsWith(String expr, String param) {
    return "starts_with(" + expr + ", " + param + ")";
  }

  @Override
  public String tableSample(double fraction) {
    // SYSTEM sampling keeps whole vectors of 2,048 rows; REPEATABLE makes the choice stable.
    return String.format(
        Locale.ROOT, " TABLESAMPLE SYSTEM(%.6f PERCENT) REPEATABLE (7)", fraction * 100);
  }

  @Override
  public String logBucket(String expr) {
    return "CAST(floor(log2(" + expr + ") * " + Results.BUCKETS_PER_DOUBLING + ") AS INTEGER)";
  }

  private static final ObjectMapper JSON =
      new ObjectMapper(
          JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build());

  @Override
  @SuppressWarnings("unchecked")
  public Map<String, Object> readAttributes(ResultSet rs, int first) throws SQLException {
    String json = rs.getString(first);
    if (json == null) {
      return Map.of();
    }
    try {
      return JSON.readValue(json, Map.class);
    } catch (JsonProcessingException e) {
      throw new SQLException("stored attributes are not JSON: " + e.getOriginalMessage(), e);
    }
  }
}
