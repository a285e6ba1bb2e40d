package io.sextant.query;

import java.util.Objects;

/** Keeps the groups whose {@code calculation} compares to {@code value} by {@code op}. */
public record Having(Calculation calculation, Op op, double value) {
  public Having {
    Objects.requireNonNull(calculation, "calculation");
    Objects.requireNonNull(op, "op");
    if (!op.isOrdering() && op != Op.EQ && op != Op.NE) {
      throw new QueryException("having takes =, !=, <, <=, > or >=, not '" + op.symbol() + "'");
    }
    if (calculation.aggregate() == Aggregate.HEATMAP) {
      throw new QueryException("having cannot compare a heatmap");
    }
  }
}
