package io.sextant.bench.slo;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.StatusCode;
import io.sextant.model.TraceId;
import io.sextant.query.Catalog;
import io.sextant.query.ColumnInfo;
import io.sextant.query.CompareQuery;
import io.sextant.query.Comparison;
import io.sextant.query.Engine;
import io.sextant.query.Engines;
import io.sextant.query.HopQuery;
import io.sextant.query.Question;
import io.sextant.query.Result;
import io.sextant.query.TraceQuery;
import io.sextant.query.TraceSummary;
import io.sextant.server.slo.Slo;
import io.sextant.server.slo.SloConfig;
import io.sextant.server.slo.SloEvaluator;
import io.sextant.store.duckdb.DuckDbConfig;
import io.sextant.store.duckdb.DuckDbEventStore;
import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.TimeRange;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The CPU the SLO evaluator takes at steady state (issue 16: 100 SLOs over 28 days at 10M events a
 * day, at most 1 % of a core). Fills a fresh DuckDB store with spans at the given daily rate for
 * the last {@code --hours}, in time order as ingest writes them. Then it evaluates {@code --slos}
 * SLOs with 28-day windows through the server's own {@link SloEvaluator} over the store's SQL
 * engine. The first tick counts every window once (the start). The measured ticks after it each
 * recount the last 3 minutes, as the server's ticks do four times a minute. Prints the process CPU
 * per tick and the share of one core at four ticks a minute.
 *
 * <p>{@code java -cp bench/target/sextant-bench.jar io.sextant.bench.slo.SloBench --help}
 */
@Command(
    name = "slo-bench",
    mixinStandardHelpOptions = true,
    description = "Measure the SLO evaluator's CPU over a DuckDB store at a given event rate.")
public final class SloBench implements Callable<Integer> {
  @Option(names = "--dir", required = true, description = "A fresh folder for the database.")
  Path dir;

  @Option(names = "--events-per-day", defaultValue = "10000000", description = "Event rate.")
  long eventsPerDay;

  @Option(names = "--hours", defaultValue = "3", description = "Hours of data up to now.")
  int hours;

  @Option(names = "--slos", defaultValue = "100", description = "SLOs evaluated.")
  int slos;

  @Option(names = "--ticks", defaultValue = "40", description = "Measured ticks.")
  int ticks;

