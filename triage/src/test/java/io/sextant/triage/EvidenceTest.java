package io.sextant.triage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import io.sextant.query.Engines;
import io.sextant.store.duckdb.DuckDbConfig;
import io.sextant.store.duckdb.DuckDbEventStore;
import io.sextant.topology.Change;
import io.sextant.topology.ComponentId;
import io.sextant.topology.ComponentIds;
import io.sextant.topology.health.HealthResult;
import io.sextant.topology.health.HealthTarget;
import io.sextant.triage.rank.Prior;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvidenceTest {

  static HealthResult check(String service, boolean healthy, String... downDependencies) {
    return new HealthResult(
        new HealthTarget(service, URI.create("http://127.0.0.1:1/health")),
        0,
        1,
        healthy,
        // a check that lists what it found down answered; one that lists nothing was refused
        healthy || downDependencies.length > 0 ? null : "connection refused",
        List.of(downDependencies).stream()
            .map(d -> new HealthResult.Dependency(d, false, null))
            .toList());
  }

  @Test
  void aFailingHealthSignalCountsOncePerComponentAndTwoServicesDownOnAHostRaiseTheHost() {
    Map<String, String> hosts =
        Map.of("assets", ComponentIds.host("node-6"), "photos", ComponentIds.host("node-6"));
    Map<String, Prior> p =
        HealthEvidence.priors(
            List.of(
                check("assets", false),
                check("photos", false),
                check("web", true, "assets", "photos"),
                check("search", true, "assets"),
                check("catalog", true, "assets")),
            Set.of("web"),
            List.of(),
            Set.of("assets", "photos", "web", ComponentIds.host("node-6")),
            hosts::get,
            s -> Map.of());
    // assets' own check and three callers' checks say it is down: one × 10, every reason kept.
    assertThat(p.get("assets").multiplier()).isEqualTo(10);
    assertThat(String.join(" ", p.get("assets").reasons()))
        .contains("The health check of assets fails")
        .contains("web's health check reports assets down");
    assertThat(p.get(ComponentIds.host("node-6")).multiplier()).isEqualTo(10);
    assertThat(p.get(ComponentIds.host("node-6")).reasons())
        .containsExactly("The health checks of assets and photos, all on node-6, fail.");
    assertThat(p).doesNotContainKey("web");
  }

  @Test
  void twoHungServicesOnAHostWhereAnotherAnswers_doNotRaiseTheHost() {
    // One host for the whole system: a frozen service, and a caller whose threads all wait on it.
    Map<String, String> hosts =
        Map.of("customers", "vm (host)", "gateway", "vm (host)", "catalog", "vm (host)");
    List<HealthResult> checks =
        List.of(timedOut("customers"), timedOut("gateway"), check("catalog", true));

    Map<String, Prior> p =
        HealthEvidence.priors(
            checks,
            Set.of("catalog"),
            List.of(),
            Set.copyOf(hosts.keySet()),
            hosts::get,
            s -> Map.of());
    Map<String, Prior> nothingAnswers =
        HealthEvidence.priors(
            checks.subList(0, 2),
            Set.of(),
            List.of(),
            Set.copyOf(hosts.keySet()),
            hosts::get,
            s -> Map.of());

    assertThat(p).doesNotContainKey("vm (host)").containsKeys("customers", "gateway");
    assertThat(nothingAnswers.get("vm (host)").multiplier()).isEqualTo(10);
  }

  private static HealthResult timedOut(String service) {
    return new HealthResult(
        new HealthTarget(service, URI.create("http://127.0.0.1:1/health")),
        0,
        2000,
        false,
        "no answer within 2000 ms",
        List.of());
  }

  @Test
  void aChangeFromAKnownVersionRaisesTheServiceOnce() {
    Map<String, Prior> p =
        HealthEvidence.priors(
            List.of(),
            Set.of(),
            List.of(
                new Change(1, "catalog", "service.version", "7.1.0", "7.0.2"),
                new Change(2, "catalog", "host.name", "node-2", "node-3"),
                new Change(3, "search", "service.version", "1.0.0", null)),
            Set.of(),
            s -> null,
            s -> Map.of());
    assertThat(p.get("catalog").multiplier()).isEqualTo(5);
    assertThat(p.get("catalog").changed()).isTrue();
    assertThat(p.get("catalog").reasons()).hasSize(2);
    assertThat(p).doesNotContainKey("search"); // first seen: not a change
  }

  @Test
  void aDatabaseAnsweringItsOwnCheck_isNotRaisedByItsServicesReport_andIsAnswering() {
    String payments = ComponentId.datastore("mem:payments", "h2", "127.0.0.1:9100").display();
    String search = ComponentId.datastore("mem:search", "h2", "127.0.0.1:9101").display();
    Set<String> components = Set.of("payments", payments, "search", search);
    List<HealthResult> checks =
        List.of(
            check("payments", false, "payments-db"), // its pool leaked: it reports its db down
            check("payments-db", true), // the database itself answers
            check("search", false, "search-db"),
            check("search-db", false)); // the database itself does not
    Set<String> answering = HealthEvidence.answering(checks, components);
    assertThat(answering).containsExactly(payments);
    Map<String, Prior> p =
        HealthEvidence.priors(checks, answering, List.of(), components, s -> null, s -> Map.of());
    assertThat(p).doesNotContainKey(payments);
    assertThat(p.get("payments").multiplier()).isEqualTo(10);
    assertThat(p.get(search).multiplier()).isEqualTo(10);
    assertThat(String.join(" ", p.get(search).reasons()))
        .contains("The health check of search-db fails")
        .contains("search's health check reports search-db down");
  }

  static HealthResult spring(
      String service, String error, boolean answered, HealthResult.Dependency... parts) {
    return new HealthResult(
        new HealthTarget(service, URI.create("http://127.0.0.1:1/actuator/health")),
        0,
        2000,
        false,
        error,
        List.of(parts),
        answered);
  }

  static final String ORDERS_DB = "orders (postgresql @ 127.0.0.1:6001)";
  static final String SHARED_DB = "shop (postgresql @ 127.0.0.1:6002)";
  static final Set<String> SHOP = Set.of("orders", "gateway", ORDERS_DB, SHARED_DB);
  static final Map<String, io.sextant.topology.NodeKind> ORDERS_CALLS =
      Map.of(
          ORDERS_DB, io.sextant.topology.NodeKind.DATABASE,
          SHARED_DB, io.sextant.topology.NodeKind.DATABASE);

  /** orders' check hangs on its db part while its ping answers: alive, waiting on a database. */
  static final HealthResult ORDERS_DB_HANGS =
      spring(
          "orders",
          "no answer within 2000 ms",
          true,
          new HealthResult.Dependency("db", false, "no answer within 2000 ms"),
          new HealthResult.Dependency("ping", true, "UP"));

  /** orders' check and every part of it hang: orders itself does not answer. */
  static final HealthResult ORDERS_FROZEN =
      spring(
          "orders",
          "no answer within 2000 ms",
          false,
          new HealthResult.Dependency("db", false, "no answer within 2000 ms"),
          new HealthResult.Dependency("ping", false, "no answer within 2000 ms"));

  private static Map<String, Prior> shop(HealthResult r) {
    return HealthEvidence.priors(
        List.of(r),
        Set.of(),
        List.of(),
        SHOP,
        s -> null,
        s -> s.equals("orders") ? ORDERS_CALLS : Map.of());
  }

  @Test
  void aHungCheckWhosePingAnswers_blamesWhatItsDbPartCovers_notItsOwner() {
    Map<String, Prior> p = shop(ORDERS_DB_HANGS);
    assertThat(p).doesNotContainKey("orders");
    assertThat(p.get(ORDERS_DB).multiplier()).isEqualTo(10);
    assertThat(p.get(SHARED_DB).multiplier()).isEqualTo(10);
    assertThat(String.join(" ", p.get(ORDERS_DB).reasons()))
        .contains("orders's health check reports db (" + ORDERS_DB + ") hanging")
        .contains("while orders answers");
  }

  @Test
  void aServiceWhoseCheckAnswersButFindsItsDbHanging_isWaitingOnItsDatabases() {
    Function<String, Map<String, io.sextant.topology.NodeKind>> calls =
        s -> s.equals("orders") ? ORDERS_CALLS : Map.of();
    assertThat(HealthEvidence.waiting(List.of(ORDERS_DB_HANGS), Set.of(), SHOP, calls))
        .containsExactly(Map.entry("orders", Set.of(ORDERS_DB, SHARED_DB)));
    // A database that answers its own check is not what it waits on (a leaked pool says so too).
    assertThat(HealthEvidence.waiting(List.of(ORDERS_DB_HANGS), Set.of(SHARED_DB), SHOP, calls))
        .containsExactly(Map.entry("orders", Set.of(ORDERS_DB)));
    // Frozen (nothing of its check answers) or refused: it is not waiting, it is down.
    assertThat(HealthEvidence.waiting(List.of(ORDERS_FROZEN), Set.of(), SHOP, calls)).isEmpty();
    assertThat(
            HealthEvidence.waiting(
                List.of(spring("orders", "ConnectException", false)), Set.of(), SHOP, calls))
        .isEmpty();
  }

  @Test
  void aHungCheckWithNoPartsKnown_raisesItsOwnerAndWhatItCallsAlike() {
    Map<String, Prior> p = shop(spring("orders", "no answer within 2000 ms", false));
    assertThat(p.get("orders").multiplier()).isEqualTo(10);
    assertThat(p.get(ORDERS_DB).multiplier()).isEqualTo(10);
    assertThat(p.get(SHARED_DB).multiplier()).isEqualTo(10);
    assertThat(String.join(" ", p.get(ORDERS_DB).reasons()))
        .contains("it may be waiting on what orders depends on");
  }

  @Test
  void aCheckThatIsRefusedOrWhosePartsAllHang_blamesItsOwnerAlone() {
    Map<String, Prior> refused = shop(spring("orders", "ConnectException", false));
    assertThat(refused.get("orders").multiplier()).isEqualTo(10);
    assertThat(refused).doesNotContainKeys(ORDERS_DB, SHARED_DB);
    Map<String, Prior> frozen = shop(ORDERS_FROZEN);
    assertThat(frozen.get("orders").multiplier()).isEqualTo(10);
    assertThat(frozen).doesNotContainKeys(ORDERS_DB, SHARED_DB);
    assertThat(String.join(" ", frozen.get("orders").reasons()))
        .contains("every part of it hangs too");
  }

  @Test
  void aCheckAnsweringDownWithItsDbDown_blamesTheDatabases() {
    Map<String, Prior> p =
        shop(
            new HealthResult(
                new HealthTarget("orders", URI.create("http://127.0.0.1:1/actuator/health")),
                0,
                5,
                false,
                null,
                List.of(
                    new HealthResult.Dependency("db", false, "DOWN"),
                    new HealthResult.Dependency("diskSpace", true, "UP"))));
    assertThat(p).doesNotContainKey("orders");
    assertThat(p.get(ORDERS_DB).multiplier()).isEqualTo(10);
  }

  /**
   * CPU from the agent's metrics, in cores: the last seconds against the service's own median
   * before. A burn that began just before now is not yet "now" (the mean of the last 6 s); read a
   * few seconds later, it is, which is why a triage reads CPU at each answer, not once.
   */
  @Test
  void cpu_readsCoresNowAndUsually_fromTheAgentsMetrics(@TempDir Path dir) throws Exception {
    long s = 1_000_000_000L;
    long t0 = 1_765_000_000_000_000_000L;
    List<Event> points = new ArrayList<>();
    for (long t = t0 - 600 * s; t < t0 + 6 * s; t += 2 * s) {
      double share = t >= t0 - s ? 0.45 : 0.01; // one core of two burning from t0 - 1 s
      points.add(point("cart", "jvm.cpu.recent_utilization", t, share));
      points.add(point("cart", "jvm.cpu.count", t, 2L));
      points.add(point("web", "jvm.cpu.recent_utilization", t, 0.02));
    }
    try (DuckDbEventStore store = DuckDbEventStore.open(DuckDbConfig.defaults(dir))) {
      store.write(points);
      Evidence evidence = new Evidence(Engines.of(store), store);

      // The usual is read once, as a triage starts; CPU now at each answer.
      Evidence.CpuUsual usual = evidence.cpuUsual(t0 + s / 2);
      Map<String, Double> early = evidence.cpuNow(t0 + s / 2, usual.cores());
      Map<String, Double> later = evidence.cpuNow(t0 + 5 * s, usual.cores());

      assertThat(usual.cores()).containsExactly(Map.entry("cart", 2.0));
      assertThat(usual.usual().get("cart")).isCloseTo(0.02, within(1e-9));
      assertThat(early.get("cart")).isLessThan(0.4); // one point of the burn among three
      assertThat(Anomalies.cpu(early, usual.usual(), x -> Set.of())).isEmpty();
      assertThat(later.get("cart")).isCloseTo(0.9, within(1e-9));
      assertThat(Anomalies.cpu(later, usual.usual(), x -> Set.of()))
          .extracting(a -> a.component())
          .containsExactly("cart");
      assertThat(later.get("web")).isCloseTo(0.02, within(1e-9));
    }
  }

  private static Event point(String service, String metric, long time, Object value) {
    return Event.metric()
        .resource(new Resource(Attributes.of("service.name", service)))
        .name(metric)
        .timeUnixNano(time)
        .attributes(Attributes.of("metric.name", metric, "value", value))
        .build();
  }
}
