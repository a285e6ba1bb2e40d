package io.sextant.query.sql;

import io.sextant.query.Field;
import io.sextant.query.Plan;
import io.sextant.query.Plan.BoundCalculation;
import io.sextant.query.Results;
import io.sextant.store.spi.FieldType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Values read back from a statement's rows, typed as the in-memory engine types them. */
final class SqlValues {
  private SqlValues() {}

  /**
   * The breakdown values and calculations of {@code plan} read from the columns from {@code first}.
   */
  static List<Object> row(Plan plan, ResultSet rs, int first) throws SQLException {
    List<Object> row = new ArrayList<>();
    int col = first;
    for (Field f : plan.breakdowns()) {
      row.add(Results.breakdownValue(f, read(rs, col++, f.type())));
    }
    for (BoundCalculation c : plan.calculations()) {
      row.add(readCalculation(rs, col++, c));
    }
    return row;
  }

  private static Object readCalculation(ResultSet rs, int col, BoundCalculation c)
      throws SQLException {
    Object v = rs.getObject(col);
    if (v == null) {
      return null;
    }
    Number n = (Number) v;
    return switch (c.aggregate()) {
      case COUNT, COUNT_DISTINCT -> n.longValue();
      case MIN, MAX -> c.field().type() == FieldType.TIMESTAMP ? n.longValue() : n.doubleValue();
      default -> n.doubleValue();
    };
  }

  /** The value of column {@code col} as {@code type}, or null. */
  static Object read(ResultSet rs, int col, FieldType type) throws SQLException {
    Object v = rs.getObject(col);
    if (v == null) {
      return null;
    }
    return switch (type) {
      case STRING -> v.toString();
      case NUMBER -> ((Number) v).doubleValue();
      case BOOL ->
          v instanceof Boolean b
              ? b
              : v instanceof Number n ? n.intValue() != 0 : Boolean.valueOf(v.toString());
      case TIMESTAMP -> ((Number) v).longValue();
    };
  }
}
