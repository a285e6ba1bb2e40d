package io.sextant.query;

import io.sextant.model.EventKind;
import io.sextant.model.SpanKind;
import io.sextant.query.Plan.BoundAnd;
import io.sextant.query.Plan.BoundCalculation;
import io.sextant.query.Plan.BoundFilter;
import io.sextant.query.Plan.BoundHaving;
import io.sextant.query.Plan.BoundOr;
import io.sextant.query.Plan.BoundOrder;
import io.sextant.query.Plan.BoundPredicate;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.FieldType;
import io.sextant.store.spi.SqlAccess;
import io.sextant.store.spi.SqlAccess.SqlColumn;
import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.TimeRange;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Answers questions in the store's SQL. The statement's shape is the same for every store; what
 * differs is in a {@link SqlDialect}. Field names become expressions only after the {@link Catalog}
 * resolved them; values are always bound parameters.
 */
final class SqlEngine implements Engine {
  /** {@code -Dsextant.sql.trace=true} prints every statement with its time, for tuning. */
  private static final boolean TRACE_SQL = Boolean.getBoolean("sextant.sql.trace");

  private final EventStore store;
  private final SqlAccess sql;
  private final SqlDialect dialect;

  private SqlEngine(EventStore store, SqlAccess sql, SqlDialect dialect) {
    this.store = store;
    this.sql = sql;
    this.dialect = dialect;
  }

  /**
   * The store's layout now: a store may add columns it learned from the data (always additive, so
   * statements written against an earlier layout stay right).
   */
  private SqlAccess.SqlLayout layout() {
    return sql.layout();
  }

  static SqlEngine of(EventStore store, SqlAccess sql) {
    SqlDialect dialect =
        switch (sql.dialect()) {
          case "duckdb" -> DuckDbDialect.INSTANCE;
          case "clickhouse" -> ClickHouseDialect.INSTANCE;
          default -> throw new QueryException("no SQL writer for the dialect " + sql.dialect());
        };
    return new SqlEngine(store, sql, dialect);
  }

  @Override
  public Catalog catalog() throws StoreException {
    return Catalog.of(store.attributeKeys());
  }

  /** One statement being written: its text, its parameters, whether it needs the resource join. */
  private final class Statement {
    final StringBuilder text = new StringBuilder();
    final List<Object> params = new ArrayList<>();
    boolean joinResources;

    /** A table-sample clause after the events table, or empty. */
    String tableSample = "";

    /** A further join after the events (and resources), with its parameters, or empty. */
    String extraJoin = "";

    final List<Object> extraJoinParams = new ArrayList<>();

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
      SqlColumn col = layout().columns().get(f.name());
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
        parts.add(json(layout().recordAttributes(), f));
      }
      if (f.onResources() && (col == null || f.onRecords())) {
        joinResources = true;
        parts.add(json(layout().resourceAttributes(), f));
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
        case CONTAINS ->
            add(dialect.leaf(x, dialect.contains(x, "?"))).params.add(p.values().get(0));
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
      Statement w = new Statement();
      w.add(" WHERE e.time >= ").param(range.fromUnixNano());
      w.add(" AND e.time < ").param(range.toUnixNano());
      if (layout().partitions() != null) {
        w.add(
            " AND "
                + layout().partitions().condition("e", range.fromUnixNano(), range.toUnixNano()));
      }
      if (layout().tenant() != null) {
        w.add(" AND " + tenantColumn("e") + " = ").param(layout().tenant().tenant());
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
      add(" FROM " + dialect.from(layout().eventsTable(), "e", tableSample));
      if ((join || joinResources) && layout().resourcesTable() != null) {
        add(" JOIN " + layout().resourcesTable() + " r ON r.id = e." + layout().resourceIdColumn());
      }
      add(extraJoin);
      params.addAll(extraJoinParams);
    }

    <T> T run(SqlAccess.RowReader<T> reader) throws StoreException {
      if (!TRACE_SQL) {
        return sql.select(text.toString(), params, reader);
      }
      long t = System.nanoTime();
      T out = sql.select(text.toString(), params, reader);
      System.err.printf("sql %.1f ms: %s %s%n", (System.nanoTime() - t) / 1e6, text, params);
      return out;
    }
  }

