package io.sextant.topology;

import static io.sextant.topology.Fixture.WINDOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sextant.model.Event;
import io.sextant.model.SpanKind;
import io.sextant.query.Engines;
import io.sextant.store.duckdb.DuckDbConfig;
import io.sextant.store.duckdb.DuckDbEventStore;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.MemoryEventStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The map of hand-built spans, through both engines (in-memory and DuckDB). */
class MapBuilderTest {
  @TempDir Path dir;
  private final List<EventStore> opened = new ArrayList<>();

  static Stream<String> engines() {
    return Stream.of("memory", "duckdb");
  }

  private DependencyMap map(String engine, List<Event> events) throws Exception {
    EventStore store =
        engine.equals("memory")
            ? new MemoryEventStore()
            : DuckDbEventStore.open(DuckDbConfig.defaults(dir.resolve("db")));
    opened.add(store);
    store.write(events);
    return new MapBuilder(Engines.of(store)).build(WINDOW);
  }

  @AfterEach
  void close() throws Exception {
    for (EventStore s : opened) {
      s.close();
    }
  }

  @ParameterizedTest
  @MethodSource("engines")
  void map_infersServicesDatabaseQueueAndOutsideHosts(String engine) throws Exception {
    DependencyMap map = map(engine, Fixture.shop().events());

    assertThat(map.nodes())
        .extracting(n -> n.id() + "|" + n.kind().label() + "|" + n.instrumented())
        .containsExactlyInAnyOrder(
            "web|service|true",
            "checkout|service|true",
            "shipping|service|true",
            "payments (h2 @ 127.0.0.1:5433)|database|false",
            "orders (kafka)|queue|false",
            "tax-legacy|service|false",
            "api.example.net:443|external|false");
    assertThat(map.edges())
        .extracting(e -> e.from() + " -> " + e.to())
        .containsExactlyInAnyOrder(
            "web -> checkout",
            "web -> api.example.net:443",
            "checkout -> payments (h2 @ 127.0.0.1:5433)",
            "checkout -> orders (kafka)",
            "orders (kafka) -> shipping",
            "shipping -> tax-legacy");
  }

  @ParameterizedTest
  @MethodSource("engines")
  void edgeMetrics_equalValuesComputedFromTheSpans(String engine) throws Exception {
    List<Event> events = Fixture.shop().events();
    DependencyMap map = map(engine, events);

    assertRed(
        map.edge("web", "checkout").orElseThrow().red(),
        events,
        client("web", "peer.service", "checkout"));
    assertRed(
        map.edge("checkout", "payments (h2 @ 127.0.0.1:5433)").orElseThrow().red(),
        events,
        client("checkout", "db.system", "h2"));
    assertRed(
        map.edge("orders (kafka)", "shipping").orElseThrow().red(),
        events,
        e -> e.spanKind() == SpanKind.CONSUMER);
    assertRed(
        map.edge("shipping", "tax-legacy").orElseThrow().red(),
        events,
        client("shipping", "peer.service", "tax-legacy"));
    // Nodes: a service by its server spans, a database by the calls into it.
    assertRed(
        map.node("checkout").orElseThrow().red(),
        events,
        e -> e.serviceName().equals("checkout") && e.spanKind() == SpanKind.SERVER);
    assertRed(
        map.node("payments (h2 @ 127.0.0.1:5433)").orElseThrow().red(),
        events,
        client("checkout", "db.system", "h2"));
  }

  @ParameterizedTest
  @MethodSource("engines")
  void clientSpanWithoutServerSide_stillYieldsTheCallee(String engine) throws Exception {
    Fixture f = new Fixture();
    var trace = new io.sextant.model.TraceId(0, 7);
    var root = f.span(trace, null, "web", SpanKind.SERVER, "GET /", Fixture.T0, 10, false);
    f.span(
        trace,
        root,
        "web",
        SpanKind.CLIENT,
        "GET /inventory",
        Fixture.T0 + 1,
        5,
        true,
        "peer.service",
        "inventory");
    DependencyMap map = map(engine, f.events());

    Node callee = map.node("inventory").orElseThrow();
    assertThat(callee.kind()).isEqualTo(NodeKind.SERVICE);
    assertThat(callee.instrumented()).isFalse();
    assertThat(map.edge("web", "inventory").orElseThrow().red().errors()).isEqualTo(1);
  }

  @ParameterizedTest
  @MethodSource("engines")
  void failedCallToAnAddress_isBlamedOnTheServiceThatAnswersThere(String engine) throws Exception {
    Fixture f = new Fixture();
    var t1 = new io.sextant.model.TraceId(0, 1);
    var c1 =
        f.span(
            t1,
            null,
            "web",
            SpanKind.CLIENT,
            "GET /a",
            Fixture.T0,
            5,
            false,
            "server.address",
            "127.0.0.1",
            "server.port",
            9000L);
    f.span(t1, c1, "stock", SpanKind.SERVER, "GET /a", Fixture.T0 + 1, 3, false);
    var t2 = new io.sextant.model.TraceId(0, 2);
    f.span(
        t2,
        null,
        "web",
        SpanKind.CLIENT,
        "GET /a",
        Fixture.T0 + 5,
        1,
        true,
        "server.address",
        "127.0.0.1",
        "server.port",
        9000L);
    DependencyMap map = map(engine, f.events());

    assertThat(map.nodes()).extracting(Node::id).containsExactlyInAnyOrder("web", "stock");
    Red red = map.edge("web", "stock").orElseThrow().red();
    assertThat(red.calls()).isEqualTo(2);
    assertThat(red.errors()).isEqualTo(1);
  }

  private static Predicate<Event> client(String service, String key, String value) {
    return e ->
        e.serviceName().equals(service)
            && e.spanKind() == SpanKind.CLIENT
            && value.equals(e.attributes().get(key));
  }

  private static void assertRed(Red red, List<Event> events, Predicate<Event> which) {
    List<Event> spans = events.stream().filter(which).toList();
    double[] d = spans.stream().mapToDouble(Event::durationNanos).sorted().toArray();
    assertThat(red.calls()).isEqualTo(spans.size());
    assertThat(red.errors()).isEqualTo(spans.stream().filter(Event::isError).count());
    assertThat(red.perSecond()).isCloseTo(spans.size() / 60.0, within(1e-9));
    assertThat(red.p50Nanos()).isCloseTo(percentile(d, 0.50), within(1.0));
    assertThat(red.p99Nanos()).isCloseTo(percentile(d, 0.99), within(1.0));
  }

  /** Linear interpolation between the closest ranks, written out independently. */
  private static double percentile(double[] sorted, double q) {
    double rank = q * (sorted.length - 1);
    int below = (int) rank;
    double frac = rank - below;
    return below + 1 < sorted.length
        ? sorted[below] * (1 - frac) + sorted[below + 1] * frac
        : sorted[below];
  }
}
