package io.sextant.query;

import java.util.Objects;

/**
 * One calculation of a question, such as {@code p99(duration)} or {@code count()}.
 *
 * @param aggregate what to compute
 * @param column the field it is computed over, or null for {@code count} and {@code rate}
 */
public record Calculation(Aggregate aggregate, String column) {
  public Calculation {
    Objects.requireNonNull(aggregate, "aggregate");
    if (aggregate.needsColumn() && (column == null || column.isBlank())) {
      throw new QueryException(aggregate.label() + " needs a column, e.g. " + example(aggregate));
    }
    if (!aggregate.needsColumn() && column != null && !column.isBlank()) {
      throw new QueryException(aggregate.label() + "() takes no column");
    }
    if (column != null && column.isBlank()) {
      column = null;
    }
  }

  public static Calculation count() {
    return new Calculation(Aggregate.COUNT, null);
  }

  public static Calculation of(Aggregate aggregate, String column) {
    return new Calculation(aggregate, column);
  }

  /** The name of the result column: {@code count()}, {@code p99(duration)}. */
  public String label() {
    return aggregate.label() + "(" + (column == null ? "" : column) + ")";
  }

  private static String example(Aggregate a) {
    return a.label() + (a == Aggregate.COUNT_DISTINCT ? "(user_id)" : "(duration)");
  }

  @Override
  public String toString() {
    return label();
  }
}
