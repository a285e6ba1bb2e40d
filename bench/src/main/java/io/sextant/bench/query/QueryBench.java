package io.sextant.bench.query;

import io.sextant.model.Event;
import io.sextant.model.TraceId;
import io.sextant.query.Aggregate;
import io.sextant.query.Calculation;
import io.sextant.query.CompareQuery;
import io.sextant.query.Comparison;
import io.sextant.query.Engine;
import io.sextant.query.Engines;
import io.sextant.query.Filter;
import io.sextant.query.Op;
import io.sextant.query.QueryException;
import io.sextant.query.Question;
import io.sextant.store.clickhouse.ClickHouseConfig;
import io.sextant.store.clickhouse.ClickHouseEventStore;
import io.sextant.store.clickhouse.LocalClickHouse;
import io.sextant.store.duckdb.DuckDbConfig;
import io.sextant.store.duckdb.DuckDbEventStore;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.SqlAccess;
import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.TimeRange;
import io.sextant.store.testkit.Fixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The query benchmark of issues 3 and 15: loads realistic events into a store through its writer (a
 * DuckDB file, or ClickHouse servers it starts itself, one or a sharded cluster), then times each
 * question through the engine and the same question as hand-written SQL in the store's dialect on
 * the same data, warm, and prints both with their ratio. The hand SQL is the floor: on ClickHouse
 * it reads without {@code FINAL}, which the engine needs so that an event written twice counts
 * once.
 */
@Command(
    name = "query-bench",
    mixinStandardHelpOptions = true,
    description = "Times the query engine against hand-written DuckDB SQL at scale.")
public final class QueryBench implements Callable<Integer> {
  static final long HOUR = 3_600_000_000_000L;
  static final long DAY = 24 * HOUR;
  static final int SPANS_PER_TRACE = 10;

  @Option(names = "--events", description = "Events to load (default ${DEFAULT-VALUE}).")
  long events = 10_000_000;

  @Option(names = "--dir", description = "Where the DuckDB file goes (default ${DEFAULT-VALUE}).")
  Path dir = Path.of("bench/work/query");

  @Option(names = "--runs", description = "Timed runs per question (default ${DEFAULT-VALUE}).")
  int runs = 10;

  @Option(names = "--memory-limit", description = "DuckDB memory limit (default ${DEFAULT-VALUE}).")
  String memoryLimit = "4GB";

  @Option(
      names = "--store",
      description =
          "duckdb, or clickhouse (servers started under --dir) (default ${DEFAULT-VALUE}).")
  String storeKind = "duckdb";

  @Option(
      names = "--shards",
      description =
          "ClickHouse servers; more than one makes a cluster with Distributed tables (default"
              + " ${DEFAULT-VALUE}).")
  int shards = 1;

  /** The store under test, the hand-written reference SQL for it, and what to stop after. */
  private record Backend(EventStore store, HandSql sql, List<AutoCloseable> started) {}

