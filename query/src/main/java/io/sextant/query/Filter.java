package io.sextant.query;

import java.util.List;
import java.util.Objects;

/**
 * Which events a question is about: predicates on one field each, combined with AND and OR in
 * nested groups. An event lacking the field never matches a predicate on it, except {@link
 * Op#NOT_EXISTS}; in particular {@code !=} and {@code not-in} match only events that have the
 * field.
 */
public sealed interface Filter {

  /**
   * {@code column op values}: no value for {@code exists}/{@code does-not-exist}, one for most
   * operators, one or more for {@code in}/{@code not-in}. Values are {@code String}, {@code Long},
   * {@code Double} or {@code Boolean}; the engine converts them to the column's type or refuses.
   */
  record Predicate(String column, Op op, List<Object> values) implements Filter {
    public Predicate {
      Objects.requireNonNull(column, "column");
      Objects.requireNonNull(op, "op");
      values = List.copyOf(values);
      int n = values.size();
      boolean ok =
          switch (op.arity()) {
            case NONE -> n == 0;
            case ONE -> n == 1;
            case MANY -> n >= 1;
          };
      if (!ok) {
        throw new QueryException(
            switch (op.arity()) {
              case NONE -> "'" + op.symbol() + "' takes no value";
              case ONE -> "'" + op.symbol() + "' takes exactly one value";
              case MANY -> "'" + op.symbol() + "' needs at least one value";
            });
      }
    }

    public static Predicate of(String column, Op op, Object... values) {
      return new Predicate(column, op, List.of(values));
    }
  }

  /** Every one of {@code filters}. */
  record And(List<Filter> filters) implements Filter {
    public And {
      filters = List.copyOf(filters);
      if (filters.isEmpty()) {
        throw new QueryException("an AND group needs at least one filter");
      }
    }
  }

  /** At least one of {@code filters}. */
  record Or(List<Filter> filters) implements Filter {
    public Or {
      filters = List.copyOf(filters);
      if (filters.isEmpty()) {
        throw new QueryException("an OR group needs at least one filter");
      }
    }
  }

  static Filter and(Filter... filters) {
    return filters.length == 1 ? filters[0] : new And(List.of(filters));
  }

  static Filter or(Filter... filters) {
    return filters.length == 1 ? filters[0] : new Or(List.of(filters));
  }
}
