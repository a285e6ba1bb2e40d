package io.sextant.query.sql;

import io.sextant.query.Field;
import io.sextant.query.Op;
import io.sextant.query.Plan.BoundAnd;
import io.sextant.query.Plan.BoundFilter;
import io.sextant.query.Plan.BoundOr;
import io.sextant.query.Plan.BoundPredicate;
import io.sextant.query.QueryException;
import io.sextant.store.spi.FieldType;
import io.sextant.store.spi.SqlAccess;
import io.sextant.store.spi.SqlAccess.SqlColumn;
import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.TimeRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** One statement being written: its text, its parameters, whether it needs the resource join. */
final class Statement {
  /** {@code -Dsextant.sql.trace=true} prints every statement with its time, for tuning. */
  private static final boolean TRACE_SQL = Boolean.getBoolean("sextant.sql.trace");

  private final SqlTarget target;
  private final SqlDialect dialect;
  final StringBuilder text = new StringBuilder();
  final List<Object> params = new ArrayList<>();
  boolean joinResources;

  /** A table-sample clause after the events table, or empty. */
  String tableSample = "";

  /** A further join after the events (and resources), with its parameters, or empty. */
  String extraJoin = "";

  final List<Object> extraJoinParams = new ArrayList<>();

  Statement(SqlTarget target) {
    this.target = target;
    this.dialect = target.dialect();
  }

  Statement add(String s) {
    text.append(s);
    return this;
  }

  Statement param(Object v) {
    params.add(v);
    text.append('?');
    return this;
  }

  /** The SQL expression of a field; notes when it needs the resources joined. */
  String expr(Field f) {
    SqlColumn col = target.layout().columns().get(f.name());
    if (f.core()) {
      return col.sql();
    }
    List<String> parts = new ArrayList<>();
    if (col != null) {
      parts.add(
          col.type() == f.type()
              ? col.sql()
              : f.type() == FieldType.STRING ? dialect.toText(col.sql()) : null);
      parts.removeIf(Objects::isNull);
    }
    boolean columnHoldsAll =
        col != null && col.complete() && col.type() == f.type() && f.typesSeen().size() == 1;
    if (f.onRecords() && !columnHoldsAll) {
      parts.add(json(target.layout().recordAttributes(), f));
    }
    if (f.onResources() && (col == null || f.onRecords())) {
      joinResources = true;
      parts.add(json(target.layout().resourceAttributes(), f));
    }
    if (parts.isEmpty()) {
      return "NULL";
    }
    return parts.size() == 1 ? parts.get(0) : "coalesce(" + String.join(", ", parts) + ")";
  }

  private String json(String json, Field f) {
    return switch (f.type()) {
      case STRING -> dialect.jsonString(json, f.name());
      case NUMBER -> dialect.jsonNumber(json, f.name());
      case BOOL -> dialect.jsonBool(json, f.name());
      case TIMESTAMP -> dialect.toLong(dialect.jsonNumber(json, f.name()));
    };
  }

  /** The filter as a boolean expression. */
  void filter(BoundFilter filter) {
    switch (filter) {
      case BoundAnd and -> group(and.filters(), " AND ");
      case BoundOr or -> group(or.filters(), " OR ");
      case BoundPredicate p -> predicate(p);
    }
  }

  private void group(List<BoundFilter> filters, String joiner) {
    add("(");
    for (int i = 0; i < filters.size(); i++) {
      if (i > 0) {
        add(joiner);
      }
      filter(filters.get(i));
    }
    add(")");
  }

  private void predicate(BoundPredicate p) {
    String x = expr(p.field());
    switch (p.op()) {
      case EXISTS -> add("(" + x + " IS NOT NULL)");
      case NOT_EXISTS -> add("(" + x + " IS NULL)");
      case CONTAINS -> add(dialect.leaf(x, dialect.contains(x, "?"))).params.add(p.values().get(0));
      case STARTS_WITH ->
          add(dialect.leaf(x, dialect.startsWith(x, "?"))).params.add(p.values().get(0));
      case IN, NOT_IN -> {
        StringBuilder c = new StringBuilder("(" + x + (p.op() == Op.IN ? " IN (" : " NOT IN ("));
        for (int i = 0; i < p.values().size(); i++) {
          c.append(i > 0 ? ", ?" : "?");
          params.add(p.values().get(i));
        }
        add(dialect.leaf(x, c.append("))").toString()));
      }
      default -> {
        add(dialect.leaf(x, "(" + x + " " + sqlOp(p.op()) + " ?)"));
        params.add(p.values().get(0));
      }
    }
  }

  /** FROM and WHERE for the events of {@code range} matching {@code where}. */
  void fromWhere(TimeRange range, BoundFilter where) {
    // The WHERE is written first, so that the join is known, then spliced after FROM.
    Statement w = new Statement(target);
    w.add(" WHERE e.time >= ").param(range.fromUnixNano());
    w.add(" AND e.time < ").param(range.toUnixNano());
    if (target.layout().partitions() != null) {
      w.add(
          " AND "
              + target
                  .layout()
                  .partitions()
                  .condition("e", range.fromUnixNano(), range.toUnixNano()));
    }
    if (target.layout().tenant() != null) {
      w.add(" AND " + target.tenantColumn("e") + " = ").param(target.layout().tenant().tenant());
    }
    if (where != null) {
      w.add(" AND ");
      w.filter(where);
    }
    from(w.joinResources);
    joinResources |= w.joinResources;
    text.append(w.text);
    params.addAll(w.params);
  }

  void from(boolean join) {
    add(" FROM " + dialect.from(target.layout().eventsTable(), "e", tableSample));
    if ((join || joinResources) && target.layout().resourcesTable() != null) {
      add(
          " JOIN "
              + target.layout().resourcesTable()
              + " r ON r.id = e."
              + target.layout().resourceIdColumn());
    }
    add(extraJoin);
    params.addAll(extraJoinParams);
  }

  <T> T run(SqlAccess.RowReader<T> reader) throws StoreException {
    long t = System.nanoTime();
    T out;
    try {
      out = target.sql().select(text.toString(), params, reader);
    } catch (StoreException e) {
      QueryException refused = dialect.refusal(e);
      if (refused != null) {
        throw refused;
      }
      throw e;
    }
    if (TRACE_SQL) {
      System.err.printf("sql %.1f ms: %s %s%n", (System.nanoTime() - t) / 1e6, text, params);
    }
    return out;
  }

  static String sqlOp(Op op) {
    return switch (op) {
      case EQ -> "=";
      case NE -> "<>";
      case LT -> "<";
      case LE -> "<=";
      case GT -> ">";
      case GE -> ">=";
      default -> throw new AssertionError(op);
    };
  }
}
