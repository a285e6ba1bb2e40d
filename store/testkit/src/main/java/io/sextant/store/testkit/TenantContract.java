package io.sextant.store.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.StatusCode;
import io.sextant.model.TraceId;
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
import io.sextant.store.spi.AttributeKey;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.ServiceSummary;
import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.TimeRange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Isolation between tenants, which every store must keep: through a tenant's view ({@link
 * EventStore#forTenant}) and the query engine over it, no event, count, column name or example
 * value of another tenant reaches an answer.
 *
 * <p>The fixture is built to leak if any read forgets the tenant: {@code acme} and {@code globex}
 * share a trace id and even a span id (two systems that happen to draw the same ids, or a tenant
 * forging another's), each has attribute keys and values of its own, and globex has a server span
 * whose parent is acme's client span, so a call join without the tenant would name globex's service
 * as acme's callee.
 */
public abstract class TenantContract {
  static final long S = 1_000_000_000L;
  static final long MS = 1_000_000L;
  static final long T0 = Fixtures.T0;
  static final TimeRange HOUR = new TimeRange(T0, T0 + 3600 * S);
  static final TraceId SHARED = new TraceId(0x5eed, 0x1);
  static final String ACME = "acme";
  static final String GLOBEX = "globex";

  @TempDir protected Path dir;
  private EventStore store;

  protected abstract EventStore openStore(Path dir) throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    store = openStore(dir);
    store.write(fixture());
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  private static Event.Builder span(
      String tenant, String service, long span, Long parent, SpanKind kind, long at) {
    return Event.span(SHARED, new SpanId(span))
        .parentSpanId(parent == null ? null : new SpanId(parent))
        .resource(
            new Resource(
                Attributes.of("service.name", service, tenant + ".region", tenant + "-east")))
        .spanKind(kind)
        .timeUnixNano(at)
        .durationNanos(10 * MS)
        .tenant(tenant);
  }

  /** acme: 3 spans and a log; globex: 2 spans, one with acme's span id, one error. */
  static List<Event> fixture() {
    List<Event> out = new ArrayList<>();
    out.add(
        span(ACME, "shop", 1, null, SpanKind.SERVER, T0 + S)
            .name("GET /cart")
            .attributes(Attributes.of("user_id", "u-acme", "acme.secret", "acme-value"))
            .build());
    out.add(
        span(ACME, "shop", 2, 1L, SpanKind.CLIENT, T0 + S + MS)
            .name("call pricing")
            .attributes(Attributes.of("user_id", "u-acme"))
            .build());
    out.add(
        span(ACME, "pricing", 3, 2L, SpanKind.SERVER, T0 + S + 2 * MS)
            .name("price")
            .attributes(Attributes.of("user_id", "u-acme"))
            .build());
    out.add(
        Event.log()
            .timeUnixNano(T0 + 2 * S)
            .traceId(SHARED)
            .resource(new Resource(Attributes.of("service.name", "shop")))
            .body("acme log")
            .severityNumber(9)
            .tenant(ACME)
            .build());
    // The same trace id and span id as acme's root, another name: not a duplicate of it.
    out.add(
        span(GLOBEX, "bank", 1, null, SpanKind.SERVER, T0 + 3 * S)
            .name("POST /transfer")
            .status(StatusCode.ERROR)
            .attributes(Attributes.of("user_id", "u-globex", "globex.only", "globex-value"))
            .build());
    // A server span whose parent is acme's client span.
    out.add(
        span(GLOBEX, "ledger", 9, 2L, SpanKind.SERVER, T0 + S + 3 * MS)
            .name("book")
            .attributes(Attributes.of("user_id", "u-globex"))
            .build());
    return out;
  }

  private EventStore acme() {
    return store.forTenant(ACME);
  }

  @Test
  void aTraceHoldsOnlyItsTenantsEvents() throws Exception {
    List<Event> acme = acme().trace(SHARED);
    assertThat(acme).extracting(Event::tenant).containsOnly(ACME);
    assertThat(acme)
        .extracting(Event::name)
        .containsExactly("GET /cart", "call pricing", "price", "");
    List<Event> globex = store.forTenant(GLOBEX).trace(SHARED);
    assertThat(globex).extracting(Event::name).containsExactly("book", "POST /transfer");
    assertThat(store.forTenant("initech").trace(SHARED)).isEmpty();
  }

  @Test
  void servicesAndCountsAreTheTenants() throws Exception {
    assertThat(acme().services(HOUR))
        .extracting(ServiceSummary::name)
        .containsExactly("shop", "pricing");
    assertThat(acme().stats().events()).isEqualTo(4);
    assertThat(store.forTenant(GLOBEX).stats().events()).isEqualTo(2);
    assertThat(store.stats().events()).isEqualTo(6);
  }

  @Test
  void attributeKeysAreTheTenants() throws Exception {
    List<String> keys = acme().attributeKeys().stream().map(AttributeKey::key).toList();
    assertThat(keys).contains("acme.secret", "acme.region", "user_id");
    assertThat(keys).noneMatch(k -> k.startsWith("globex"));
    assertThat(store.forTenant("initech").attributeKeys()).isEmpty();
  }

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

  @Test
  void aTenantsViewIsReadOnly() {
    EventStore acme = acme();
    assertThatThrownBy(() -> acme.write(fixture())).isInstanceOf(StoreException.class);
    assertThatThrownBy(() -> acme.deleteBefore(Long.MAX_VALUE)).isInstanceOf(StoreException.class);
    acme.close(); // the view's close leaves the store open
    assertThat(store.check().healthy()).isTrue();
  }

  @Test
  void aBadTenantNameIsRefused() {
    assertThatThrownBy(() -> store.forTenant("a'; DROP TABLE events"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tenant name");
    assertThatThrownBy(() -> store.forTenant("")).isInstanceOf(IllegalArgumentException.class);
  }
}
