package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.model.Event;
import io.sextant.model.EventKind;
import io.sextant.pipeline.kafka.KafkaArchiver;
import io.sextant.pipeline.kafka.KafkaSettings;
import io.sextant.pipeline.kafka.KafkaSink;
import io.sextant.pipeline.local.LocalKafka;
import io.sextant.query.Engines;
import io.sextant.query.Result;
import io.sextant.query.text.QueryText;
import io.sextant.store.duckdb.DuckDbConfig;
import io.sextant.store.duckdb.DuckDbEventStore;
import io.sextant.store.duckdb.ParquetArchiveStore;
import io.sextant.store.duckdb.ParquetArchiveWriter;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.MemoryEventStore;
import io.sextant.store.testkit.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archiver over a real Kafka broker (KRaft, in-process) into real Parquet files, read back by
 * DuckDB: the archive answers the questions the stores answer over the same events, and an archiver
 * that dies between its files and its commit leaves no event archived twice.
 */
@Timeout(240)
class ArchiverIT {
  static final long S = 1_000_000_000L;
  static final long H = 3600 * S;
  // 22:00 on 2024-12-31: five hours of events, over midnight.
  static final long START = Fixtures.T0 - 2 * H;
  static final String RANGE = " | since 2024-12-31T22:00:00Z until 2025-01-01T03:00:00Z";

  @TempDir Path dir;
  private LocalKafka kafka;
  private KafkaSettings settings;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void broker() {
    kafka = LocalKafka.start(dir.resolve("kafka"), List.of(), 2);
    settings = new KafkaSettings(kafka.bootstrap(), "events", KafkaSettings.DEFAULT_GROUP, 2, 50);
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    kafka.close();
  }

  private <T extends AutoCloseable> T opened(T c) {
    open.add(c);
    return c;
  }

