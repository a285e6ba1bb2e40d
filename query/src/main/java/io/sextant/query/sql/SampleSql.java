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
    if (target.dialect().sampleByTime()) {
      long width = TimeSlices.bucketWidth(range.fromUnixNano(), range.toUnixNano());
      long[] counts = new long[TimeSlices.BUCKETS];
      bucketCounts(range, null, null, width, counts, null);
      long n = Arrays.stream(counts).sum();
      TimeSlices slices =
          TimeSlices.of(
              range.fromUnixNano(),
              range.toUnixNano(),
              width,
              counts,
              (long) (1.2 * Results.DESCRIBE_SAMPLE));
      return Results.describe(fields, sample(range, null, null, true, slices, fields), n);
    }
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

  /**
   * Counts the events of {@code range} matching {@code base} per time bucket of {@code width}: into
   * {@code inside} those matching {@code selection} (all of them when it is null), into {@code
   * outside} the others (when it is not null).
   */
  private void bucketCounts(
      TimeRange range,
      BoundFilter base,
      BoundFilter selection,
      long width,
      long[] inside,
      long[] outside)
      throws StoreException {
    Statement st = target.statement();
    String matching = "count(*)";
    if (selection != null) {
      Statement cond = target.statement();
      cond.filter(selection);
      matching = target.dialect().countIf(target.dialect().orFalse(cond.text.toString()));
      st.params.addAll(cond.params);
      st.joinResources |= cond.joinResources;
    }
    st.add(
        "SELECT "
            + target.selectList(
                List.of(
                    target.dialect().intDiv("e.time - " + range.fromUnixNano(), width),
                    matching,
                    "count(*)")));
    st.fromWhere(range, base);
    st.add(" GROUP BY " + target.positions(1, 1));
    st.run(
        rs -> {
          while (rs.next()) {
            int b = (int) Math.min(inside.length - 1, rs.getLong(1));
            inside[b] += rs.getLong(2);
            if (outside != null) {
              outside[b] += rs.getLong(3) - rs.getLong(2);
            }
          }
          return null;
        });
  }

  Comparison compare(CompareQuery query, Catalog catalog) throws StoreException {
    Plan base = Plan.of(Question.over(query.range()).where(query.where()).build(), catalog);
    Plan sel =
        Plan.of(Question.over(query.range()).where(query.selectionFilter()).build(), catalog);
    List<Object[]> selectedRows;
    List<Object[]> rest;
    List<Field> fields = Results.comparedFields(catalog, query.selectionFilter());
    long nS;
    long nB;
    if (target.dialect().sampleByTime()) {
      // Each side counted per time bucket, then sampled in slices where its events are.
      TimeRange r = query.range();
      long width = TimeSlices.bucketWidth(r.fromUnixNano(), r.toUnixNano());
      long[] inside = new long[TimeSlices.BUCKETS];
      long[] outside = new long[TimeSlices.BUCKETS];
      bucketCounts(r, base.where(), sel.where(), width, inside, outside);
      nS = Arrays.stream(inside).sum();
      nB = Arrays.stream(outside).sum();
      long target = (long) (1.2 * Results.MAX_SAMPLE);
      long from = r.fromUnixNano();
      long to = r.toUnixNano();
      selectedRows =
          sample(
              r,
              base.where(),
              sel.where(),
              true,
              TimeSlices.of(from, to, width, inside, target),
              fields);
      rest =
          sample(
              r,
              base.where(),
              sel.where(),
              false,
              TimeSlices.of(from, to, width, outside, target),
              fields);
    } else {
      Statement selCond = target.statement();
      selCond.filter(sel.where());
      String selected = target.dialect().countIf(target.dialect().orFalse(selCond.text.toString()));
      Statement counts = target.statement();
      counts.add("SELECT " + target.selectList(List.of(selected, "count(*)")));
      counts.params.addAll(selCond.params);
      counts.joinResources |= selCond.joinResources;
      counts.fromWhere(query.range(), base.where());
      long[] n =
          counts.run(
              rs -> {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
              });
      nS = n[0];
      nB = n[1] - n[0];
      // Each side is sampled by the store's vector-level table sample: a hash of each row (what
      // the in-memory engine uses) makes DuckDB read every column of every row, 0.5–2 s at 10M
      // events, where skipping whole vectors reads ~0.1 % of them (bench/query/README.md).
      selectedRows =
          sample(
              query.range(),
              base.where(),
              sel.where(),
              true,
              Results.fraction(nS, Results.MAX_SAMPLE),
              fields);
      rest =
          sample(
              query.range(),
              base.where(),
              sel.where(),
              false,
              Results.fraction(nB, Results.MAX_SAMPLE),
              fields);
    }
    List<Object[]> rows = new ArrayList<>(selectedRows);
    rows.addAll(rest);
    boolean[] in = new boolean[rows.size()];
    Arrays.fill(in, 0, selectedRows.size(), true);
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
    return sample(range, base, selection, inside, fraction, null, fields);
  }

  /** {@link #sample} of the events in {@code slices} (all of them when it is null). */
  private List<Object[]> sample(
      TimeRange range,
      BoundFilter base,
      BoundFilter selection,
      boolean inside,
      TimeSlices slices,
      List<Field> fields)
      throws StoreException {
    return sample(range, base, selection, inside, 1, slices, fields);
  }

  private List<Object[]> sample(
      TimeRange range,
      BoundFilter base,
      BoundFilter selection,
      boolean inside,
      double fraction,
      TimeSlices slices,
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
    if (slices != null) {
      st.add(" AND ");
      slices.condition(st, "e.time");
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
