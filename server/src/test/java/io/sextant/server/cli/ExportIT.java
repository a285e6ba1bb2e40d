package io.sextant.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.model.Event;
import io.sextant.model.TraceId;
import io.sextant.pipeline.kafka.KafkaLoader;
import io.sextant.pipeline.kafka.KafkaSettings;
import io.sextant.pipeline.local.LocalKafka;
import io.sextant.store.clickhouse.ClickHouseConfig;
import io.sextant.store.clickhouse.ClickHouseEventStore;
import io.sextant.store.clickhouse.LocalClickHouse;
import io.sextant.store.duckdb.DuckDbConfig;
import io.sextant.store.duckdb.DuckDbEventStore;
import io.sextant.store.testkit.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Moving a single-node Sextant to the cluster: {@code sextant export} sends a DuckDB file's events,
 * of every tenant, through a real Kafka broker; a writer stores them in a real ClickHouse; every
 * event reads back as it was, and an export run twice stores each event once.
 */
class ExportIT {
  @TempDir Path dir;

  @Test
  void export_movesEveryEventOfEveryTenant_toTheCluster_once_evenWhenRunTwice() throws Exception {
    Random rnd = new Random(11);
    List<Event> events = new ArrayList<>(Fixtures.traces(rnd, Fixtures.T0, 60_000_000_000L, 30, 6));
    List<Event> acme =
        Fixtures.traces(rnd, Fixtures.T0 + 7, 1_000_000L, 5, 4).stream()
            .map(e -> e.withTenant("acme"))
            .toList();
    events.addAll(acme);
    Path single = dir.resolve("single");
    try (DuckDbEventStore store = DuckDbEventStore.open(new DuckDbConfig(single, "256MB", 0))) {
      store.write(events);
    }

    Path chDir = Path.of("target", "clickhouse-it", "export-" + ProcessHandle.current().pid());
    try (LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"), List.of(), 2);
        LocalClickHouse clickhouse = LocalClickHouse.start(chDir);
        ClickHouseEventStore target =
            ClickHouseEventStore.open(
                new ClickHouseConfig(clickhouse.url(), "migrated", Duration.ofSeconds(30)))) {
      KafkaSettings settings = KafkaSettings.of(kafka.bootstrap(), "migrate");
      String[] args = {
        "--data-dir",
        single.toString(),
        "--kafka",
        kafka.bootstrap(),
        "--topic",
        "migrate",
        "--batch-events",
        "7"
      };
      assertThat(run(args))
          .isEqualTo(
              "exported "
                  + events.size()
                  + " events from "
                  + single
                  + " to migrate at "
                  + kafka.bootstrap());
      try (KafkaLoader writer = new KafkaLoader(settings, target).start()) {
        await(() -> target.stats().events() == events.size());
        assertThat(run(args)).startsWith("exported " + events.size() + " events");
        await(() -> writer.stats().writtenEvents() == 2L * events.size());
      }
      assertThat(target.stats().events()).isEqualTo(events.size());
      for (Event e : List.of(events.get(0), events.get(events.size() - 1))) {
        String tenant = e.tenant();
        TraceId id = e.traceId();
        List<Event> expected =
            events.stream()
                .filter(x -> x.tenant().equals(tenant) && x.traceId().equals(id))
                .toList();
        assertThat(new HashSet<>(target.forTenant(tenant).trace(id)))
            .isEqualTo(new HashSet<>(expected));
      }
      assertThat(target.forTenant("acme").stats().events()).isEqualTo(acme.size());
    }
  }

  @Test
  void export_withoutData_orWithoutKafka_isOneSentence() {
    assertThat(fails("--data-dir", dir.resolve("none").toString(), "--kafka", "127.0.0.1:1"))
        .isEqualTo(
            "sextant: no Sextant data in "
                + dir.resolve("none")
                + ": "
                + dir.resolve("none").resolve("sextant.duckdb")
                + " does not exist");
    assertThat(fails("--data-dir", dir.toString()))
        .startsWith("sextant: export needs --kafka host:port");
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private static void await(Check done) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!done.ok()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out");
      }
      Thread.sleep(100);
    }
  }

  /**
   * Runs the command; its result line on stdout (Sextant's own logs are JSON lines there too), or
   * an assertion error with stderr.
   */
  private static String run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = new CommandLine(new ExportCommand()).execute(args);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return out.toString(StandardCharsets.UTF_8)
        .lines()
        .filter(l -> !l.startsWith("{"))
        .reduce((a, b) -> b)
        .orElse("");
  }

  private static String fails(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldErr = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = new CommandLine(new ExportCommand()).execute(args);
    } finally {
      System.setErr(oldErr);
    }
    assertThat(code).isEqualTo(2);
    return err.toString(StandardCharsets.UTF_8).strip();
  }
}
