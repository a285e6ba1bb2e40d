package io.sextant.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.model.Event;
import io.sextant.model.Tenant;
import io.sextant.query.testkit.DifferentialContract;
import io.sextant.store.spi.AttributeKey;
import io.sextant.store.spi.EventStore;
import io.sextant.store.testkit.Fixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The store's cluster form on current ClickHouse: the *_local tables, the Distributed tables over
 * them, synchronous inserts through them and global join subqueries, on a cluster of one shard (the
 * chdb engine itself; ClickHouseShardedIT runs two shards on 18.16). The random questions answer as
 * the naive engine does, and a database made before tenants migrates.
 */
class ChdbShardedIT extends DifferentialContract {
  /** As ClickHouseShardedIT: the one-server run asks all the questions, of the same SQL. */
  @Override
  protected int questions() {
    return 40;
  }

  @Override
  protected EventStore openStore(Path dir) throws Exception {
    return ClickHouseEventStore.open(ChdbServer.cluster());
  }

  @Test
  void tenantsOnTheCluster_andADatabaseMadeBeforeThemMigrates() throws Exception {
    ClickHouseConfig config = ChdbServer.cluster();
    List<Event> trace = Fixtures.trace(new Random(4), Fixtures.T0, 30);
    List<AttributeKey> keys;
    try (ClickHouseEventStore store = ClickHouseEventStore.open(config)) {
      store.write(trace);
      store.write(trace);
      assertThat(store.stats().events()).isEqualTo(trace.size());
      keys = store.attributeKeys();
      ClickHouseHttp front =
          new ClickHouseHttp(config.url(), config.database(), Duration.ofSeconds(10));
      PreTenant.downgrade(front, List.of(front), ChdbServer.CLUSTER);
    }
    try (ClickHouseEventStore store = ClickHouseEventStore.open(config)) {
      assertThat(store.check().healthy()).isTrue();
      EventStore mine = store.forTenant(Tenant.DEFAULT);
      assertThat(mine.attributeKeys()).isEqualTo(keys);
      assertThat(mine.stats().events()).isEqualTo(trace.size());
      List<Event> acme = trace.stream().map(e -> e.withTenant("acme")).toList();
      store.write(acme);
      store.write(trace);
      assertThat(store.stats().events()).isEqualTo(2L * trace.size());
      assertThat(new HashSet<>(store.forTenant("acme").trace(trace.get(0).traceId())))
          .isEqualTo(new HashSet<>(acme));
      assertThat(new HashSet<>(mine.trace(trace.get(0).traceId()))).isEqualTo(new HashSet<>(trace));
      assertThat(store.forTenant("acme").attributeKeys()).isEqualTo(keys);
    }
  }
}
