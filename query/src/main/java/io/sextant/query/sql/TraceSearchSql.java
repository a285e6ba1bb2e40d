package io.sextant.query.sql;

import io.sextant.model.EventKind;
import io.sextant.query.Catalog;
import io.sextant.query.Plan;
import io.sextant.query.Question;
import io.sextant.query.TraceQuery;
import io.sextant.query.TraceRow;
import io.sextant.query.TraceSummary;
import io.sextant.store.spi.StoreException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The statements of a trace search: the ids of the latest matching traces, then every event of
 * those traces in the range, summarised as the in-memory engine summarises them.
 */
record TraceSearchSql(SqlTarget target) {
  List<TraceSummary> traces(TraceQuery query, Catalog catalog) throws StoreException {
    Plan plan = Plan.of(Question.over(query.range()).where(query.where()).build(), catalog);
    Statement ids = target.statement();
    String traceId = target.core("trace_id", "e");
    ids.add(
        "SELECT " + target.selectList(List.of(traceId, "max(" + target.core("time", "e") + ")")));
    ids.fromWhere(query.range(), plan.where());
    ids.add(
        " AND "
            + traceId
            + " IS NOT NULL GROUP BY "
            + target.dialect().position(1)
            + " ORDER BY "
            + target.dialect().position(2)
            + " DESC, "
            + target.dialect().position(1)
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
    Statement st = target.statement();
    st.add(
        "SELECT "
            + target.selectList(
                List.of(
                    traceId,
                    target.core("kind", "e")
                        + " = "
                        + target.dialect().literal(EventKind.SPAN.label()),
                    target.core("time", "e"),
                    "coalesce(" + target.core("duration", "e") + ", 0)",
                    target.core("parent_span_id", "e") + " IS NOT NULL",
                    target.core("span_id", "e"),
                    target.core("service.name", "e"),
                    target.core("name", "e"),
                    target.core("error", "e"))));
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
}
