package io.sextant.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.model.Event;
import io.sextant.model.Tenant;
import io.sextant.query.ColumnInfo;
import io.sextant.query.CompareQuery;
import io.sextant.query.Comparison;
import io.sextant.query.Engine;
import io.sextant.query.Engines;
import io.sextant.query.Filter;
import io.sextant.query.Op;
import io.sextant.store.spi.TimeRange;
import io.sextant.store.testkit.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the contract suites do not reach, on current ClickHouse (chdb's engine): the engine is a
 * current release, not 18.16; sql/05-ttl.sql, which the store does not apply yet, with its
 * retention filled in; retention over several days (whole day partitions dropped); and the table
 * sample clause, which the engine writes only over more events than the contracts hold.
 */
class ChdbDialectIT {
  private static final long DAY = ClickHouseEventStore.DAY_NANOS;

  @TempDir Path dir;

  @Test
  void theEngineIsACurrentClickHouse() throws Exception {
    try (ClickHouseEventStore store = (ClickHouseEventStore) ChdbServer.open(dir)) {
      String version = (String) store.select("SELECT version()").rows.get(0)[0];
      System.out.println("chdb's ClickHouse: " + version);
      assertThat(Integer.parseInt(version.substring(0, version.indexOf('.'))))
          .as("ClickHouse " + version)
          .isGreaterThanOrEqualTo(24);
    }
  }

  @Test
  void theTtlForm_appliesWithARetention() throws Exception {
    try (ClickHouseEventStore store = (ClickHouseEventStore) ChdbServer.open(dir)) {
      store.execute(ClickHouseSchema.schemaFile("05-ttl.sql").replace("${days}", "30"));
      String engine =
          (String)
              store.select(
                      "SELECT engine_full FROM system.tables WHERE database = currentDatabase()"
                          + " AND name = 'events'")
                  .rows
                  .get(0)[0];
      assertThat(engine).contains("TTL toDateTime(intDiv(time, 1000000000)) + toIntervalDay(30)");
    }
  }

  @Test
  void retention_dropsWholeDays_andDeletesTheRestOfTheCutoffsDay() throws Exception {
    try (ClickHouseEventStore store = (ClickHouseEventStore) ChdbServer.open(dir)) {
      Random rnd = new Random(31);
      List<Event> events = new ArrayList<>();
      for (int day = 0; day < 3; day++) {
        events.addAll(Fixtures.trace(rnd, Fixtures.T0 + day * DAY + 3_600_000_000_000L, 4));
      }
      store.write(events);
      // The cutoff in the third day, after its trace: two whole days, then the rest by a mutation.
      long cutoff = Fixtures.T0 + 2 * DAY + 7_200_000_000_000L;
      assertThat(store.deleteBefore(cutoff)).isEqualTo(events.size());
      assertThat(store.stats().events()).isZero();
      assertThat(
              (Long)
                  store.select(
                          "SELECT count() FROM system.parts WHERE active AND database ="
                              + " currentDatabase() AND table = 'events' AND rows > 0")
                      .rows
                      .get(0)[0])
          .isZero();
    }
  }

  @Test
  void comparisonsAndColumnsOfManyEvents_readATableSample() throws Exception {
    try (ClickHouseEventStore store = (ClickHouseEventStore) ChdbServer.open(dir)) {
      // 14,000 events: more than the columns' 10,000 and the comparison's 5,000 per side.
      List<Event> events = Fixtures.traces(new Random(32), Fixtures.T0, 1_000_000L, 2000, 5);
      store.write(events);
      TimeRange range = new TimeRange(Fixtures.T0, Fixtures.T0 + 3_600_000_000_000L);
      for (Engine engine :
          List.of(Engines.of(store), Engines.of(store.forTenant(Tenant.DEFAULT)))) {
        ColumnInfo.Columns columns = engine.columns(range);
        assertThat(columns.events()).isEqualTo(events.size());
        assertThat(columns.sampled()).isPositive().isLessThan(events.size());
        Comparison c =
            engine.compare(
                new CompareQuery(
                    range,
                    null,
                    new CompareQuery.FilterSelection(Filter.Predicate.of("kind", Op.EQ, "span"))));
        assertThat(c.selectionCount()).isEqualTo(10_000);
        assertThat(c.baselineCount()).isEqualTo(4_000);
        assertThat(c.sampledSelection()).isPositive().isLessThan(10_000);
      }
    }
  }
}
