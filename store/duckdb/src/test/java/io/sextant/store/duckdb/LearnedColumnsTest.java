package io.sextant.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.StatusCode;
import io.sextant.model.TraceId;
import io.sextant.query.Engines;
import io.sextant.query.Result;
import io.sextant.query.text.QueryText;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Typed columns learned from the data (docs/adr/0022-learned-columns.md): a frequent key gets a
 * column at the next window's boundary, events stored before keep it in the attributes object, and
 * reads and questions see one key either way.
 */
class LearnedColumnsTest {
  @TempDir Path dir;

  static final long T0 = 1_700_000_000_000_000_000L;
  static final Resource RESOURCE =
      new Resource(Attributes.of("service.name", "shop", "k8s.pod.name", "shop-7f9"));

  /**
   * Event {@code i}: every other one has {@code order.id} (a string), every third {@code retries}
   * (a whole number, a string on one in ten of those), one in fifty {@code rare}, every one {@code
   * ratio} (a double: never a column) and {@code Mixed.Case}.
   */
  static Event event(int i) {
    Map<String, Object> a = new LinkedHashMap<>();
    if (i % 2 == 0) {
      a.put("order.id", "o-" + (i % 7));
    }
    if (i % 3 == 0) {
      a.put("retries", i % 30 == 0 ? "many" : (Object) (long) (i % 4));
    }
    if (i % 50 == 0) {
      a.put("rare", "r");
    }
    a.put("ratio", i / 8.0);
    a.put("Mixed.Case", "m" + (i % 3));
    return Event.span(new TraceId(9, i / 10 + 1), new SpanId(i + 1))
        .resource(RESOURCE)
        .name("checkout")
        .spanKind(SpanKind.SERVER)
        .status(StatusCode.UNSET)
        .timeUnixNano(T0 + i * 1_000_000L)
        .durationNanos(1_000 + i)
        .attributes(Attributes.of(a))
        .build();
  }

