package io.sextant.server.cli;

import io.sextant.model.Event;
import io.sextant.pipeline.Overloaded;
import io.sextant.pipeline.kafka.KafkaSettings;
import io.sextant.pipeline.kafka.KafkaSink;
import io.sextant.store.duckdb.DuckDbConfig;
import io.sextant.store.duckdb.DuckDbEventStore;
import io.sextant.store.spi.Health;
import io.sextant.store.spi.StoreException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sextant export}: moves a single-node Sextant's events into the scale-out pipeline
 * (docs/scale-out.md#moving-a-single-node-sextant-to-the-cluster). Reads the stopped server's
 * DuckDB file and produces every event, of every tenant, to the collectors' Kafka topic as the
 * collectors do ({@code EventCodec} batches, {@code acks=all}); the writers store them. The
 * ClickHouse store counts an event once by its identity, so an export run twice, or one that
 * overlaps events that also came live, stores each event once.
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description =
        "Send every event of a stopped single-node Sextant's DuckDB file to the scale-out"
            + " pipeline's Kafka topic, where the writers store it (docs/scale-out.md).")
public final class ExportCommand implements Callable<Integer> {
  @Option(
      names = "--data-dir",
      defaultValue = "${env:SEXTANT_DATA_DIR:-./sextant-data}",
      description =
          "The data folder of the single-node server, which must be stopped (env"
              + " SEXTANT_DATA_DIR). Default: ${DEFAULT-VALUE}")
  Path dataDir;

  @Option(
      names = "--kafka",
      defaultValue = "${env:SEXTANT_KAFKA:-}",
      description = "The cluster's Kafka brokers, host:port,… (env SEXTANT_KAFKA)")
  String kafka;

  @Option(
      names = "--topic",
      defaultValue = "${env:SEXTANT_TOPIC:-" + KafkaSettings.DEFAULT_TOPIC + "}",
      description =
          "The topic the collectors produce to (env SEXTANT_TOPIC). Default: ${DEFAULT-VALUE}")
  String topic;

  @Option(
      names = "--batch-events",
      defaultValue = "5000",
      description = "Events read and sent at a time. Default: ${DEFAULT-VALUE}")
  int batchEvents;

  @Option(
      names = "--memory-limit",
      defaultValue = "${env:SEXTANT_STORE_MEMORY_LIMIT:-1GB}",
      description = "DuckDB memory limit while reading. Default: ${DEFAULT-VALUE}")
  String memoryLimit;

  /** How long the brokers have to answer before the export gives up. */
  static final Duration BROKERS_WAIT = Duration.ofSeconds(60);

  @Override
  public Integer call() throws Exception {
    try {
      long n = export(System.err);
      System.out.printf(
          Locale.ROOT, "exported %d events from %s to %s at %s%n", n, dataDir, topic, kafka);
      return 0;
    } catch (IllegalArgumentException | IllegalStateException | StoreException e) {
      System.err.println("sextant: " + e.getMessage());
      return e instanceof IllegalArgumentException ? 2 : 1;
    }
  }

  long export(PrintStream progress) throws StoreException, InterruptedException {
    if (kafka == null || kafka.isBlank()) {
      throw new IllegalArgumentException(
          "export needs --kafka host:port of the cluster's brokers (docs/scale-out.md)");
    }
    if (batchEvents < 1) {
      throw new IllegalArgumentException("--batch-events must be at least 1");
    }
    DuckDbConfig config = new DuckDbConfig(dataDir, memoryLimit, 0);
    if (!Files.isRegularFile(config.file())) {
      throw new IllegalArgumentException(
          "no Sextant data in " + dataDir + ": " + config.file() + " does not exist");
    }
    KafkaSettings settings = KafkaSettings.of(kafka.strip(), topic);
    try (DuckDbEventStore store = DuckDbEventStore.open(config);
        KafkaSink sink = new KafkaSink(settings, 20L * batchEvents)) {
      Health h = store.check();
      if (!h.healthy()) {
        throw new IllegalStateException(
            h.detail() + " (is a Sextant server still running on " + dataDir + "? stop it first)");
      }
      sink.start();
      awaitBrokers(sink);
      ConcurrentLinkedQueue<CompletableFuture<Void>> pending = new ConcurrentLinkedQueue<>();
      AtomicLong taken = new AtomicLong();
      long began = System.nanoTime();
      long[] nextReport = {began + TimeUnit.SECONDS.toNanos(5)};
      long read =
          store.readAll(
              batchEvents,
              batch -> {
                pending.add(submit(sink, batch));
                taken.addAndGet(batch.size());
                while (pending.peek() != null && pending.peek().isDone()) {
                  failIfFailed(pending.poll());
                }
                long now = System.nanoTime();
                if (now > nextReport[0]) {
                  nextReport[0] = now + TimeUnit.SECONDS.toNanos(5);
                  progress.printf(
                      Locale.ROOT,
                      "sextant export: %d events sent (%.0f/s)%n",
                      taken.get(),
                      taken.get() / ((now - began) / 1e9));
                }
              });
      for (CompletableFuture<Void> f : pending) {
        failIfFailed(f);
      }
      return read;
    }
  }

  private static void awaitBrokers(KafkaSink sink) throws InterruptedException {
    long deadline = System.nanoTime() + BROKERS_WAIT.toNanos();
    while (!sink.available()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "Kafka did not answer within "
                + BROKERS_WAIT.toSeconds()
                + " s: "
                + sink.stats().reason());
      }
      Thread.sleep(100);
    }
  }

  /** Hands {@code batch} to the sink, waiting while it is full (as a client retries a 429). */
  private static CompletableFuture<Void> submit(KafkaSink sink, List<Event> batch)
      throws InterruptedException {
    long deadline = System.nanoTime() + BROKERS_WAIT.toNanos();
    while (true) {
      try {
        return sink.submit(batch);
      } catch (Overloaded o) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Kafka took nothing for a minute: " + o.getMessage());
        }
        Thread.sleep(20);
      }
    }
  }

  private static void failIfFailed(CompletableFuture<Void> f) throws InterruptedException {
    try {
      f.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "stopped: " + e.getCause().getMessage() + "; what was sent stays, run it again", e);
    }
  }
}