  private static String sqlOp(Op op) {
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

  private String aggregate(Statement st, BoundCalculation c, double seconds) {
    if (c.histogram()) {
      // Answered from the points apart (histogramPoints); an aggregate NULL keeps one row a group.
      return "(CASE WHEN count(*) < 0 THEN 0.0 END)";
    }
    return switch (c.aggregate()) {
      case COUNT -> "count(*)";
      case RATE -> "(count(*) / " + Double.toString(seconds) + ")";
      case COUNT_DISTINCT -> dialect.countDistinct(st.expr(c.field()));
      case SUM -> dialect.toDouble("sum(" + st.expr(c.field()) + ")");
      case AVG -> dialect.toDouble("avg(" + st.expr(c.field()) + ")");
      case MIN, MAX -> {
        String agg = c.aggregate().label() + "(" + st.expr(c.field()) + ")";
        yield c.field().type() == FieldType.TIMESTAMP ? agg : dialect.toDouble(agg);
      }
      case HEATMAP -> throw new AssertionError("heatmaps are answered apart");
      default -> dialect.quantile(st.expr(c.field()), c.aggregate().quantile());
    };
  }

  @Override
  public Result run(Question question) throws StoreException {
    long started = System.nanoTime();
    Plan plan = Plan.of(question, catalog());
    double seconds = (question.range().toUnixNano() - question.range().fromUnixNano()) / 1e9;
    Map<List<Object>, Map<String, List<HistogramPoint>>> histograms =
        plan.hasHistograms() ? histogramPoints(plan) : Map.of();
    List<List<Object>> rows = table(plan, seconds, histograms);
    Result.Series series = question.series() ? series(plan, rows, histograms) : null;
    List<Result.Heatmap> heatmaps = new ArrayList<>();
    for (BoundCalculation h : plan.heatmaps()) {
      heatmaps.add(heatmap(plan, h));
    }
    return new Result(
        Results.columns(plan),
        rows,
        series,
        heatmaps,
        new Result.Stats(sql.dialect(), (System.nanoTime() - started) / 1_000_000));
  }

  private List<List<Object>> table(
      Plan plan, double seconds, Map<List<Object>, Map<String, List<HistogramPoint>>> histograms)
      throws StoreException {
    Statement st = new Statement();
    List<String> select = new ArrayList<>();
    for (Field f : plan.breakdowns()) {
      select.add(st.expr(f));
    }
    List<String> aggs = new ArrayList<>();
    for (BoundCalculation c : plan.calculations()) {
      aggs.add(aggregate(st, c, seconds));
    }
    select.addAll(aggs);
    if (select.isEmpty()) {
      select.add("count(*)");
    }
    st.add("SELECT " + selectList(select));
    st.fromWhere(plan.question().range(), plan.where());
    int nb = plan.breakdowns().size();
    if (nb > 0) {
      st.add(" GROUP BY " + positions(1, nb));
    }
    if (plan.hasHistograms()) {
      // Histogram percentiles are computed here, so having, order and limit are applied here too.
      List<List<Object>> rows =
          st.run(
              rs -> {
                List<List<Object>> out = new ArrayList<>();
                while (rs.next()) {
                  out.add(readRow(plan, rs, 1));
                }
                return out;
              });
      Histograms.fillRows(plan, rows, histograms);
      rows.removeIf(row -> !MemoryEngine.keep(plan, row));
      rows.sort(MemoryEngine.rowOrder(plan));
      return rows.size() > plan.question().limit()
          ? new ArrayList<>(rows.subList(0, plan.question().limit()))
          : rows;
    }
    if (!plan.having().isEmpty()) {
      List<String> conds = new ArrayList<>();
      for (BoundHaving h : plan.having()) {
        conds.add(aggs.get(h.index()) + " " + sqlOp(h.op()) + " " + Double.toString(h.value()));
      }
      st.add(" HAVING " + String.join(" AND ", conds));
    }
    List<String> order = new ArrayList<>();
    for (BoundOrder o : plan.orderBy()) {
      order.add(
          dialect.position(o.index() + 1) + (o.descending() ? " DESC" : " ASC") + " NULLS LAST");
    }
    for (int i = 0; i < nb; i++) {
      order.add(dialect.position(i + 1) + " ASC NULLS LAST");
    }
    if (!order.isEmpty()) {
      st.add(" ORDER BY " + String.join(", ", order));
    }
    st.add(" LIMIT " + plan.question().limit());
    return st.run(
        rs -> {
          List<List<Object>> out = new ArrayList<>();
          while (rs.next()) {
            out.add(readRow(plan, rs, 1));
          }
          return out;
        });
  }

  private List<Object> readRow(Plan plan, ResultSet rs, int first) throws SQLException {
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

  private static Object read(ResultSet rs, int col, FieldType type) throws SQLException {
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

  private String positions(int from, int count) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(dialect.position(from + i));
    }
    return String.join(", ", out);
  }

  /** The select items, each with the dialect's alias after it. */
  private String selectList(List<String> items) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < items.size(); i++) {
      out.append(i > 0 ? ", " : "").append(items.get(i)).append(dialect.alias(i + 1));
    }
    return out.toString();
  }

  private Result.Series series(
      Plan plan,
      List<List<Object>> rows,
      Map<List<Object>, Map<String, List<HistogramPoint>>> histograms)
      throws StoreException {
    long from = plan.question().range().fromUnixNano();
    long step = plan.stepNanos();
    int buckets = plan.buckets();
    int nb = plan.breakdowns().size();
    Set<List<Object>> top = Results.seriesGroups(plan, rows);
    Map<List<Object>, Number[][]> cells = new LinkedHashMap<>();
    for (List<Object> key : top) {
      Number[][] values = new Number[plan.calculations().size()][];
      for (int c = 0; c < values.length; c++) {
        values[c] = Results.emptyBuckets(plan.calculations().get(c), buckets);
      }
      cells.put(key, values);
    }
    if (!top.isEmpty()) {
      Statement st = new Statement();
      List<String> select = new ArrayList<>();
      select.add(dialect.intDiv("e.time - " + from, step));
      List<String> groupExprs = new ArrayList<>();
      for (Field f : plan.breakdowns()) {
        groupExprs.add(st.expr(f));
      }
      select.addAll(groupExprs);
      for (BoundCalculation c : plan.calculations()) {
        select.add(aggregate(st, c, step / 1e9));
      }
      st.add("SELECT " + selectList(select));
      st.fromWhere(plan.question().range(), plan.where());
      if (nb > 0) {
        st.add(" AND (");
        int g = 0;
        for (List<Object> key : top) {
          st.add(g++ > 0 ? " OR (" : "(");
          for (int i = 0; i < nb; i++) {
            st.add(i > 0 ? " AND " : "");
            // Null-safe equality: a group of events without the field has the key NULL.
            if (key.get(i) == null) {
              st.add("(" + groupExprs.get(i) + " IS NULL)");
            } else {
              st.add(dialect.orFalse("(" + groupExprs.get(i) + " = ?)"));
              st.params.add(key.get(i));
            }
          }
          st.add(")");
        }
        st.add(")");
      }
      st.add(" GROUP BY " + positions(1, nb + 1));
      st.run(
          rs -> {
            while (rs.next()) {
              int b = (int) rs.getLong(1);
              List<Object> row = readRow(plan, rs, 2);
              Number[][] values = cells.get(new ArrayList<>(row.subList(0, nb)));
              if (values != null && b >= 0 && b < buckets) {
                for (int c = 0; c < values.length; c++) {
                  values[c][b] = (Number) row.get(nb + c);
                }
              }
            }
            return null;
          });
    }
    List<Result.SeriesGroup> groups = new ArrayList<>();
    cells.forEach(
        (key, values) -> {
          for (int c = 0; c < values.length; c++) {
            BoundCalculation calc = plan.calculations().get(c);
            if (calc.histogram()) {
              values[c] = Histograms.series(plan, histograms.get(key), calc.aggregate().quantile());
            }
          }
          Map<String, List<Number>> byLabel = new LinkedHashMap<>();
          for (int c = 0; c < values.length; c++) {
            byLabel.put(plan.calculations().get(c).label(), Arrays.asList(values[c]));
          }
          groups.add(new Result.SeriesGroup(key, byLabel));
        });
    return new Result.Series(from, step, buckets, groups);
  }

  /**
   * The metric points matching the question, over its range and the look-back before it, with each
   * one's group and every attribute: the filter and the grouping run in SQL, the bucket arithmetic
   * in {@link Histograms}.
   */
  private Map<List<Object>, Map<String, List<HistogramPoint>>> histogramPoints(Plan plan)
      throws StoreException {
    Statement st = new Statement();
    st.joinResources = true;
    List<String> select = new ArrayList<>();
    for (Field f : plan.breakdowns()) {
      select.add(st.expr(f));
    }
    int nb = select.size();
    select.add(layout().columns().get("time").sql());
    List<String> promoted = new ArrayList<>();
    layout()
        .columns()
        .forEach(
            (name, col) -> {
              if (!Catalog.CORE.containsKey(name)) {
                promoted.add(name);
                select.add(col.sql());
              }
            });
    AttributeColumns attributeColumns = attributeColumns(select);
    st.add("SELECT " + selectList(select));
    st.fromWhere(Histograms.fetchRange(plan.question().range()), plan.where());
    st.add(" AND " + layout().columns().get("kind").sql() + " = ").param(EventKind.METRIC.label());
    List<HistogramPoint> points =
        st.run(
            rs -> {
              List<HistogramPoint> out = new ArrayList<>();
              while (rs.next()) {
                Map<String, Object> record = dialect.readAttributes(rs, attributeColumns.record());
                Map<String, Object> columns = new HashMap<>();
                for (int i = 0; i < promoted.size(); i++) {
                  columns.put(promoted.get(i), rs.getObject(nb + 2 + i));
                }
                // A store may have given metric.type a column of its own (learned from the data).
                Object metricType = record.get("metric.type");
                if (metricType == null) {
                  metricType = columns.get("metric.type");
                }
                if (!(metricType instanceof String type) || !type.endsWith("histogram")) {
                  continue;
                }
                List<Object> key = new ArrayList<>(nb);
                for (int i = 0; i < nb; i++) {
                  Field f = plan.breakdowns().get(i);
                  key.add(Results.breakdownValue(f, read(rs, i + 1, f.type())));
                }
                HistogramPoint p =
                    HistogramPoint.of(
                        key,
                        rs.getLong(nb + 1),
                        Histograms.fields(
                            dialect.readAttributes(rs, attributeColumns.resource()),
                            columns,
                            record));
                if (p != null) {
                  out.add(p);
                }
              }
              return out;
            });
    return Histograms.index(points);
  }

  private Result.Heatmap heatmap(Plan plan, BoundCalculation h) throws StoreException {
    long from = plan.question().range().fromUnixNano();
    long step = plan.stepNanos();
    Statement st = new Statement();
    String x = st.expr(h.field());
    st.add(
        "SELECT "
            + selectList(
                List.of(
                    dialect.intDiv("e.time - " + from, step),
                    "CASE WHEN " + x + " > 0 THEN " + dialect.logBucket(x) + " END",
                    "count(*)")));
    st.fromWhere(plan.question().range(), plan.where());
    st.add(" AND " + x + " IS NOT NULL GROUP BY " + positions(1, 2));
    Map<List<Integer>, Long> counts = new HashMap<>();
    st.run(
        rs -> {
          while (rs.next()) {
            int t = (int) rs.getLong(1);
            Object b = rs.getObject(2);
            counts.put(Arrays.asList(t, b == null ? null : ((Number) b).intValue()), rs.getLong(3));
          }
          return null;
        });
    return Results.heatmap(h, from, step, counts);
  }

  /** A core column's expression over the events aliased {@code alias} instead of {@code e}. */
  /** The tenant column of the events read under {@code alias}, for a tenant's layout(). */
  private String tenantColumn(String alias) {
    return alias + "." + layout().tenant().column();
  }

  private String core(String field, String alias) {
    String sqlText = layout().columns().get(field).sql();
    if (!sqlText.startsWith("e.")) {
      throw new QueryException("the column of " + field + " is not a plain column: " + sqlText);
    }
    return alias + sqlText.substring(1);
  }

  @Override
  public List<HopQuery.Hop> hops(HopQuery query) throws StoreException {
    Question q =
        Question.over(query.range())
            .where(query.where())
            .by(query.breakdowns().toArray(String[]::new))
            .build();
    Plan plan = Plan.of(q, catalog());
    int nb = plan.breakdowns().size();
    Statement st = new Statement();
    List<String> select = new ArrayList<>();
    for (Field f : plan.breakdowns()) {
      select.add(st.expr(f));
    }
    String service = core("service.name", "e");
    select.add("CASE WHEN k.s <> " + service + " THEN k.s END");
    String duration = core("duration", "e");
    select.add("count(*)");
    select.add(dialect.countIf(core("error", "e")));
    select.add(dialect.quantile(duration, 0.5));
    select.add(dialect.quantile(duration, 0.99));
    st.add("SELECT " + selectList(select));
    // One row per call: the smallest callee service name when a call has several server children.
    st.extraJoin =
        " "
            + dialect.leftJoin()
            + " (SELECT "
            + core("trace_id", "c")
            + " AS t, "
            + core("parent_span_id", "c")
            + " AS p, min("
            + core("service.name", "c")
            + ") AS s FROM "
            + dialect.from(layout().eventsTable(), "c", "")
            + " WHERE "
            + core("time", "c")
            + " >= ? AND "
            + core("time", "c")
            + " < ? AND "
            + core("kind", "c")
            + " = ? AND "
            + core("parent_span_id", "c")
            + " IS NOT NULL AND "
            + core("span.kind", "c")
            + " IN (?, ?)"
            + (layout().tenant() == null ? "" : " AND " + tenantColumn("c") + " = ?")
            + (layout().partitions() == null
                ? ""
                : " AND "
                    + layout()
                        .partitions()
                        .condition(
                            "c",
                            query.childRange().fromUnixNano(),
                            query.childRange().toUnixNano()))
            + " GROUP BY t, p) k ON k.t = "
            + core("trace_id", "e")
            + " AND k.p = "
            + core("span_id", "e");
    st.extraJoinParams.addAll(
        List.of(
            query.childRange().fromUnixNano(),
            query.childRange().toUnixNano(),
            EventKind.SPAN.label(),
            SpanKind.SERVER.label(),
            SpanKind.CONSUMER.label()));
    if (layout().tenant() != null) {
      st.extraJoinParams.add(layout().tenant().tenant());
    }
    st.fromWhere(query.range(), plan.where());
    st.add(" AND " + core("kind", "e") + " = ").param(EventKind.SPAN.label());
    st.add(" GROUP BY " + positions(1, nb + 1));
    List<String> order = new ArrayList<>();
    order.add(dialect.position(nb + 2) + " DESC");
    for (int i = 1; i <= nb + 1; i++) {
      order.add(dialect.position(i) + " ASC NULLS LAST");
    }
    st.add(" ORDER BY " + String.join(", ", order) + " LIMIT " + query.limit());
    return st.run(
        rs -> {
          List<HopQuery.Hop> out = new ArrayList<>();
          while (rs.next()) {
            List<Object> key = new ArrayList<>();
            for (int i = 0; i < nb; i++) {
              Field f = plan.breakdowns().get(i);
              key.add(Results.breakdownValue(f, read(rs, i + 1, f.type())));
            }
            out.add(
                new HopQuery.Hop(
                    key,
                    rs.getString(nb + 1),
                    rs.getLong(nb + 2),
                    rs.getLong(nb + 3),
                    rs.getDouble(nb + 4),
                    rs.getDouble(nb + 5)));
          }
          return out;
        });
  }

  @Override
  public List<TraceSummary> traces(TraceQuery query) throws StoreException {
    Plan plan = Plan.of(Question.over(query.range()).where(query.where()).build(), catalog());
    Statement ids = new Statement();
    String traceId = core("trace_id", "e");
    ids.add("SELECT " + selectList(List.of(traceId, "max(" + core("time", "e") + ")")));
    ids.fromWhere(query.range(), plan.where());
    ids.add(
        " AND "
            + traceId
            + " IS NOT NULL GROUP BY "
            + dialect.position(1)
            + " ORDER BY "
            + dialect.position(2)
            + " DESC, "
            + dialect.position(1)
            + " LIMIT "
            + query.limit());
    List<String> found =
        ids.run(
            rs -> {
              List<String> out = new ArrayList<>();
              while (rs.next()) {
                out.add(rs.getString(1));
              }
              return out;
            });
    if (found.isEmpty()) {
      return List.of();
    }
    Map<String, List<TraceRow>> rows = new LinkedHashMap<>();
    for (String id : found) {
      rows.put(id, new ArrayList<>());
    }
    Statement st = new Statement();
    st.add(
        "SELECT "
            + selectList(
                List.of(
                    traceId,
                    core("kind", "e") + " = " + dialect.literal(EventKind.SPAN.label()),
                    core("time", "e"),
                    "coalesce(" + core("duration", "e") + ", 0)",
                    core("parent_span_id", "e") + " IS NOT NULL",
                    core("span_id", "e"),
                    core("service.name", "e"),
                    core("name", "e"),
                    core("error", "e"))));
    st.fromWhere(query.range(), null);
    st.add(" AND " + traceId + " IN (");
    for (int i = 0; i < found.size(); i++) {
      st.add(i > 0 ? ", " : "").param(found.get(i));
    }
    st.add(")");
    st.run(
        rs -> {
          while (rs.next()) {
            rows.get(rs.getString(1))
                .add(
                    new TraceRow(
                        rs.getBoolean(2),
                        rs.getLong(3),
                        rs.getLong(4),
                        rs.getBoolean(5),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getString(8),
                        rs.getBoolean(9)));
          }
          return null;
        });
    List<TraceSummary> out = new ArrayList<>();
    rows.forEach((id, list) -> out.add(TraceRow.summarize(id, list)));
    return out;
  }

  @Override
  public ColumnInfo.Columns columns(TimeRange range) throws StoreException {
    List<Field> fields = List.copyOf(catalog().fields());
    Statement count = new Statement();
    count.add("SELECT count(*)");
    count.fromWhere(range, null);
    long n =
        count.run(
            rs -> {
              rs.next();
              return rs.getLong(1);
            });
    List<Object[]> rows =
        sample(range, null, null, true, Results.fraction(n, Results.DESCRIBE_SAMPLE), fields);
    return Results.describe(fields, rows, n);
  }

  @Override
  public Comparison compare(CompareQuery query) throws StoreException {
    Catalog catalog = catalog();
    Plan base = Plan.of(Question.over(query.range()).where(query.where()).build(), catalog);
    Plan sel =
        Plan.of(Question.over(query.range()).where(query.selectionFilter()).build(), catalog);
    Statement counts = new Statement();
    Statement selCond = new Statement();
    selCond.filter(sel.where());
    counts.add(
        "SELECT "
            + selectList(
                List.of(dialect.countIf(dialect.orFalse(selCond.text.toString())), "count(*)")));
    counts.params.addAll(selCond.params);
    counts.joinResources |= selCond.joinResources;
    counts.fromWhere(query.range(), base.where());
    long[] n =
        counts.run(
            rs -> {
              rs.next();
              return new long[] {rs.getLong(1), rs.getLong(2)};
            });
    long nS = n[0];
    long nB = n[1] - n[0];
    List<Field> fields = Results.comparedFields(catalog, query.selectionFilter());
    // Each side is sampled by the store's vector-level table sample: a hash of each row (what the
    // in-memory engine uses) makes DuckDB read every column of every row, 0.5–2 s at 10M events,
    // where skipping whole vectors reads ~0.1 % of them (bench/query/README.md).
    List<Object[]> selected =
        sample(
            query.range(),
            base.where(),
            sel.where(),
            true,
            Results.fraction(nS, Results.MAX_SAMPLE),
            fields);
    List<Object[]> rest =
        sample(
            query.range(),
            base.where(),
            sel.where(),
            false,
            Results.fraction(nB, Results.MAX_SAMPLE),
            fields);
    List<Object[]> rows = new ArrayList<>(selected);
    rows.addAll(rest);
    boolean[] in = new boolean[rows.size()];
    Arrays.fill(in, 0, selected.size(), true);
    return BubbleUp.compute(fields, rows, in, nS, nB);
  }

  /**
   * A sample of about {@code fraction} of the events of {@code range} matching {@code base} and
   * ({@code inside}) or not ({@code !inside}) {@code selection}, with every field's value. Fields
   * with a column are read from it; the others from the raw attribute JSON, parsed here and
   * converted the way {@link EventFields} converts, so the values equal the in-memory engine's.
   */
  private List<Object[]> sample(
      TimeRange range,
      BoundFilter base,
      BoundFilter selection,
      boolean inside,
      double fraction,
      List<Field> fields)
      throws StoreException {
    Statement st = new Statement();
    st.joinResources = true;
    if (fraction < 1) {
      st.tableSample = dialect.tableSample(fraction);
    }
    List<String> select = new ArrayList<>();
    int[] columnIndex = new int[fields.size()];
    for (int i = 0; i < fields.size(); i++) {
      SqlColumn col = layout().columns().get(fields.get(i).name());
      columnIndex[i] = col == null ? -1 : select.size() + 1;
      if (col != null) {
        select.add(col.sql());
      }
    }
    AttributeColumns attributeColumns = attributeColumns(select);
    st.add("SELECT " + selectList(select));
    st.fromWhere(range, base);
    if (selection != null) {
      Statement cond = new Statement();
      cond.filter(selection);
      st.add((inside ? " AND " : " AND NOT ") + dialect.orFalse(cond.text.toString()));
      st.params.addAll(cond.params);
    }
    return st.run(
        rs -> {
          List<Object[]> out = new ArrayList<>();
          while (rs.next()) {
            Map<String, Object> record = dialect.readAttributes(rs, attributeColumns.record());
            Map<String, Object> resource = dialect.readAttributes(rs, attributeColumns.resource());
            Object[] row = new Object[fields.size()];
            for (int i = 0; i < row.length; i++) {
              Field f = fields.get(i);
              Object raw = columnIndex[i] > 0 ? rs.getObject(columnIndex[i]) : null;
              if (raw instanceof Number n && f.type() == FieldType.BOOL) {
                raw = n.intValue() != 0; // a boolean column of a store without booleans
              }
              if (raw == null && !f.core() && f.onRecords()) {
                raw = record.get(f.name());
              }
              if (raw == null && !f.core() && f.onResources()) {
                raw = resource.get(f.name());
              }
              row[i] = raw == null ? null : EventFields.as(f.type(), raw);
            }
            out.add(row);
          }
          return out;
        });
  }

  /** Where a row's record and resource attributes start in the select list (from 1). */
  private record AttributeColumns(int record, int resource) {}

  /** Adds the columns of a row's record and resource attributes to {@code select}. */
  private AttributeColumns attributeColumns(List<String> select) {
    int record = select.size() + 1;
    select.addAll(dialect.attributeColumns(layout().recordAttributes()));
    int resource = select.size() + 1;
    select.addAll(dialect.attributeColumns(layout().resourceAttributes()));
    return new AttributeColumns(record, resource);
  }
}