  static List<Event> events(int from, int to) {
    List<Event> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(event(i));
    }
    return out;
  }

  DuckDbConfig config(int everyRows) {
    return DuckDbConfig.defaults(dir).withLearning(new DuckDbConfig.Learning(everyRows, 0.2, 32));
  }

  /** Column name → DuckDB type, for the columns after the fixed layout. */
  static Map<String, String> learnedColumns(DuckDbEventStore store) throws Exception {
    return store
        .sql()
        .orElseThrow()
        .select(
            "SELECT column_name, data_type FROM information_schema.columns"
                + " WHERE table_name = 'events' ORDER BY ordinal_position",
            List.of(),
            rs -> {
              Map<String, String> out = new LinkedHashMap<>();
              boolean after = false;
              while (rs.next()) {
                if (after) {
                  out.put(rs.getString(1), rs.getString(2));
                }
                after |= rs.getString(1).equals(Schema.TENANT);
              }
              return out;
            });
  }

  static long count(DuckDbEventStore store, String sql) throws Exception {
    return store
        .sql()
        .orElseThrow()
        .select(
            sql,
            List.of(),
            rs -> {
              rs.next();
              return rs.getLong(1);
            });
  }

  /** The count a question answers, over the hour that holds every test event. */
  static long answer(DuckDbEventStore store, String question) throws Exception {
    Result r = Engines.of(store).run(QueryText.parse(question, T0 + 1_800_000_000_000L));
    return ((Number) r.rows().getFirst().getLast()).longValue();
  }

  static long countOf(int n, java.util.function.IntPredicate p) {
    return java.util.stream.IntStream.range(0, n).filter(p).count();
  }

  @Test
  void aFrequentKey_getsATypedColumnAtTheWindowsEnd_andOlderEventsKeepItInTheJson()
      throws Exception {
    try (DuckDbEventStore store = DuckDbEventStore.open(config(1_000))) {
      for (int i = 0; i < 1_000; i += 250) {
        store.write(events(i, i + 250));
      }
      for (int i = 1_000; i < 2_000; i += 250) {
        store.write(events(i, i + 250));
      }
      // Whole numbers outnumber strings for "retries": a BIGINT column, the strings stay JSON.
      assertThat(learnedColumns(store))
          .containsOnly(
              Map.entry("Mixed.Case", "VARCHAR"),
              Map.entry("order.id", "VARCHAR"),
              Map.entry("retries", "BIGINT"));
      // The first window was written before the columns: its values are in the JSON.
      assertThat(count(store, "SELECT count(\"order.id\") FROM events")).isEqualTo(500);
      assertThat(count(store, "SELECT count(*) FROM events WHERE retries IS NOT NULL"))
          .isEqualTo(countOf(2_000, i -> i >= 1_000 && i % 3 == 0 && i % 30 != 0));
      assertThat(
              count(
                  store,
                  "SELECT count(*) FROM events WHERE time < "
                      + (T0 + 1_000_000_000L)
                      + " AND attributes LIKE '%order.id%'"))
          .isEqualTo(500);

      // Every event reads back as written, from either side of the boundary.
      for (int t : new int[] {1, 50, 99, 100, 101, 150, 199}) {
        TraceId id = new TraceId(9, t);
        List<Event> expected = events((t - 1) * 10, t * 10);
        assertThat(store.trace(id)).as("trace %d", t).containsExactlyInAnyOrderElementsOf(expected);
      }

      // Questions see one key, whichever side holds it.
      assertThat(answer(store, "where order.id = o-3 | count")).isEqualTo(expected(2_000, "o-3"));
      assertThat(answer(store, "where retries = 2 | count"))
          .isEqualTo(countOf(2_000, i -> i % 3 == 0 && i % 30 != 0 && i % 4 == 2));
      assertThat(answer(store, "where retries = many | count"))
          .isEqualTo(countOf(2_000, i -> i % 30 == 0));
      assertThat(answer(store, "where Mixed.Case = m1 | count"))
          .isEqualTo(countOf(2_000, i -> i % 3 == 1));
    }
  }

  static long expected(int n, String order) {
    return countOf(n, i -> i % 2 == 0 && ("o-" + (i % 7)).equals(order));
  }

  @Test
  void learnedColumns_surviveARestart_andReadsStayExact() throws Exception {
    try (DuckDbEventStore store = DuckDbEventStore.open(config(500))) {
      store.write(events(0, 500));
      store.write(events(500, 1_000));
      assertThat(learnedColumns(store)).containsOnlyKeys("order.id", "retries", "Mixed.Case");
    }
    try (DuckDbEventStore store = DuckDbEventStore.open(config(500))) {
      store.write(events(1_000, 1_500));
      assertThat(count(store, "SELECT count(\"order.id\") FROM events")).isEqualTo(500);
      assertThat(store.trace(new TraceId(9, 120)))
          .containsExactlyInAnyOrderElementsOf(events(1_190, 1_200));
      assertThat(answer(store, "where order.id = o-3 | count")).isEqualTo(expected(1_500, "o-3"));
      assertThat(learnedColumns(store)).hasSize(3);
    }
  }

  @Test
  void aPreparedBatchStagedBeforeAColumnWasLearned_isStillStoredExactly() throws Exception {
    try (DuckDbEventStore store = DuckDbEventStore.open(config(500))) {
      io.sextant.store.spi.PreparedBatch early = store.prepare(events(500, 1_000));
      store.write(events(0, 500)); // learns order.id, retries, Mixed.Case
      assertThat(learnedColumns(store)).hasSize(3);
      store.writePrepared(List.of(early), 1);
      assertThat(store.trace(new TraceId(9, 80)))
          .containsExactlyInAnyOrderElementsOf(events(790, 800));
      assertThat(answer(store, "where order.id = o-3 | count")).isEqualTo(expected(1_000, "o-3"));
      // Inserted as it was staged, without the column: its values are in the JSON.
      assertThat(count(store, "SELECT count(\"order.id\") FROM events")).isZero();
    }
  }

  @Test
  void learningOff_orAtItsCap_addsNoColumns() throws Exception {
    try (DuckDbEventStore store =
        DuckDbEventStore.open(DuckDbConfig.defaults(dir).withLearning(DuckDbConfig.Learning.OFF))) {
      store.write(events(0, 2_000));
      assertThat(learnedColumns(store)).isEmpty();
    }
    try (DuckDbEventStore store =
        DuckDbEventStore.open(
            DuckDbConfig.defaults(dir).withLearning(new DuckDbConfig.Learning(500, 0.2, 2)))) {
      store.write(events(0, 1_000));
      store.write(events(1_000, 2_000));
      // The two most frequent: Mixed.Case (every event) and order.id (every other).
      assertThat(learnedColumns(store)).containsOnlyKeys("Mixed.Case", "order.id");
    }
  }

  /**
   * With the default window, a key gets its column after a whole row group: the first row group has
   * none of its values in the column, the next ones all of them.
   */
  @Test
  void byDefault_aColumnStartsAtARowGroupsBoundary() throws Exception {
    int rowGroup = DuckDbEventStore.ROW_GROUP_ROWS;
    try (DuckDbEventStore store = DuckDbEventStore.open(DuckDbConfig.defaults(dir))) {
      for (int i = 0; i < rowGroup + 8_192; i += 8_192) {
        store.write(events(i, i + 8_192));
        if (i + 8_192 < rowGroup) {
          assertThat(learnedColumns(store)).as("after %d events", i + 8_192).isEmpty();
        }
      }
      assertThat(learnedColumns(store)).containsKeys("order.id", "retries", "Mixed.Case");
      assertThat(count(store, "SELECT count(*) FROM events WHERE \"order.id\" IS NOT NULL"))
          .isEqualTo((rowGroup + 8_192 - 122_880) / 2);
      assertThat(answer(store, "where order.id = o-3 | count"))
          .isEqualTo(expected(rowGroup + 8_192, "o-3"));
    }
  }

  /**
   * Retention into the Parquet archive keeps a learned key's values: the archive has the fixed
   * layout, so the move folds learned columns back into the attributes object.
   */
  @Test
  void retentionIntoTheArchive_keepsTheValuesOfLearnedColumns() throws Exception {
    java.nio.file.Path archiveDir = dir.resolve("archive");
    Event odd =
        Event.span(new TraceId(9, 5_000), new SpanId(5_000))
            .resource(RESOURCE)
            .name("checkout")
            .spanKind(SpanKind.SERVER)
            .status(StatusCode.UNSET)
            .timeUnixNano(T0 + 999_500_000L)
            .durationNanos(1)
            .attributes(
                Attributes.of("order.id", "o-\"quoted\"", "retries", 7L, "score", Double.NaN))
            .build();
    try (DuckDbEventStore store = DuckDbEventStore.open(config(500))) {
      store.write(events(0, 500)); // the columns are learned after these
      store.write(events(500, 1_000)); // these fill them
      store.write(List.of(odd)); // a learned value beside a value JSON cannot hold
      assertThat(learnedColumns(store)).hasSize(3);
      assertThat(store.archiveBefore(T0 + 1_000_000_000_000L, archiveDir)).isEqualTo(1_001);
    }
    try (ParquetArchiveStore archive = ParquetArchiveStore.open(archiveDir)) {
      for (int t : new int[] {1, 50, 51, 100}) {
        assertThat(archive.trace(new TraceId(9, t)))
            .as("trace %d", t)
            .containsExactlyInAnyOrderElementsOf(events((t - 1) * 10, t * 10));
      }
      assertThat(archive.trace(new TraceId(9, 5_000))).containsExactly(odd);
      Result r =
          Engines.of(archive)
              .run(QueryText.parse("where order.id = o-3 | count", T0 + 1_800_000_000_000L));
      assertThat(((Number) r.rows().getFirst().getLast()).longValue())
          .isEqualTo(expected(1_000, "o-3"));
    }
  }
}
