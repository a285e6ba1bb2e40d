package io.sextant.bench.ingest;

import io.sextant.ingest.IngestLimits;
import io.sextant.ingest.otlp.OtlpDecoder;
import io.sextant.model.Event;
import io.sextant.store.duckdb.DuckDbConfig;
import io.sextant.store.duckdb.DuckDbEventStore;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The store alone, without HTTP or a load generator competing for the CPU: the same generated
 * spans, decoded by the real OTLP decoder, written to a fresh {@link DuckDbEventStore} in batches
 * of a fixed size, as the pipeline's writer would. Prints events/s, CPU per event and the file's
 * bytes per event after a clean close. Used to measure store changes
 * (docs/adr/0004-duckdb-schema.md).
 *
 * <p>{@code java -cp bench/target/sextant-bench.jar io.sextant.bench.ingest.StoreLoad --help}
 */
@Command(
    name = "store-load",
    mixinStandardHelpOptions = true,
    description = "Write generated spans straight into a fresh DuckDB store and measure it.")
public final class StoreLoad implements Callable<Integer> {
  @Option(names = "--dir", required = true, description = "A fresh folder for the database.")
  Path dir;

  @Option(names = "--spans", defaultValue = "1000000", description = "Spans written.")
  int spans;

  @Option(names = "--batch", defaultValue = "4000", description = "Events per store write.")
  int batch;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the generated data.")
  long seed;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "DuckDB worker threads; 0: one per core, as the server runs it.")
  int threads;

  @Option(
      names = "--learn",
      defaultValue = "true",
      arity = "1",
      description = "Whether the store learns typed columns from the data (as the server does).")
  boolean learn;

  public static void main(String[] args) {
    System.exit(new CommandLine(new StoreLoad()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (Files.exists(dir.resolve(DuckDbConfig.FILE_NAME))) {
      throw new IllegalArgumentException(dir + " already holds a database; give a fresh folder");
    }
    long now = Instant.now().toEpochMilli() * 1_000_000;
    TraceGenerator gen =
        new TraceGenerator(
            seed,
            0,
            now - TimeUnit.MINUTES.toNanos(55),
            TimeUnit.MINUTES.toNanos(50) / Math.max(1, spans / 10));
    OtlpBodies otlp = new OtlpBodies();
    OtlpDecoder decoder = new OtlpDecoder(IngestLimits.defaults(), Clock.systemUTC());
    List<List<Event>> batches = new ArrayList<>();
    List<Event> current = new ArrayList<>(batch);
    long left = spans;
    while (left > 0) {
      List<GeneratedSpan> request = gen.nextRequest(500, left);
      left -= request.size();
      for (Event e : decoder.decodeTraces(otlp.http(request)).events()) {
        current.add(e);
        if (current.size() == batch) {
          batches.add(current);
          current = new ArrayList<>(batch);
        }
      }
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    System.gc();

    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    DuckDbEventStore store =
        DuckDbEventStore.open(
            new DuckDbConfig(dir, DuckDbConfig.defaults(dir).memoryLimit(), threads)
                .withLearning(learn ? DuckDbConfig.Learning.DEFAULT : DuckDbConfig.Learning.OFF));
    var threads = ManagementFactory.getThreadMXBean();
    long cpu0 = os.getProcessCpuTime();
    long own0 = threads.getCurrentThreadCpuTime();
    long[] writeNanos = new long[batches.size()];
    long t0 = System.nanoTime();
    for (int i = 0; i < batches.size(); i++) {
      long w = System.nanoTime();
      store.write(batches.get(i));
      writeNanos[i] = System.nanoTime() - w;
      batches.set(i, null);
    }
    long t1 = System.nanoTime();
    long cpu1 = os.getProcessCpuTime();
    long own1 = threads.getCurrentThreadCpuTime();
    long walBytes = store.bytesOnDisk();
    store.close();
    long t2 = System.nanoTime();
    long cpu2 = os.getProcessCpuTime();
    long file = Files.size(dir.resolve(DuckDbConfig.FILE_NAME));

    long used = 0;
    long free = 0;
    long blockSize = 0;
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:duckdb:" + dir.resolve(DuckDbConfig.FILE_NAME), readOnly());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT used_blocks, free_blocks, block_size FROM pragma_database_size()")) {
      if (rs.next()) {
        used = rs.getLong(1);
        free = rs.getLong(2);
        blockSize = rs.getLong(3);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "RESULT spans=%d batch=%d write_seconds=%.2f events_per_s=%.0f cpu_us_per_event=%.2f"
            + " writer_thread_cpu_us_per_event=%.2f"
            + " close_seconds=%.2f close_cpu_us_per_event=%.2f bytes_before_close=%d"
            + " file_bytes=%d bytes_per_span=%.1f used_blocks=%d free_blocks=%d"
            + " used_bytes_per_span=%.1f write_p50_ms=%.1f write_max_ms=%.1f%n",
        spans,
        batch,
        (t1 - t0) / 1e9,
        spans / ((t1 - t0) / 1e9),
        (cpu1 - cpu0) / 1e3 / spans,
        (own1 - own0) / 1e3 / spans,
        (t2 - t1) / 1e9,
        (cpu2 - cpu1) / 1e3 / spans,
        walBytes,
        file,
        file / (double) spans,
        used,
        free,
        used * blockSize / (double) spans,
        percentile(writeNanos, 0.5) / 1e6,
        percentile(writeNanos, 1.0) / 1e6);
    return 0;
  }

  private static long percentile(long[] values, double p) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  }

  private static Properties readOnly() {
    Properties p = new Properties();
    p.setProperty("duckdb.read_only", "true");
    return p;
  }
}
