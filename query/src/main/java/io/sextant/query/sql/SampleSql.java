package io.sextant.query.sql;

import io.sextant.query.BubbleUp;
import io.sextant.query.Catalog;
import io.sextant.query.ColumnInfo;
import io.sextant.query.CompareQuery;
import io.sextant.query.Comparison;
import io.sextant.query.EventFields;
import io.sextant.query.Field;
import io.sextant.query.Plan;
import io.sextant.query.Plan.BoundFilter;
import io.sextant.query.Question;
import io.sextant.query.Results;
import io.sextant.store.spi.FieldType;
import io.sextant.store.spi.SqlAccess.SqlColumn;
import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.TimeRange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The statements that read events field by field, on a sample when there are many: describing the
 * columns of a range, and compare-to-baseline.
 */
record SampleSql(SqlTarget target) {
  ColumnInfo.Columns columns(TimeRange range, Catalog catalog) throws StoreException {
    List<Field> fields = List.copyOf(catalog.fields());
    Statement count = target.statement();
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

  Comparison compare(CompareQuery query, Catalog catalog) throws StoreException {
    Plan base = Plan.of(Question.over(query.range()).where(query.where()).build(), catalog);
    Plan sel =
        Plan.of(Question.over(query.range()).where(query.selectionFilter()).build(), catalog);
    Statement counts = target.statement();
    Statement selCond = target.statement();
    selCond.filter(sel.where());
    counts.add(
        "SELECT "
            + target.selectList(
                List.of(
                    target.dialect().countIf(target.dialect().orFalse(selCond.text.toString())),
                    "count(*)")));
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
    Statement st = target.statement();
    st.joinResources = true;
    if (fraction < 1) {
      st.tableSample = target.dialect().tableSample(fraction);
    }
    List<String> select = new ArrayList<>();
    int[] columnIndex = new int[fields.size()];
    for (int i = 0; i < fields.size(); i++) {
      SqlColumn col = target.layout().columns().get(fields.get(i).name());
      columnIndex[i] = col == null ? -1 : select.size() + 1;
      if (col != null) {
        select.add(col.sql());
      }
    }
    SqlTarget.AttributeColumns attributeColumns = target.attributeColumns(select);
    st.add("SELECT " + target.selectList(select));
    st.fromWhere(range, base);
    if (selection != null) {
      Statement cond = target.statement();
      cond.filter(selection);
      st.add((inside ? " AND " : " AND NOT ") + target.dialect().orFalse(cond.text.toString()));
      st.params.addAll(cond.params);
    }
    return st.run(
        rs -> {
          List<Object[]> out = new ArrayList<>();
          while (rs.next()) {
            Map<String, Object> record =
                target.dialect().readAttributes(rs, attributeColumns.record());
            Map<String, Object> resource =
                target.dialect().readAttributes(rs, attributeColumns.resource());
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
}