  @Option(names = "--warmup-ticks", defaultValue = "10", description = "Ticks before measuring.")
  int warmupTicks;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "DuckDB worker threads; 0: one per core, as the server runs it.")
  int threads;

  static final int ROUTES = 20;
  static final String[] SERVICES = {
    "gateway",
    "cart",
    "checkout",
    "payments",
    "catalog",
    "search",
    "users",
    "orders",
    "stock",
    "mail"
  };

  public static void main(String[] args) {
    System.exit(new CommandLine(new SloBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (Files.exists(dir.resolve(DuckDbConfig.FILE_NAME))) {
      throw new IllegalArgumentException(dir + " already holds a database; give a fresh folder");
    }
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long now = System.currentTimeMillis() * 1_000_000L;
    long events = eventsPerDay * hours / 24;
    try (DuckDbEventStore store =
        DuckDbEventStore.open(
            new DuckDbConfig(dir, DuckDbConfig.defaults(dir).memoryLimit(), threads))) {
      long t0 = System.nanoTime();
      fill(store, now - Duration.ofHours(hours).toNanos(), now, events);
      System.err.printf(
          Locale.ROOT,
          "slo-bench: wrote %d events (%d h at %d a day) in %.1f s%n",
          events,
          hours,
          eventsPerDay,
          (System.nanoTime() - t0) / 1e9);

      AtomicLong questions = new AtomicLong();
      Engine engine = counting(Engines.of(store), questions);
      List<Slo> list = new ArrayList<>();
      for (int i = 0; i < slos; i++) {
        list.add(
            Slo.of(
                "slo-" + i,
                "",
                "service.name = gateway and span.kind = server and http.route = /api/r"
                    + (i % ROUTES),
                "status != error and duration < " + (300 + 50 * (i / ROUTES)) + "ms",
                0.995,
                Duration.ofDays(28)));
      }
      AtomicLong alerts = new AtomicLong();
      SloEvaluator evaluator =
          new SloEvaluator(
              new SloConfig(list, List.of(), "http://127.0.0.1:7070", 1),
              engine,
              Clock.systemUTC(),
              a -> alerts.incrementAndGet());

      long cpu0 = os.getProcessCpuTime();
      long w0 = System.nanoTime();
      evaluator.tick();
      long firstCpu = os.getProcessCpuTime() - cpu0;
      long firstWall = System.nanoTime() - w0;
      long firstQuestions = questions.getAndSet(0);
      for (SloEvaluator.Status s : evaluator.statuses()) {
        if (s.error() != null) {
          throw new IllegalStateException(s.slo().name() + ": " + s.error());
        }
      }
      for (int i = 0; i < warmupTicks; i++) {
        evaluator.tick();
      }
      questions.set(0);
      long cpu1 = os.getProcessCpuTime();
      long w1 = System.nanoTime();
      for (int i = 0; i < ticks; i++) {
        evaluator.tick();
      }
      long cpu = os.getProcessCpuTime() - cpu1;
      long wall = System.nanoTime() - w1;
      double perTick = cpu / 1e9 / ticks;
      // The server ticks four times a minute (SloEvaluator.start).
      double coreShare = perTick * 4 / 60;
      double budget = evaluator.statuses().get(0).budgetRemaining();
      System.out.printf(
          Locale.ROOT,
          "RESULT slos=%d events=%d hours=%d events_per_day=%d duckdb_threads=%d first_tick_s=%.2f"
              + " first_tick_cpu_s=%.2f first_tick_questions=%d ticks=%d questions_per_tick=%d"
              + " cpu_ms_per_tick=%.1f wall_ms_per_tick=%.1f core_share_at_4_ticks_a_minute=%.4f"
              + " alerts=%d budget_remaining_slo0=%.3f%n",
          slos,
          events,
          hours,
          eventsPerDay,
          threads,
          firstWall / 1e9,
          firstCpu / 1e9,
          firstQuestions,
          ticks,
          questions.get() / ticks,
          perTick * 1e3,
          wall / 1e6 / ticks,
          coreShare,
          alerts.get(),
          budget);
      evaluator.close();
    }
    return 0;
  }

  /** Spans at an even rate from {@code from} to {@code to}; a third are gateway server spans. */
  private static void fill(DuckDbEventStore store, long from, long to, long events)
      throws StoreException {
    SplittableRandom random = new SplittableRandom(42);
    long step = Math.max(1, (to - from) / Math.max(1, events));
    List<Event> batch = new ArrayList<>(20_000);
    Resource[] resources = new Resource[SERVICES.length];
    for (int s = 0; s < SERVICES.length; s++) {
      resources[s] =
          new Resource(Attributes.of("service.name", SERVICES[s], "host.name", "host-" + s));
    }
    for (long i = 0; i < events; i++) {
      boolean gateway = random.nextInt(3) == 0;
      int service = gateway ? 0 : 1 + random.nextInt(SERVICES.length - 1);
      int route = random.nextInt(ROUTES);
      boolean error = random.nextInt(1000) < 3;
      long duration = (long) (Math.exp(random.nextGaussian() * 0.6 + Math.log(80)) * 1_000_000);
      batch.add(
          Event.span(new TraceId(7, i + 1), new SpanId(i + 1))
              .resource(resources[service])
              .name(gateway ? "GET /api/r" + route : "work")
              .spanKind(gateway ? SpanKind.SERVER : SpanKind.INTERNAL)
              .timeUnixNano(from + i * step)
              .durationNanos(duration)
              .status(error ? StatusCode.ERROR : StatusCode.UNSET)
              .attributes(
                  gateway
                      ? Attributes.of("http.route", "/api/r" + route, "http.request.method", "GET")
                      : Attributes.of("code.function", "step" + (i % 7)))
              .build());
      if (batch.size() == 20_000) {
        store.write(batch);
        batch = new ArrayList<>(20_000);
      }
    }
    if (!batch.isEmpty()) {
      store.write(batch);
    }
  }

  /** {@code engine}, counting the questions it is asked. */
  private static Engine counting(Engine engine, AtomicLong questions) {
    return new Engine() {
      @Override
      public Result run(Question q) throws StoreException {
        questions.incrementAndGet();
        return engine.run(q);
      }

      @Override
      public List<TraceSummary> traces(TraceQuery q) throws StoreException {
        return engine.traces(q);
      }

      @Override
      public Comparison compare(CompareQuery q) throws StoreException {
        return engine.compare(q);
      }

      @Override
      public ColumnInfo.Columns columns(TimeRange range) throws StoreException {
        return engine.columns(range);
      }

      @Override
      public List<HopQuery.Hop> hops(HopQuery q) throws StoreException {
        return engine.hops(q);
      }

      @Override
      public Catalog catalog() throws StoreException {
        return engine.catalog();
      }
    };
  }
}
