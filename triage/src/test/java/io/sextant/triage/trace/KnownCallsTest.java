package io.sextant.triage.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.topology.NodeKind;
import io.sextant.triage.rank.TraceFixtures;
import org.junit.jupiter.api.Test;

class KnownCallsTest {
  static final String ORDERS_DB = "orders (postgresql @ 127.0.0.1:6001)";

  /** orders serves a request with one query of {@code queryMillis} to its database. */
  static TraceFixtures.Trace order(double queryMillis) {
    TraceFixtures.Trace t = new TraceFixtures.Trace();
    SpanId root =
        t.span(
            null,
            "orders",
            "node-1",
            SpanKind.SERVER,
            "GET /orders",
            0,
            (long) (queryMillis + 20),
            false);
    t.span(
        root,
        "orders",
        "node-1",
        SpanKind.CLIENT,
        "SELECT orders",
        5,
        (long) (5 + queryMillis),
        false,
        "db.system",
        "postgresql",
        "db.namespace",
        "orders",
        "server.address",
        "127.0.0.1",
        "server.port",
        6001L);
    return t;
  }

  @Test
  void learnsWhatEachServiceCalls_andFindsCallsFarSlowerThanTheirOwnUsual() {
    KnownCalls k = new KnownCalls();
    for (int i = 0; i < 10; i++) {
      k.learn(order(2).events());
    }
    assertThat(k.datastores("orders"))
        .containsExactly(java.util.Map.entry(ORDERS_DB, NodeKind.DATABASE));
    assertThat(k.datastores("gateway")).isEmpty();
    assertThat(k.slowCalls(order(3).events())).isEmpty();
    // 400 ms against its usual 2 ms: slow, though the service's own span holds as much time.
    assertThat(k.slowCalls(order(400).events())).containsExactly(ORDERS_DB);
    // 15 ms is 7.5× its usual but only 13 ms more: not slow.
    assertThat(k.slowCalls(order(15).events())).isEmpty();
  }

  @Test
  void aServerSpanWithNoChildWhoseOperationAlwaysCalls_givesItsTimeToWhatItCalls() {
    KnownCalls k = new KnownCalls();
    for (int i = 0; i < 5; i++) {
      k.learn(order(2).events());
    }
    assertThat(k.alwaysCalls("orders GET /orders")).containsExactly(ORDERS_DB);
    // The call left no span (still waiting when the caller gave up): orders' 1.5 s are its
    // database's.
    TraceFixtures.Trace silent = new TraceFixtures.Trace();
    silent.span(null, "orders", "node-1", SpanKind.SERVER, "GET /orders", 0, 1500, true);
    TraceAnalysis a = TraceAnalysis.of(silent.events(), k);
    assertThat(a.errorOrigins()).containsExactly(ORDERS_DB);
    assertThat(a.criticalPathMillis()).containsKey(ORDERS_DB).doesNotContainKey("orders");
  }

  @Test
  void anErrorWhoseMessageNamesAnotherServicesAddress_isThatServicesWhenTheCallLeftNoSpan() {
    KnownCalls k = KnownCalls.ofAddresses(java.util.Map.of("127.0.0.1:9002", "customers"));
    TraceFixtures.Trace t = new TraceFixtures.Trace();
    SpanId root = t.span(null, "orders", "node-1", SpanKind.SERVER, "POST /orders", 0, 1600, true);
    t.message(
        root,
        "I/O error on POST request for \"http://127.0.0.1:9002/customers/7\": Read timed out");
    TraceAnalysis a = TraceAnalysis.of(t.events(), k);
    assertThat(a.errorOrigins()).containsExactly("customers");
    assertThat(a.errorOriginsOwn()).containsExactly(false);
  }

  @Test
  void theNamedServiceSlowOnItsDatabase_givesTheErrorToTheDatabase() {
    KnownCalls k = new KnownCalls();
    for (int i = 0; i < 5; i++) {
      k.learn(order(2).events()); // orders' database answers in 2 ms
    }
    k.addresses().put("127.0.0.1:9001", "orders");
    // gateway gave up on orders after 1.5 s; orders answered later, slow on its database.
    TraceFixtures.Trace t = new TraceFixtures.Trace();
    SpanId root =
        t.span(null, "gateway", "edge", SpanKind.SERVER, "GET /api/orders", 0, 1600, true);
    t.message(root, "I/O error on GET request for \"http://127.0.0.1:9001/orders\": timed out");
    for (io.sextant.model.Event e : order(1800).events()) {
      t.add(
          e.toBuilder()
              .parentSpanId(e.parentSpanId() == null ? new SpanId(999) : e.parentSpanId())
              .timeUnixNano(e.timeUnixNano() + 10_000_000L)
              .build());
    }
    TraceAnalysis a = TraceAnalysis.of(t.events(), k);
    assertThat(a.errorOrigins()).containsExactly(ORDERS_DB);
  }
}
