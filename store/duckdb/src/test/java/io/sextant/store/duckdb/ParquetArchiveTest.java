package io.sextant.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.model.Event;
import io.sextant.model.SpanId;
import io.sextant.model.TraceId;
import io.sextant.query.Engines;
import io.sextant.query.Question;
import io.sextant.query.Result;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.MemoryEventStore;
import io.sextant.store.spi.TimeRange;
import io.sextant.store.testkit.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Parquet archive's files, their layout, and undoing a batch that was never committed. */
class ParquetArchiveTest {
  static final long S = 1_000_000_000L;
  static final long H = 3600 * S;
  // 22:00 on 2024-12-31: the events run past midnight into 2025.
  static final long START = Fixtures.T0 - 2 * H;

  @TempDir Path dir;
  ParquetArchiveWriter writer;
  ParquetArchiveStore archive;

  @BeforeEach
  void open() throws Exception {
    writer = ParquetArchiveWriter.open(dir);
    archive = ParquetArchiveStore.open(dir);
  }

  @AfterEach
  void close() {
    archive.close();
    writer.close();
  }

  /** 60 traces 5 minutes apart from 22:00 (five hours, two days), half of them acme's. */
  static List<Event> events() {
    List<Event> out = new ArrayList<>();
    Random rnd = new Random(15);
    for (int i = 0; i < 60; i++) {
      for (Event e : Fixtures.trace(rnd, START + i * 300 * S + 7 * S, 4)) {
        out.add(e.withTenant(i % 2 == 0 ? "acme" : "default"));
      }
    }
    return out;
  }

