package io.sextant.query.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.store.spi.StoreException;
import org.junit.jupiter.api.Test;

class ClickHouseDialectTest {
  private final ClickHouseDialect dialect = new ClickHouseDialect();

  @Test
  void aPercentileOverMoreValuesThanOneArrayHolds_isRefusedAsTheQuestions_notTheStores() {
    // The words 18.16 answers with (bench/query/README.md, 100M events on two shards).
    StoreException e =
        new StoreException(
            "ClickHouse refused SELECT … (HTTP 500): Code: 128, e.displayText() = DB::Exception:"
                + " Too large array size: while receiving packet from 127.0.0.1:38385");

    assertThat(dialect.refusal(e))
        .isNotNull()
        .hasMessageContaining("16,777,215 events in one group")
        .hasMessageContaining("narrow the time range");
  }

  @Test
  void aStoreThatDoesNotAnswer_isNotTheQuestionsFault() {
    StoreException e = new StoreException("ClickHouse at http://127.0.0.1:1 does not answer: x");

    assertThat(dialect.refusal(e)).isNull();
    assertThat(new DuckDbDialect().refusal(e)).isNull();
  }
}
