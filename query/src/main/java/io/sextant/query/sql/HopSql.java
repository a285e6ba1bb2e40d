package io.sextant.query.sql;

import io.sextant.model.EventKind;
import io.sextant.model.SpanKind;
import io.sextant.query.Catalog;
import io.sextant.query.Field;
import io.sextant.query.HopQuery;
import io.sextant.query.Plan;
import io.sextant.query.Question;
import io.sextant.query.Results;
import io.sextant.store.spi.StoreException;
import java.util.ArrayList;
import java.util.List;

/**
 * The statement that answers a {@link HopQuery}: the matching spans joined to the service of their
 * child server or consumer span, grouped with counts, errors and duration percentiles.
 */
record HopSql(SqlTarget target) {
  List<HopQuery.Hop> hops(HopQuery query, Catalog catalog) throws StoreException {
    Question q =
        Question.over(query.range())
            .where(query.where())
            .by(query.breakdowns().toArray(String[]::new))
            .build();
    Plan plan = Plan.of(q, catalog);
    int nb = plan.breakdowns().size();
    Statement st = target.statement();
    List<String> select = new ArrayList<>();
    for (Field f : plan.breakdowns()) {
      select.add(st.expr(f));
    }
    String service = target.core("service.name", "e");
    select.add("CASE WHEN k.s <> " + service + " THEN k.s END");
    String duration = target.core("duration", "e");
    select.add("count(*)");
    select.add(target.dialect().countIf(target.core("error", "e")));
    select.add(target.dialect().quantile(duration, 0.5));
    select.add(target.dialect().quantile(duration, 0.99));
    st.add("SELECT " + target.selectList(select));
    // One row per call: the smallest callee service name when a call has several server children.
    st.extraJoin =
        " "
            + target.dialect().leftJoin()
            + " (SELECT "
            + target.core("trace_id", "c")
            + " AS t, "
            + target.core("parent_span_id", "c")
            + " AS p, min("
            + target.core("service.name", "c")
            + ") AS s FROM "
            + target.dialect().from(target.layout().eventsTable(), "c", "")
            + " WHERE "
            + target.core("time", "c")
            + " >= ? AND "
            + target.core("time", "c")
            + " < ? AND "
            + target.core("kind", "c")
            + " = ? AND "
            + target.core("parent_span_id", "c")
            + " IS NOT NULL AND "
            + target.core("span.kind", "c")
            + " IN (?, ?)"
            + (target.layout().tenant() == null ? "" : " AND " + target.tenantColumn("c") + " = ?")
            + (target.layout().partitions() == null
                ? ""
                : " AND "
                    + target
                        .layout()
                        .partitions()
                        .condition(
                            "c",
                            query.childRange().fromUnixNano(),
                            query.childRange().toUnixNano()))
            + " GROUP BY t, p) k ON k.t = "
            + target.core("trace_id", "e")
            + " AND k.p = "
            + target.core("span_id", "e");
    st.extraJoinParams.addAll(
        List.of(
            query.childRange().fromUnixNano(),
            query.childRange().toUnixNano(),
            EventKind.SPAN.label(),
            SpanKind.SERVER.label(),
            SpanKind.CONSUMER.label()));
    if (target.layout().tenant() != null) {
      st.extraJoinParams.add(target.layout().tenant().tenant());
    }
    st.fromWhere(query.range(), plan.where());
    st.add(" AND " + target.core("kind", "e") + " = ").param(EventKind.SPAN.label());
    st.add(" GROUP BY " + target.positions(1, nb + 1));
    List<String> order = new ArrayList<>();
    order.add(target.dialect().position(nb + 2) + " DESC");
    for (int i = 1; i <= nb + 1; i++) {
      order.add(target.dialect().position(i) + " ASC NULLS LAST");
    }
    st.add(" ORDER BY " + String.join(", ", order) + " LIMIT " + query.limit());
    return st.run(
        rs -> {
          List<HopQuery.Hop> out = new ArrayList<>();
          while (rs.next()) {
            List<Object> key = new ArrayList<>();
            for (int i = 0; i < nb; i++) {
              Field f = plan.breakdowns().get(i);
              key.add(Results.breakdownValue(f, SqlValues.read(rs, i + 1, f.type())));
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
}