  List<Path> files() throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".parquet"))
          .map(dir::relativize)
          .sorted()
          .toList();
    }
  }

  static long count(EventStore store, TimeRange range) throws Exception {
    Result r =
        Engines.of(store)
            .run(Question.over(range).calculate(io.sextant.query.Calculation.count()).build());
    return ((Number) r.rows().get(0).get(0)).longValue();
  }

  @Test
  void write_laysFilesOutByTenantDateAndHour_asZstdParquet() throws Exception {
    List<Path> written = writer.write("3", 100, events());
    writer.committed("3");
    assertThat(files()).containsExactlyInAnyOrderElementsOf(written);
    assertThat(written)
        .contains(
            Path.of("sextant_tenant=acme/date=2024-12-31/hour=22/part-3-100.parquet"),
            Path.of("sextant_tenant=default/date=2025-01-01/hour=00/part-3-100.parquet"),
            Path.of("sextant_tenant=acme/date=2025-01-01/hour=02/part-3-100.parquet"))
        .hasSize(10);
    assertThat(Files.exists(dir.resolve("_pending/3"))).isFalse();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      String file = dir.resolve(written.get(0)).toString();
      try (ResultSet rs =
          s.executeQuery(
              "SELECT DISTINCT compression FROM parquet_metadata('" + file + "') ORDER BY 1")) {
        List<String> codecs = new ArrayList<>();
        while (rs.next()) {
          codecs.add(rs.getString(1));
        }
        assertThat(codecs).containsOnly("ZSTD");
      }
      // The events table's columns, less the tenant (the directory), plus resource and scope.
      s.execute(Schema.createTable());
      List<String> expected = columns(s, "SELECT * EXCLUDE (sextant_tenant) FROM events");
      expected.add("resource VARCHAR");
      expected.add("scope VARCHAR");
      assertThat(
              columns(s, "SELECT * FROM read_parquet('" + file + "', hive_partitioning = false)"))
          .containsExactlyElementsOf(expected);
    }
  }

  private static List<String> columns(Statement s, String select) throws Exception {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = s.executeQuery("DESCRIBE " + select)) {
      while (rs.next()) {
        out.add(rs.getString(1) + " " + rs.getString(2));
      }
    }
    return out;
  }

  @Test
  void questionsOverHoursAndDays_countExactlyTheirEvents() throws Exception {
    List<Event> events = events();
    writer.write("0", 0, events);
    writer.committed("0");
    MemoryEventStore reference = new MemoryEventStore();
    reference.write(events);
    long[][] ranges = {
      {START, START + 5 * H},
      {START + H - 1, START + H + 1},
      {START + 90 * 60 * S, START + 150 * 60 * S + 1}, // 23:30 → 00:30 across midnight
      {START + 2 * H, START + 3 * H}, // exactly the first hour of 2025
      {START + 2 * H + 7 * S, START + 2 * H + 8 * S},
      {START - 10 * H, START},
      {START + 4 * H + 59 * 60 * S, Long.MAX_VALUE},
    };
    for (long[] r : ranges) {
      TimeRange range = new TimeRange(r[0], r[1]);
      for (String tenant : List.of("acme", "default")) {
        assertThat(count(archive.forTenant(tenant), range))
            .as("%s in %s", tenant, range)
            .isEqualTo(count(reference.forTenant(tenant), range));
      }
    }
    assertThat(count(archive.forTenant("acme"), new TimeRange(START, START + 5 * H)))
        .isEqualTo(events.size() / 2);
  }

  @Test
  void aQuestion_opensOnlyTheFilesOfItsHours() throws Exception {
    List<Event> events = events();
    writer.write("0", 0, events);
    writer.committed("0");
    // The last hour's file is unreadable: a question that opened it would fail.
    Path broken = dir.resolve("sextant_tenant=acme/date=2025-01-01/hour=02/part-0-0.parquet");
    Files.write(broken, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    MemoryEventStore reference = new MemoryEventStore();
    reference.write(events);
    TimeRange earlier = new TimeRange(START, START + 4 * H);
    assertThat(count(archive.forTenant("acme"), earlier))
        .isEqualTo(count(reference.forTenant("acme"), earlier))
        .isPositive();
    assertThat(archive.forTenant("acme").services(earlier)).isNotEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> count(archive.forTenant("acme"), new TimeRange(START, START + 5 * H)))
        .isInstanceOf(io.sextant.store.spi.StoreException.class);
  }

  @Test
  void trace_readsBackEveryFieldExactly() throws Exception {
    TraceId trace = new TraceId(0x1234, 0x5678);
    Event full = Fixtures.spanWithEveryField(trace, new SpanId(7), new SpanId(6), START);
    writer.write("0", 0, List.of(full));
    writer.committed("0");
    assertThat(archive.trace(trace)).containsExactly(full);
    assertThat(archive.attributeKeys()).isNotEmpty();
  }

  @Test
  void aBatchNeverCommitted_isRemovedOnRecovery_andTheRedeliveryIsTheOnlyCopy() throws Exception {
    List<Event> events = events();
    writer.write("1", 100, events); // durable, then the process died before the commit
    assertThat(files()).hasSize(10);
    ParquetArchiveWriter restarted = ParquetArchiveWriter.open(dir);
    // The partition's committed offset is still 100: the batch at 100 was not committed.
    assertThat(restarted.recover("1", first -> 100 > first)).isEqualTo(10);
    assertThat(files()).isEmpty();
    // Redelivered in other batches: the first three hours, then the rest.
    int split = 0;
    while (events.get(split).timeUnixNano() < START + 3 * H) {
      split++;
    }
    restarted.write("1", 100, events.subList(0, split));
    restarted.committed("1");
    restarted.write("1", 100 + split, events.subList(split, events.size()));
    restarted.committed("1");
    restarted.close();
    assertThat(count(archive, new TimeRange(0, Long.MAX_VALUE))).isEqualTo(events.size());
  }

  @Test
  void aBatchCommittedBeforeTheCrash_isKeptOnRecovery() throws Exception {
    List<Event> events = events();
    writer.write("2", 100, events); // committed, then the process died before committed()
    assertThat(writer.recover("2", first -> 100 + events.size() > first)).isZero();
    assertThat(Files.exists(dir.resolve("_pending/2"))).isFalse();
    assertThat(count(archive, new TimeRange(0, Long.MAX_VALUE))).isEqualTo(events.size());
  }

  @Test
  void anEmptyArchive_answersWithNothing_andSeesFilesWrittenLater() throws Exception {
    TimeRange all = new TimeRange(0, Long.MAX_VALUE);
    assertThat(count(archive, all)).isZero();
    assertThat(archive.attributeKeys()).isEmpty();
    List<Event> events = events();
    writer.write("0", 0, events);
    writer.committed("0");
    assertThat(count(archive, all)).isEqualTo(events.size());
    assertThat(archive.stats().events()).isEqualTo(events.size());
  }

  @Test
  void archiveBefore_movesTheOldEventsIntoTheArchive_andUndoesAMoveCutShort() throws Exception {
    List<Event> events = events();
    long cutoff = START + 3 * H + 30 * 60 * S; // 01:30
    long old = events.stream().filter(e -> e.timeUnixNano() < cutoff).count();
    TimeRange all = new TimeRange(0, Long.MAX_VALUE);
    try (DuckDbEventStore hot = DuckDbEventStore.open(DuckDbConfig.defaults(dir.resolve("hot")))) {
      hot.write(events);
      // A move that died after its files, before its delete committed: its files must go.
      writer.write(ArchiveMove.HOT_SOURCE, cutoff - H, events.subList(0, 10));
      assertThat(files()).isNotEmpty();

      assertThat(hot.archiveBefore(cutoff, dir)).isEqualTo(old);
      assertThat(count(hot, all)).isEqualTo(events.size() - old);
      assertThat(count(archive, all)).isEqualTo(old);
      assertThat(files())
          .allSatisfy(
              f ->
                  assertThat(f.getFileName().toString())
                      .isEqualTo("part-hot-" + cutoff + ".parquet"));
      assertThat(Files.exists(dir.resolve("_pending/hot"))).isFalse();

      assertThat(hot.archiveBefore(cutoff, dir)).isZero();
      assertThat(hot.archiveBefore(START + 5 * H, dir)).isEqualTo(events.size() - old);
      assertThat(count(hot, all)).isZero();
      // Every event once, each where it was: the archive answers as the memory store does.
      MemoryEventStore reference = new MemoryEventStore();
      reference.write(events);
      for (String tenant : List.of("acme", "default")) {
        assertThat(count(archive.forTenant(tenant), all))
            .isEqualTo(count(reference.forTenant(tenant), all));
      }
      Event span = events.get(0);
      assertThat(archive.trace(span.traceId())).isEqualTo(reference.trace(span.traceId()));
    }
  }
}
