package io.sextant.query.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.query.QueryException;
import org.junit.jupiter.api.Test;

class SqlDialectsTest {
  @Test
  void named_findsEachRegisteredDialectByTheNameItsStoreGives() {
    assertThat(SqlDialects.named("duckdb")).isInstanceOf(DuckDbDialect.class);
    assertThat(SqlDialects.named("clickhouse")).isInstanceOf(ClickHouseDialect.class);
  }

  @Test
  void named_isTheSameObjectEveryTime() {
    assertThat(SqlDialects.named("duckdb")).isSameAs(SqlDialects.named("duckdb"));
  }

  @Test
  void named_unregisteredDialect_isRefusedWithMessage() {
    assertThatThrownBy(() -> SqlDialects.named("postgres"))
        .isInstanceOf(QueryException.class)
        .hasMessage("no SQL writer for the dialect postgres");
  }
}