  /** 120 traces 150 s apart, alternately acme's and the default tenant's, sent as collectors do. */
  private List<Event> sendAll() throws Exception {
    KafkaSink sink = opened(new KafkaSink(settings, 100_000).start());
    await(sink::available, "the sink to reach the broker");
    Random rnd = new Random(20);
    List<Event> all = new ArrayList<>();
    List<CompletableFuture<Void>> acks = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      List<Event> trace = new ArrayList<>();
      for (Event e : Fixtures.trace(rnd, START + i * 150 * S + 3 * S, 1 + i % 5)) {
        trace.add(e.withTenant(i % 2 == 0 ? "acme" : "default"));
      }
      acks.add(sink.submit(trace));
      all.addAll(trace);
    }
    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    return all;
  }

  private KafkaArchiver archiver(ParquetArchiveWriter writer, KafkaArchiver.Hook hook) {
    return archiver(writer, hook, 100_000);
  }

  private KafkaArchiver archiver(
      ParquetArchiveWriter writer, KafkaArchiver.Hook hook, int maxEvents) {
    return new KafkaArchiver(
        settings.withGroup(KafkaArchiver.DEFAULT_GROUP),
        ArchiverNode.target(writer),
        new KafkaArchiver.Batching(maxEvents, Duration.ofMillis(500)),
        hook);
  }

  private static void await(BooleanSupplier done, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  private List<Path> files(Path archive) throws Exception {
    try (Stream<Path> s = Files.walk(archive)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".parquet"))
          .map(archive::relativize)
          .sorted()
          .toList();
    }
  }

  private static List<List<Object>> rows(EventStore store, String question) throws Exception {
    Result r = Engines.of(store).run(QueryText.parse(question, START + 10 * H));
    return r.rows();
  }

  /** Equal rows, numbers within a relative 1e-9 (sums and percentiles add up in another order). */
  private static void assertSameRows(
      List<List<Object>> actual, List<List<Object>> expected, String what) {
    assertThat(actual).as(what).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      List<Object> a = actual.get(i);
      List<Object> e = expected.get(i);
      assertThat(a).as(what + " row " + i).hasSameSizeAs(e);
      for (int j = 0; j < e.size(); j++) {
        if (e.get(j) instanceof Number en && a.get(j) instanceof Number an) {
          double x = en.doubleValue();
          assertThat(an.doubleValue())
              .as("%s row %d column %d", what, i, j)
              .isCloseTo(x, org.assertj.core.data.Offset.offset(Math.abs(x) * 1e-9 + 1e-9));
        } else {
          assertThat(a.get(j)).as("%s row %d column %d", what, i, j).isEqualTo(e.get(j));
        }
      }
    }
  }

  @Test
  void theArchiverWritesHourlyParquet_andTheArchiveAnswersAsTheStoresDo() throws Exception {
    List<Event> sent = sendAll();
    Path archiveDir = dir.resolve("archive");
    ParquetArchiveWriter writer = opened(ParquetArchiveWriter.open(archiveDir));
    KafkaArchiver archiver = opened(archiver(writer, KafkaArchiver.Hook.NONE).start());
    await(() -> archiver.stats().archivedEvents() >= sent.size(), "the archiver to write all");
    assertThat(archiver.stats().archivedEvents()).isEqualTo(sent.size());

    List<Path> files = files(archiveDir);
    assertThat(files)
        .isNotEmpty()
        .allSatisfy(
            f ->
                assertThat(f.toString())
                    .matches(
                        "sextant_tenant=(acme|default)/date=\\d{4}-\\d\\d-\\d\\d/hour=\\d\\d/"
                            + "part-[01]-\\d+\\.parquet"));
    assertThat(files.stream().map(f -> f.getName(1).toString()).distinct())
        .containsExactlyInAnyOrder("date=2024-12-31", "date=2025-01-01");

    MemoryEventStore memory = opened(new MemoryEventStore());
    memory.write(sent);
    DuckDbEventStore duck =
        opened(DuckDbEventStore.open(DuckDbConfig.defaults(dir.resolve("duck"))));
    duck.write(sent);
    ParquetArchiveStore archive = opened(ParquetArchiveStore.open(archiveDir));
    List<String> questions =
        List.of(
            "count() by service.name" + RANGE,
            "count(), p99(duration), avg(duration) by service.name, span.kind" + RANGE,
            "where error = true | count() by name"
                + " | since 2024-12-31T23:30:00Z until 2025-01-01T00:30:00Z",
            "where kind = log | count() by severity_text, service.name"
                + " | since 2025-01-01T01:00:00Z until 2025-01-01T02:00:00Z",
            "count_distinct(trace_id), max(duration) by host.name" + RANGE);
    for (String tenant : List.of("acme", "default")) {
      for (String q : questions) {
        List<List<Object>> fromArchive = rows(archive.forTenant(tenant), q);
        assertSameRows(fromArchive, rows(memory.forTenant(tenant), q), tenant + ": " + q);
        assertSameRows(fromArchive, rows(duck.forTenant(tenant), q), tenant + ": " + q);
      }
    }
    assertThat(rows(archive.forTenant("acme"), "count()" + RANGE).get(0).get(0))
        .isEqualTo((long) sent.stream().filter(e -> e.tenant().equals("acme")).count());
    for (Event e : sent.subList(0, 40)) {
      if (e.kind() == EventKind.SPAN) {
        assertThat(archive.trace(e.traceId())).isEqualTo(memory.trace(e.traceId()));
      }
    }
  }

  @Test
  void anArchiverDyingBetweenItsFilesAndTheCommit_isRedelivered_andNothingIsArchivedTwice()
      throws Exception {
    List<Event> sent = sendAll();
    Path archiveDir = dir.resolve("archive");
    AtomicBoolean died = new AtomicBoolean();
    ParquetArchiveWriter first = ParquetArchiveWriter.open(archiveDir);
    KafkaArchiver doomed =
        archiver(
            first,
            events -> {
              died.set(true);
              throw new Error("the process is gone before the commit");
            });
    doomed.start();
    await(died::get, "the first archiver to write a batch and die");
    await(() -> doomed.stats().stopped(), "the first archiver's thread to end");
    assertThat(doomed.stats().lastError()).contains("gone before the commit");
    doomed.close();
    first.close();
    assertThat(files(archiveDir)).as("the dead archiver's files").isNotEmpty();
    assertThat(Files.list(archiveDir.resolve("_pending")).count()).isPositive();

    ParquetArchiveWriter writer = opened(ParquetArchiveWriter.open(archiveDir));
    // Smaller batches than the dead one's: the rewrite of its first batch ends sooner and misses
    // hours the dead batch reached, whose files only the recovery removes.
    KafkaArchiver heir = opened(archiver(writer, KafkaArchiver.Hook.NONE, 40).start());
    await(() -> heir.stats().archivedEvents() >= sent.size(), "the next archiver to write all");
    // Everything was read again from the committed offsets (none): written again, kept once.
    assertThat(heir.stats().archivedEvents()).isEqualTo(sent.size());
    ParquetArchiveStore archive = opened(ParquetArchiveStore.open(archiveDir));
    assertThat(rows(archive, "count()" + RANGE).get(0).get(0)).isEqualTo((long) sent.size());
    assertThat(
            rows(
                    archive,
                    "where kind = span | count() by trace_id, span_id | order by count() desc"
                        + " | limit 1"
                        + RANGE)
                .get(0)
                .get(2))
        .isEqualTo(1L);
    MemoryEventStore memory = opened(new MemoryEventStore());
    memory.write(sent);
    String q = "count(), sum(duration) by service.name, kind" + RANGE;
    assertSameRows(rows(archive, q), rows(memory, q), q);
    assertThat(Files.list(archiveDir.resolve("_pending")).count()).isZero();
  }

  @Test
  void retentionsGuard_seesTheArchiversCatchUp() throws Exception {
    List<Event> sent = sendAll();
    KafkaSettings archivers = settings.withGroup(KafkaArchiver.DEFAULT_GROUP);
    try (io.sextant.pipeline.kafka.ArchiveProgress progress =
        new io.sextant.pipeline.kafka.ArchiveProgress(archivers, Duration.ofSeconds(1))) {
      assertThat(progress.caughtUp()).as("no archiver has run").isFalse();
      ParquetArchiveWriter writer = opened(ParquetArchiveWriter.open(dir.resolve("archive")));
      KafkaArchiver archiver = opened(archiver(writer, KafkaArchiver.Hook.NONE).start());
      await(() -> archiver.stats().archivedEvents() >= sent.size(), "the archiver to write all");
      assertThat(progress.caughtUp()).isTrue();
    }
  }

  @Test
  void theArchiverRole_reportsItsProgress_andItsFilesAnswerTheCli() throws Exception {
    List<Event> sent = sendAll();
    Path archiveDir = dir.resolve("archive");
    ServerConfig config = TestServer.ports(ServerConfig.defaults(dir.resolve("data")));
    ArchiverNode node =
        opened(
            new ArchiverNode(
                    config,
                    settings.withGroup(KafkaArchiver.DEFAULT_GROUP),
                    archiveDir,
                    new KafkaArchiver.Batching(100_000, Duration.ofMillis(500)))
                .start());
    await(() -> node.stats().archivedEvents() >= sent.size(), "the archiver node to write all");
    var http = java.net.http.HttpClient.newHttpClient();
    var status =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + config.apiPort() + "/api/v1/status"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(status.statusCode()).isEqualTo(200);
    var json = TestServer.JSON.readTree(status.body());
    assertThat(json.path("role").asText()).isEqualTo("archiver");
    assertThat(json.at("/archiver/group").asText()).isEqualTo(KafkaArchiver.DEFAULT_GROUP);
    assertThat(json.at("/archiver/archived_events").asLong()).isEqualTo(sent.size());
    var health =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + config.apiPort() + "/health"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);

    java.io.StringWriter out = new java.io.StringWriter();
    picocli.CommandLine cli = new picocli.CommandLine(new Main());
    cli.setOut(new java.io.PrintWriter(out, true));
    int code =
        cli.execute("query", "--archive", archiveDir.toString(), "--json", "count()" + RANGE);
    assertThat(code).isZero();
    long defaults = sent.stream().filter(e -> e.tenant().equals("default")).count();
    assertThat(out.toString()).contains("\"rows\":[[" + defaults + "]]");
  }
}
