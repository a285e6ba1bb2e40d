package io.sextant.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.model.Event;
import io.sextant.query.testkit.DifferentialContract;
import io.sextant.store.spi.EventStore;
import io.sextant.store.testkit.Fixtures;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The store over a 2-shard Distributed table on two local ClickHouse servers: the random questions
 * answer as the naive engine does, rows land on both shards, and a trace whose events are spread
 * over both reads back whole.
 */
class ClickHouseShardedIT extends DifferentialContract {
  private static LocalClickHouse one;
  private static LocalClickHouse two;
  private static final AtomicInteger databases = new AtomicInteger();

  private static synchronized ClickHouseConfig config() throws Exception {
    if (one == null) {
      Path base = Path.of("target", "clickhouse-it", "shards-" + ProcessHandle.current().pid());
      int[] http = {LocalClickHouse.freePort(), LocalClickHouse.freePort()};
      int[] tcp = {LocalClickHouse.freePort(), LocalClickHouse.freePort()};
      String cluster = LocalClickHouse.cluster("sextant", tcp);
      two = LocalClickHouse.start(base.resolve("two"), http[1], tcp[1], "");
      one = LocalClickHouse.start(base.resolve("one"), http[0], tcp[0], cluster);
    }
    return new ClickHouseConfig(
        one.url(),
        "s" + databases.incrementAndGet(),
        Duration.ofSeconds(60),
        "sextant",
        List.<URI>of(one.url(), two.url()));
  }

  @AfterAll
  static void stopServers() {
    if (one != null) {
      one.close();
      two.close();
    }
  }

  /** 40 questions: the one-server run asks all 300, of the same SQL; CI time. */
  @Override
  protected int questions() {
    return 40;
  }

  @Override
  protected EventStore openStore(Path dir) throws Exception {
    return ClickHouseEventStore.open(config());
  }

  @Test
  void rowsLandOnBothShards_andATraceReadsBackWhole() throws Exception {
    ClickHouseConfig config = config();
    try (ClickHouseEventStore store = ClickHouseEventStore.open(config)) {
      List<Event> trace = Fixtures.trace(new Random(3), Fixtures.T0, 40);
      store.write(trace);
      store.write(trace);
      assertThat(store.check().healthy()).isTrue();
      assertThat(store.stats().events()).isEqualTo(trace.size());
      assertThat(new java.util.HashSet<>(store.trace(trace.get(0).traceId())))
          .isEqualTo(new java.util.HashSet<>(trace));
      List<Long> perShard = new ArrayList<>();
      for (LocalClickHouse server : List.of(one, two)) {
        ClickHouseHttp http =
            new ClickHouseHttp(server.url(), config.database(), Duration.ofSeconds(10));
        perShard.add(Long.parseLong(http.query("SELECT count() FROM events_local FINAL").strip()));
      }
      assertThat(perShard).allMatch(n -> n > 0);
      assertThat(perShard.get(0) + perShard.get(1)).isEqualTo(trace.size());
    }
  }

  @Test
  void tenantsAreKeptApartOnTheCluster_andADatabaseMadeBeforeThemMigrates() throws Exception {
    ClickHouseConfig config = config();
    List<Event> trace = Fixtures.trace(new Random(4), Fixtures.T0, 30);
    List<io.sextant.store.spi.AttributeKey> keys;
    try (ClickHouseEventStore store = ClickHouseEventStore.open(config)) {
      store.write(trace);
      keys = store.attributeKeys();
      ClickHouseHttp front =
          new ClickHouseHttp(one.url(), config.database(), Duration.ofSeconds(10));
      ClickHouseHttp other =
          new ClickHouseHttp(two.url(), config.database(), Duration.ofSeconds(10));
      PreTenant.downgrade(front, List.of(front, other), "sextant");
    }
    try (ClickHouseEventStore store = ClickHouseEventStore.open(config)) {
      assertThat(store.check().healthy()).isTrue();
      EventStore mine = store.forTenant(io.sextant.model.Tenant.DEFAULT);
      assertThat(mine.attributeKeys()).isEqualTo(keys);
      assertThat(mine.stats().events()).isEqualTo(trace.size());
      // The same trace in another tenant: its own rows, on both shards, read only through it.
      List<Event> acme = trace.stream().map(e -> e.withTenant("acme")).toList();
      store.write(acme);
      store.write(trace);
      assertThat(store.stats().events()).isEqualTo(2L * trace.size());
      assertThat(new java.util.HashSet<>(store.forTenant("acme").trace(trace.get(0).traceId())))
          .isEqualTo(new java.util.HashSet<>(acme));
      assertThat(new java.util.HashSet<>(mine.trace(trace.get(0).traceId())))
          .isEqualTo(new java.util.HashSet<>(trace));
      assertThat(store.forTenant("acme").stats().events()).isEqualTo(trace.size());
      assertThat(store.forTenant("acme").attributeKeys()).isEqualTo(keys);
    }
  }
}