  /**
   * The four reference statements, in the store's dialect, with {@code ?} parameters, and each
   * question's target in ms: issue 3's for DuckDB at 10M events, issue 15's for ClickHouse at 100M.
   */
  private record HandSql(
      String countUser, String p99, String trace, String compare, long[] targetsMs) {
    static final HandSql DUCKDB =
        new HandSql(
            "SELECT count(*) FROM events WHERE time >= ? AND time < ? AND user_id = ?",
            "SELECT \"service.name\", quantile_cont(duration, 0.99) FROM events"
                + " WHERE time >= ? AND time < ? GROUP BY 1",
            "SELECT * FROM events WHERE trace_id = ?",
            "SELECT \"http.route\", count(*) FILTER (WHERE error),"
                + " count(*) FILTER (WHERE NOT error) FROM events"
                + " WHERE time >= ? AND time < ? AND kind = 'span' GROUP BY 1",
            new long[] {100, 300, 20, 1000});
    static final HandSql CLICKHOUSE =
        new HandSql(
            "SELECT count() FROM events WHERE time >= ? AND time < ? AND user_id = ?",
            "SELECT service_name, quantileExact(0.99)(duration) FROM events"
                + " WHERE time >= ? AND time < ? GROUP BY service_name",
            "SELECT * FROM events WHERE trace_id = ?",
            "SELECT http_route, countIf(error = 1), countIf(error = 0) FROM events"
                + " WHERE time >= ? AND time < ? AND kind = 'span' GROUP BY http_route",
            new long[] {300, 1000, 50, 3000});
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new QueryBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(dir);
    Path marker = dir.resolve("loaded-" + events);
    long start = Fixtures.T0;
    TimeRange day = new TimeRange(start, start + DAY);
    // The user, trace and error we ask about are drawn from the first traces generated.
    Random seed = new Random(42);
    List<Event> first = Fixtures.trace(new Random(42), start, SPANS_PER_TRACE);
    String user = (String) first.get(0).attributes().get("user_id");
    TraceId trace = first.get(0).traceId();
    Backend backend = open();
    try {
      EventStore store = backend.store();
      HandSql hand = backend.sql();
      if (!Files.exists(marker)) {
        load(store, seed, start);
        Files.writeString(marker, "");
      }
      long stored = store.stats().events();
      long bytes = bytesOnDisk(backend);
      System.out.printf(
          "store: %s, %,d events, %,d bytes on disk (%.1f B/event)%n",
          describe(), stored, bytes, bytes / (double) stored);
      Engine engine = Engines.of(store);
      SqlAccess sql = store.sql().orElseThrow();
      List<String[]> table = new ArrayList<>();

      Question count =
          Question.over(day).where(Filter.Predicate.of("user_id", Op.EQ, user)).build();
      table.add(
          row(
              "count where user_id = X, 24 h",
              hand.targetsMs()[0],
              () -> engine.run(count).rows().get(0).get(0),
              () ->
                  sql.select(
                      hand.countUser(),
                      List.of(day.fromUnixNano(), day.toUnixNano(), user),
                      rs -> {
                        rs.next();
                        return rs.getLong(1);
                      })));

      Question p99 =
          Question.over(day)
              .by("service.name")
              .calculate(Calculation.of(Aggregate.P99, "duration"))
              .build();
      table.add(
          row(
              "p99(duration) by service, 24 h",
              hand.targetsMs()[1],
              () -> engine.run(p99).rows().size(),
              () ->
                  sql.select(
                      hand.p99(),
                      List.of(day.fromUnixNano(), day.toUnixNano()),
                      rs -> {
                        int n = 0;
                        while (rs.next()) {
                          n++;
                        }
                        return n;
                      })));

      table.add(
          row(
              "trace by id",
              hand.targetsMs()[2],
              () -> store.trace(trace).size(),
              () ->
                  sql.select(
                      hand.trace(),
                      List.of(trace.toHex()),
                      rs -> {
                        int n = 0;
                        while (rs.next()) {
                          n++;
                        }
                        return n;
                      })));

      CompareQuery compare =
          new CompareQuery(
              day,
              Filter.Predicate.of("kind", Op.EQ, "span"),
              new CompareQuery.FilterSelection(Filter.Predicate.of("error", Op.EQ, true)));
      Comparison c = engine.compare(compare);
      System.out.printf(
          "compare: %,d errors vs %,d others; top attributes: %s%n",
          c.selectionCount(),
          c.baselineCount(),
          c.attributes().stream()
              .limit(5)
              .map(a -> a.key() + "=" + a.values().get(0).value())
              .toList());
      table.add(
          row(
              "compare errors vs baseline, 24 h",
              hand.targetsMs()[3],
              () -> engine.compare(compare).attributes().size(),
              () ->
                  sql.select(
                      // The reference: one attribute's value shares on each side, by hand.
                      hand.compare(),
                      List.of(day.fromUnixNano(), day.toUnixNano()),
                      rs -> {
                        int n = 0;
                        while (rs.next()) {
                          n++;
                        }
                        return n;
                      })));

      System.out.printf(
          "%n%-36s %12s %12s %12s %8s %8s%n",
          "question (warm, median of " + runs + ")",
          "engine ms",
          "hand SQL ms",
          "engine/SQL",
          "target",
          "met");
      for (String[] r : table) {
        System.out.printf("%-36s %12s %12s %12s %8s %8s%n", (Object[]) r);
      }
    } finally {
      backend.store().close();
      for (int i = backend.started().size() - 1; i >= 0; i--) {
        backend.started().get(i).close();
      }
    }
    return 0;
  }

  private String describe() {
    return switch (storeKind) {
      case "clickhouse" ->
          shards == 1 ? "ClickHouse, one server" : "ClickHouse, " + shards + " shards";
      default -> "DuckDB";
    };
  }

