package io.sextant.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import io.sextant.model.Scope;
import io.sextant.model.SpanEvent;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.SpanLink;
import io.sextant.model.StatusCode;
import io.sextant.model.TraceId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is particular to DuckDB: promoted columns and typed maps. The contract is elsewhere. */
class DuckDbEventStoreTest {
  @TempDir Path dir;

  static final TraceId TRACE = TraceId.fromHex("4bf92f3577b34da6a3ce929d0e0e4736");

  static Event span() {
    return Event.span(TRACE, SpanId.fromHex("00f067aa0ba902b7"))
        .timeUnixNano(1_700_000_000_000_000_000L)
        .durationNanos(1_234_567)
        .name("GET /cart")
        .spanKind(SpanKind.SERVER)
        .status(StatusCode.ERROR)
        .statusMessage("boom")
        .resource(
            new Resource(
                Attributes.of("service.name", "cart", "host.name", "h1", "pid", 42L, "up", true)))
        .scope(new Scope("io.test", "1.0", Attributes.of("s", 1.5)))
        .attributes(
            Attributes.of(
                "http.route",
                "/cart/{id}",
                "http.response.status_code",
                500L,
                "server.port",
                "not-a-number",
                "user_id",
                "u123",
                "ratio",
                0.25,
                "whole",
                5.0,
                "count",
                7L,
                "cached",
                false,
                "note",
                "a\u001fb"))
        .events(
            List.of(
                new SpanEvent(
                    1_700_000_000_000_000_500L,
                    "exception",
                    Attributes.of("exception.type", "IOException"))))
        .links(
            List.of(
                new SpanLink(TRACE, SpanId.fromHex("00f067aa0ba902b8"), "k=v", Attributes.empty())))
        .build();
  }

  @Test
  void write_thenTrace_returnsTheSpanWithEveryAttributeTypeIntact() throws Exception {
    try (DuckDbEventStore store = DuckDbEventStore.open(DuckDbConfig.defaults(dir))) {
      store.write(List.of(span()));
      assertThat(store.trace(TRACE)).containsExactly(span());
    }
  }

  @Test
  void promotedKeys_landInTheirOwnTypedColumns_andOthersInJson() throws Exception {
    try (DuckDbEventStore store = DuckDbEventStore.open(DuckDbConfig.defaults(dir))) {
      store.write(List.of(span()));
    }
    try (Connection c =
            DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("sextant.duckdb"));
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT \"http.route\", \"http.response.status_code\", \"server.port\","
                        + " \"host.name\", attributes->>'$.\"server.port\"', attributes->'$.count',"
                        + " attributes->'$.whole', attributes->'$.cached', error"
                        + " FROM events")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("/cart/{id}");
      assertThat(rs.getLong(2)).isEqualTo(500L);
      assertThat(rs.getObject(3)).isNull();
      assertThat(rs.getString(4)).isEqualTo("h1");
      assertThat(rs.getString(5)).isEqualTo("not-a-number");
      assertThat(rs.getString(6)).isEqualTo("7");
      assertThat(rs.getString(7)).isEqualTo("5.0");
      assertThat(rs.getString(8)).isEqualTo("false");
      assertThat(rs.getBoolean(9)).isTrue();
    }
  }

  /** Small spans with an attribute unique per row, like a request id. */
  private static List<Event> batch(int first, int size) {
    List<Event> out = new ArrayList<>(size);
    for (int i = first; i < first + size; i++) {
      out.add(
          Event.span(TRACE, new SpanId(i + 1L))
              .timeUnixNano(1_700_000_000_000_000_000L + i)
              .durationNanos(1_000)
              .name("work")
              .resource(new Resource(Attributes.of("service.name", "cart")))
              .attributes(Attributes.of("request_id", "r-" + i, "thread.name", "worker-1"))
              .build());
    }
    return out;
  }

  private static long walBytes(Path dir) throws Exception {
    Path wal = dir.resolve("sextant.duckdb.wal");
    return Files.exists(wal) ? Files.size(wal) : 0;
  }

  @Test
  void smallBatches_stayInTheWal_untilARowGroupIsFull_thenOneCheckpointWritesThem()
      throws Exception {
    int batch = 4_000;
    int batches = DuckDbEventStore.ROW_GROUP_ROWS / batch; // one batch short of a row group
    try (DuckDbEventStore store = DuckDbEventStore.open(DuckDbConfig.defaults(dir))) {
      for (int b = 0; b < batches; b++) {
        store.write(batch(b * batch, batch));
      }
      assertThat(walBytes(dir)).as("WAL before a row group is full").isGreaterThan(1 << 20);

      store.write(batch(batches * batch, batch));
      assertThat(walBytes(dir)).as("WAL after the checkpoint").isLessThan(1 << 10);
      assertThat(store.stats().events()).isEqualTo((batches + 1L) * batch);
    }
    try (Connection c =
            DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("sextant.duckdb"));
        ResultSet rs =
            c.createStatement().executeQuery("SELECT free_blocks FROM pragma_database_size()")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).as("blocks left free by rewritten row groups").isZero();
    }
  }

  @Test
  void attributesJson_isZstdCompressed() throws Exception {
    try (DuckDbEventStore store = DuckDbEventStore.open(DuckDbConfig.defaults(dir))) {
      store.write(batch(0, 10_000));
    }
    try (Connection c =
            DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("sextant.duckdb"));
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT DISTINCT compression FROM pragma_storage_info('events')"
                        + " WHERE column_name = 'attributes' AND segment_type = 'VARCHAR'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("ZSTD");
      assertThat(rs.next()).isFalse();
    }
  }

  @Test
  void aFileMadeBeforeTenants_opensAsTheDefaultTenants_andTakesNewTenants() throws Exception {
    try (DuckDbEventStore store = DuckDbEventStore.open(DuckDbConfig.defaults(dir))) {
      store.write(List.of(span()));
    }
    // Back to the shape of a file from before tenants: no tenant column, attribute_keys.
    try (Connection c =
        DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("sextant.duckdb"))) {
      var s = c.createStatement();
      s.execute("ALTER TABLE events DROP COLUMN sextant_tenant");
      s.execute(
          "CREATE TABLE attribute_keys (key VARCHAR NOT NULL, origin VARCHAR NOT NULL,"
              + " type VARCHAR NOT NULL, PRIMARY KEY (key, origin, type))");
      s.execute("INSERT INTO attribute_keys SELECT key, origin, type FROM tenant_keys");
      s.execute("DROP TABLE tenant_keys");
    }
    Event acme = span().toBuilder().tenant("acme").name("acme's").build();
    try (DuckDbEventStore store = DuckDbEventStore.open(DuckDbConfig.defaults(dir))) {
      assertThat(store.check().healthy()).isTrue();
      assertThat(store.forTenant("default").trace(TRACE)).containsExactly(span());
      assertThat(store.forTenant("default").attributeKeys())
          .extracting(k -> k.key())
          .contains("user_id", "host.name");
      store.write(List.of(acme));
      assertThat(store.forTenant("acme").trace(TRACE)).containsExactly(acme);
      assertThat(store.forTenant("default").trace(TRACE)).containsExactly(span());
    }
    // And again: the upgrade is done once.
    try (DuckDbEventStore store = DuckDbEventStore.open(DuckDbConfig.defaults(dir))) {
      assertThat(store.trace(TRACE)).containsExactlyInAnyOrder(span(), acme);
    }
  }
}
