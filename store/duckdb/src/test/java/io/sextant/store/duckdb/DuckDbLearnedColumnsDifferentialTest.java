package io.sextant.store.duckdb;

import io.sextant.query.testkit.DifferentialContract;
import io.sextant.store.spi.EventStore;
import java.nio.file.Path;

/**
 * The differential suite over a store that learns columns after its first 1,000 events: keys such
 * as {@code retry.count} and {@code feature} are in the attributes object in the events before and
 * in their own columns after, and every answer still equals the naive engine's.
 */
class DuckDbLearnedColumnsDifferentialTest extends DifferentialContract {
  @Override
  protected EventStore openStore(Path dir) {
    DuckDbEventStore store =
        DuckDbEventStore.open(
            DuckDbConfig.defaults(dir).withLearning(new DuckDbConfig.Learning(1_000, 0.2, 32)));
    return store;
  }

  @Override
  protected void afterWrite(EventStore store) throws Exception {
    // The suite means nothing here unless columns were learned part-way through.
    org.assertj.core.api.Assertions.assertThat(
            LearnedColumnsTest.learnedColumns((DuckDbEventStore) store))
        .containsKeys("retry.count", "feature");
  }
}
