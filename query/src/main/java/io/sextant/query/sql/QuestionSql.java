package io.sextant.query.sql;

import io.sextant.model.EventKind;
import io.sextant.query.Catalog;
import io.sextant.query.Field;
import io.sextant.query.HistogramPoint;
import io.sextant.query.Histograms;
import io.sextant.query.Plan;
import io.sextant.query.Plan.BoundCalculation;
import io.sextant.query.Plan.BoundHaving;
import io.sextant.query.Plan.BoundOrder;
import io.sextant.query.Question;
import io.sextant.query.Result;
import io.sextant.query.Results;
import io.sextant.store.spi.FieldType;
import io.sextant.store.spi.StoreException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The statements that answer a {@link Question}: the table of groups, a series per top group, a
 * heatmap per heatmap calculation, and the histogram points for percentiles of histogram metrics.
 */
record QuestionSql(SqlTarget target) {
  /** The answer to {@code plan}'s question, taking the time from {@code started} on. */
  Result answer(Plan plan, long started) throws StoreException {
    Question question = plan.question();
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
        new Result.Stats(target.sql().dialect(), (System.nanoTime() - started) / 1_000_000));
  }

  private List<List<Object>> table(
      Plan plan, double seconds, Map<List<Object>, Map<String, List<HistogramPoint>>> histograms)
      throws StoreException {
    Statement st = target.statement();
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
    st.add("SELECT " + target.selectList(select));
    st.fromWhere(plan.question().range(), plan.where());
    int nb = plan.breakdowns().size();
    if (nb > 0) {
      st.add(" GROUP BY " + target.positions(1, nb));
    }
    if (plan.hasHistograms()) {
      // Histogram percentiles are computed here, so having, order and limit are applied here too.
      List<List<Object>> rows =
          st.run(
              rs -> {
                List<List<Object>> out = new ArrayList<>();
                while (rs.next()) {
                  out.add(SqlValues.row(plan, rs, 1));
                }
                return out;
              });
      Histograms.fillRows(plan, rows, histograms);
      rows.removeIf(row -> !Results.keep(plan, row));
      rows.sort(Results.rowOrder(plan));
      return rows.size() > plan.question().limit()
          ? new ArrayList<>(rows.subList(0, plan.question().limit()))
          : rows;
    }
    if (!plan.having().isEmpty()) {
      List<String> conds = new ArrayList<>();
      for (BoundHaving h : plan.having()) {
        conds.add(
            aggs.get(h.index()) + " " + Statement.sqlOp(h.op()) + " " + Double.toString(h.value()));
      }
      st.add(" HAVING " + String.join(" AND ", conds));
    }
    List<String> order = new ArrayList<>();
    for (BoundOrder o : plan.orderBy()) {
      order.add(
          target.dialect().position(o.index() + 1)
              + (o.descending() ? " DESC" : " ASC")
              + " NULLS LAST");
    }
    for (int i = 0; i < nb; i++) {
      order.add(target.dialect().position(i + 1) + " ASC NULLS LAST");
    }
    if (!order.isEmpty()) {
      st.add(" ORDER BY " + String.join(", ", order));
    }
    st.add(" LIMIT " + plan.question().limit());
    return st.run(
        rs -> {
          List<List<Object>> out = new ArrayList<>();
          while (rs.next()) {
            out.add(SqlValues.row(plan, rs, 1));
          }
          return out;
        });
  }

  private String aggregate(Statement st, BoundCalculation c, double seconds) {
    if (c.histogram()) {
      // Answered from the points apart (histogramPoints); an aggregate NULL keeps one row a group.
      return "(CASE WHEN count(*) < 0 THEN 0.0 END)";
    }
    return switch (c.aggregate()) {
      case COUNT -> "count(*)";
      case RATE -> "(count(*) / " + Double.toString(seconds) + ")";
      case COUNT_DISTINCT -> target.dialect().countDistinct(st.expr(c.field()));
      case SUM -> target.dialect().toDouble("sum(" + st.expr(c.field()) + ")");
      case AVG -> target.dialect().toDouble("avg(" + st.expr(c.field()) + ")");
      case MIN, MAX -> {
        String agg = c.aggregate().label() + "(" + st.expr(c.field()) + ")";
        yield c.field().type() == FieldType.TIMESTAMP ? agg : target.dialect().toDouble(agg);
      }
      case HEATMAP -> throw new AssertionError("heatmaps are answered apart");
      default -> target.dialect().quantile(st.expr(c.field()), c.aggregate().quantile());
    };
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
      Statement st = target.statement();
      List<String> select = new ArrayList<>();
      select.add(target.dialect().intDiv("e.time - " + from, step));
      List<String> groupExprs = new ArrayList<>();
      for (Field f : plan.breakdowns()) {
        groupExprs.add(st.expr(f));
      }
      select.addAll(groupExprs);
      for (BoundCalculation c : plan.calculations()) {
        select.add(aggregate(st, c, step / 1e9));
      }
      st.add("SELECT " + target.selectList(select));
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
              st.add(target.dialect().orFalse("(" + groupExprs.get(i) + " = ?)"));
              st.params.add(key.get(i));
            }
          }
          st.add(")");
        }
        st.add(")");
      }
      st.add(" GROUP BY " + target.positions(1, nb + 1));
      st.run(
          rs -> {
            while (rs.next()) {
              int b = (int) rs.getLong(1);
              List<Object> row = SqlValues.row(plan, rs, 2);
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
    Statement st = target.statement();
    st.joinResources = true;
    List<String> select = new ArrayList<>();
    for (Field f : plan.breakdowns()) {
      select.add(st.expr(f));
    }
    int nb = select.size();
    select.add(target.layout().columns().get("time").sql());
    List<String> promoted = new ArrayList<>();
    target
        .layout()
        .columns()
        .forEach(
            (name, col) -> {
              if (!Catalog.CORE.containsKey(name)) {
                promoted.add(name);
                select.add(col.sql());
              }
            });
    SqlTarget.AttributeColumns attributeColumns = target.attributeColumns(select);
    st.add("SELECT " + target.selectList(select));
    st.fromWhere(Histograms.fetchRange(plan.question().range()), plan.where());
    st.add(" AND " + target.layout().columns().get("kind").sql() + " = ")
        .param(EventKind.METRIC.label());
    List<HistogramPoint> points =
        st.run(
            rs -> {
              List<HistogramPoint> out = new ArrayList<>();
              while (rs.next()) {
                Map<String, Object> record =
                    target.dialect().readAttributes(rs, attributeColumns.record());
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
                  key.add(Results.breakdownValue(f, SqlValues.read(rs, i + 1, f.type())));
                }
                HistogramPoint p =
                    HistogramPoint.of(
                        key,
                        rs.getLong(nb + 1),
                        Histograms.fields(
                            target.dialect().readAttributes(rs, attributeColumns.resource()),
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
    Statement st = target.statement();
    String x = st.expr(h.field());
    st.add(
        "SELECT "
            + target.selectList(
                List.of(
                    target.dialect().intDiv("e.time - " + from, step),
                    "CASE WHEN " + x + " > 0 THEN " + target.dialect().logBucket(x) + " END",
                    "count(*)")));
    st.fromWhere(plan.question().range(), plan.where());
    st.add(" AND " + x + " IS NOT NULL GROUP BY " + target.positions(1, 2));
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
}
