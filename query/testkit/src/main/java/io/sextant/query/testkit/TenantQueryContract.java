package io.sextant.query.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.query.ColumnInfo;
import io.sextant.query.CompareQuery;
import io.sextant.query.Comparison;
import io.sextant.query.Engine;
import io.sextant.query.Engines;
import io.sextant.query.Filter;
import io.sextant.query.HopQuery;
import io.sextant.query.Op;
import io.sextant.query.Question;
import io.sextant.query.Result;
import io.sextant.query.TraceQuery;
import io.sextant.query.TraceSummary;
import io.sextant.store.testkit.TenantContract;
import io.sextant.store.testkit.TenantFixture;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Isolation between tenants in the answers of the query engine over a tenant's view: no event,
 * count, column name or example value of another tenant reaches a question, a trace search, a call
 * join or a comparison. The store and its events are {@link TenantFixture}'s, built to leak; the
 * store's own reads are held to the same by {@link TenantContract}.
 */
public abstract class TenantQueryContract extends TenantFixture {
  @Test
  void questionsCountOnlyTheTenantsEvents() throws Exception {
    Engine engine = Engines.of(acme());
    assertThat(engine.run(Question.over(HOUR).build()).rows()).containsExactly(List.of(4L));
    Result byService = engine.run(Question.over(HOUR).by("service.name").build());
    assertThat(byService.rows())
        .extracting(r -> r.get(0))
        .containsExactlyInAnyOrder("shop", "pricing");
    Result users =
        engine.run(
            Question.over(HOUR).where(Filter.Predicate.of("user_id", Op.EQ, "u-globex")).build());
    assertThat(users.rows()).containsExactly(List.of(0L));
    Result errors =
        engine.run(Question.over(HOUR).where(Filter.Predicate.of("error", Op.EQ, true)).build());
    assertThat(errors.rows()).containsExactly(List.of(0L));
  }

  @Test
  void columnsShowNoOtherTenantsNamesOrValues() throws Exception {
    ColumnInfo.Columns columns = Engines.of(acme()).columns(HOUR);
    assertThat(columns.events()).isEqualTo(4);
    assertThat(columns.columns()).extracting(ColumnInfo::name).noneMatch(n -> n.contains("globex"));
    for (ColumnInfo c : columns.columns()) {
      assertThat(c.examples()).noneMatch(v -> String.valueOf(v).contains("globex"));
      assertThat(c.examples())
          .noneMatch(v -> List.of("bank", "ledger", "POST /transfer", "book").contains(v));
    }
    ColumnInfo user =
        columns.columns().stream().filter(c -> c.name().equals("user_id")).findFirst().get();
    assertThat(user.examples()).containsExactly("u-acme");
  }

  @Test
  void traceSearchCountsOnlyTheTenantsSpans() throws Exception {
    List<TraceSummary> traces = Engines.of(acme()).traces(new TraceQuery(HOUR, null, 10));
    assertThat(traces).hasSize(1);
    TraceSummary t = traces.get(0);
    assertThat(t.rootService()).isEqualTo("shop");
    assertThat(t.spanCount()).isEqualTo(3);
    assertThat(t.errorCount()).isZero();
  }

  @Test
  void callsJoinOnlyTheTenantsServers() throws Exception {
    List<HopQuery.Hop> hops =
        Engines.of(acme())
            .hops(
                new HopQuery(
                    HOUR,
                    Filter.Predicate.of("span.kind", Op.EQ, "client"),
                    List.of("service.name"),
                    0));
    assertThat(hops)
        .extracting(h -> h.key().get(0) + " -> " + h.callee())
        .containsExactly("shop -> pricing");
  }

  @Test
  void comparisonsSeeOnlyTheTenantsEvents() throws Exception {
    Comparison c =
        Engines.of(acme())
            .compare(
                new CompareQuery(
                    HOUR,
                    Filter.Predicate.of("kind", Op.EQ, "span"),
                    new CompareQuery.FilterSelection(
                        Filter.Predicate.of("service.name", Op.EQ, "shop"))));
    assertThat(c.selectionCount()).isEqualTo(2);
    assertThat(c.baselineCount()).isEqualTo(1);
    for (Comparison.AttributeDiff a : c.attributes()) {
      assertThat(a.key()).doesNotContain("globex");
      assertThat(a.values())
          .extracting(v -> String.valueOf(v.value()))
          .noneMatch(v -> v.contains("globex") || v.equals("bank") || v.equals("ledger"));
    }
  }
}