  /**
   * The store of {@code --store}. ClickHouse servers keep their data under {@code --dir}, so a
   * later run with the same settings reuses what was loaded, as the DuckDB file is reused.
   */
  private Backend open() throws Exception {
    switch (storeKind) {
      case "duckdb" -> {
        return new Backend(
            DuckDbEventStore.open(new DuckDbConfig(dir, memoryLimit, 0)),
            HandSql.DUCKDB,
            List.of());
      }
      case "clickhouse" -> {
        List<AutoCloseable> started = new ArrayList<>();
        int[] http = new int[shards];
        int[] tcp = new int[shards];
        for (int i = 0; i < shards; i++) {
          http[i] = LocalClickHouse.freePort();
          tcp[i] = LocalClickHouse.freePort();
        }
        String cluster = shards == 1 ? "" : LocalClickHouse.cluster("sextant", tcp);
        List<URI> urls = new ArrayList<>();
        try {
          for (int i = 0; i < shards; i++) {
            LocalClickHouse server =
                LocalClickHouse.start(
                    dir.resolve("clickhouse-" + (i + 1)), http[i], tcp[i], cluster);
            started.add(server);
            urls.add(server.url());
          }
        } catch (Exception e) {
          for (AutoCloseable c : started) {
            c.close();
          }
          throw e;
        }
        Duration timeout = Duration.ofMinutes(10);
        ClickHouseConfig config =
            shards == 1
                ? new ClickHouseConfig(urls.get(0), "sextant", timeout)
                : new ClickHouseConfig(urls.get(0), "sextant", timeout, "sextant", urls);
        return new Backend(ClickHouseEventStore.open(config), HandSql.CLICKHOUSE, started);
      }
      default -> throw new IllegalArgumentException("--store is duckdb or clickhouse");
    }
  }

  /** The store's size on disk: DuckDB's file, or ClickHouse's active parts on every server. */
  private long bytesOnDisk(Backend backend) throws Exception {
    if (backend.store() instanceof DuckDbEventStore duck) {
      return duck.bytesOnDisk();
    }
    long total = 0;
    HttpClient client = HttpClient.newHttpClient();
    for (AutoCloseable c : backend.started()) {
      URI url = ((LocalClickHouse) c).url();
      String answer =
          client
              .send(
                  HttpRequest.newBuilder(url.resolve("/"))
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "SELECT sum(bytes_on_disk) FROM system.parts WHERE active AND"
                                  + " database = 'sextant' FORMAT TSV"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body()
              .trim();
      total += Long.parseLong(answer);
    }
    return total;
  }

  private void load(EventStore store, Random rnd, long start) throws Exception {
    long traces = events / (SPANS_PER_TRACE + Fixtures.LOGS_PER_TRACE);
    long spacing = DAY / traces;
    List<Event> batch = new ArrayList<>(20_000);
    long t0 = System.nanoTime();
    long written = 0;
    // Trace 0 is the one seeded with 42 above, so the benchmark's user and trace exist.
    batch.addAll(Fixtures.trace(new Random(42), start, SPANS_PER_TRACE));
    for (long i = 1; i < traces; i++) {
      batch.addAll(Fixtures.trace(rnd, start + i * spacing, SPANS_PER_TRACE));
      if (batch.size() >= 20_000) {
        store.write(batch);
        written += batch.size();
        batch.clear();
        if (written % 1_000_000 < 20_000) {
          System.out.printf(
              "loaded %,d events (%.0f/s)%n", written, written / ((System.nanoTime() - t0) / 1e9));
        }
      }
    }
    store.write(batch);
    written += batch.size();
    System.out.printf(
        "loaded %,d events in %.1f s (%.0f events/s through the store writer)%n",
        written, (System.nanoTime() - t0) / 1e9, written / ((System.nanoTime() - t0) / 1e9));
  }

  private interface Timed {
    Object run() throws Exception;
  }

  private String[] row(String name, long targetMs, Timed engine, Timed hand) throws Exception {
    double e = medianOrRefused(name, "engine", engine);
    double h = medianOrRefused(name, "hand SQL", hand);
    return new String[] {
      name,
      Double.isNaN(e) ? "refused" : String.format("%.1f", e),
      Double.isNaN(h) ? "refused" : String.format("%.1f", h),
      Double.isNaN(e) || Double.isNaN(h) ? "-" : String.format("%.2f", e / h),
      "≤ " + targetMs,
      !Double.isNaN(e) && e <= targetMs ? "yes" : "NO"
    };
  }

  /** The median, or NaN when the store refused the question (its reason is printed). */
  private double medianOrRefused(String name, String by, Timed t) throws Exception {
    try {
      return median(t);
    } catch (StoreException | QueryException ex) {
      System.out.printf("%s (%s) refused: %s%n", name, by, ex.getMessage());
      return Double.NaN;
    }
  }

  private double median(Timed t) throws Exception {
    for (int i = 0; i < 3; i++) {
      t.run();
    }
    double[] ms = new double[runs];
    for (int i = 0; i < runs; i++) {
      long s = System.nanoTime();
      t.run();
      ms[i] = (System.nanoTime() - s) / 1e6;
    }
    Arrays.sort(ms);
    return ms[runs / 2];
  }
}
