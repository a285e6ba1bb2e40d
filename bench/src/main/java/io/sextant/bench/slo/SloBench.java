package io.sextant.bench.slo;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.StatusCode;
import io.sextant.model.Tenant;
import io.sextant.model.TraceId;
import io.sextant.pipeline.BatchingWriter;
import io.sextant.pipeline.StoreTap;
import io.sextant.query.Engine;
import io.sextant.query.Engines;
import io.sextant.query.testkit.CountingEngine;
import io.sextant.server.slo.Slo;
import io.sextant.server.slo.SloConfig;
import io.sextant.server.slo.SloCounter;
import io.sextant.server.slo.SloEvaluator;
import io.sextant.store.duckdb.DuckDbConfig;
import io.sextant.store.duckdb.DuckDbEventStore;
import io.sextant.store.testkit.ManualClock;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The CPU the SLO evaluation takes at steady state (issue 16: 100 SLOs over 28 days at 10M events a
 * day, at most 1 % of a core), counted by questions to the store or as events are stored. Fills a
 * fresh DuckDB store with spans at the given daily rate for the last {@code --hours}, in time order
 * as ingest writes them. Then, on a simulated clock, it runs one phase per mode, each minute fed
 * with that minute's events through the server's group commit ({@link BatchingWriter}) in requests,
 * and ticked four times, as the server ticks:
 *
 * <ul>
 *   <li>{@code store}: the events stored, no SLOs: what the next phase is measured against;
 *   <li>{@code questions}: {@link SloEvaluator} over the store's SQL engine, recounting the last 3
 *       minutes of every SLO at each tick (as a query node does);
 *   <li>{@code ingest}: the same evaluator with the server's {@link SloCounter} as the group
 *       commit's tap: the events counted as they are stored, the ticks asking nothing.
 * </ul>
 *
 * The first tick of an SLO phase counts every window by questions (the start) and is reported
 * apart. A phase's figure is the process CPU per simulated minute over its measured minutes, as a
 * share of one core, beside the store-only phase's just before it, and the CPU by thread; the
 * ingest phase also reports its tap's and its ticks' own thread CPU. With {@code --check}, the
 * ingest evaluator's counts are compared with a fresh count of every window by questions at the
 * end.
 *
 * <p>{@code java -cp bench/target/sextant-bench.jar io.sextant.bench.slo.SloBench --help}
 */
@Command(
    name = "slo-bench",
    mixinStandardHelpOptions = true,
    description = "Measure the SLO evaluation's CPU over a DuckDB store at a given event rate.")
public final class SloBench implements Callable<Integer> {
  @Option(names = "--dir", required = true, description = "A fresh folder for the database.")
  Path dir;

  @Option(names = "--events-per-day", defaultValue = "10000000", description = "Event rate.")
  long eventsPerDay;

  @Option(names = "--hours", defaultValue = "3", description = "Hours of data before the start.")
  int hours;

  @Option(names = "--slos", defaultValue = "100", description = "SLOs evaluated.")
  int slos;

  @Option(
      names = "--mode",
      defaultValue = "both",
      description = "questions, ingest, or both (each after the store-only phase).")
  String mode;

  @Option(names = "--minutes", defaultValue = "10", description = "Measured minutes a phase.")
  int minutes;

  @Option(
      names = "--warmup-minutes",
      defaultValue = "4",
      description =
          "Minutes a phase runs before measuring, after its first tick: the ingest phase asks the"
              + " last 3 minutes before its start again for its first 3 minutes.")
  int warmupMinutes;

  @Option(names = "--request-events", defaultValue = "100", description = "Events a request.")
  int requestEvents;

  @Option(
      names = "--check",
      defaultValue = "true",
      negatable = true,
      description = "Compare the ingest counts with a count of every window by questions.")
  boolean check;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "DuckDB worker threads; 0: one per core, as the server runs it.")
  int threads;

  static final long MINUTE = 60_000_000_000L;
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

  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final ThreadMXBean threadCpu = ManagementFactory.getThreadMXBean();
  private final SplittableRandom random = new SplittableRandom(42);
  private final Resource[] resources = new Resource[SERVICES.length];
  private long eventId;
  private final ManualClock clock = new ManualClock(0);

  public static void main(String[] args) {
    System.exit(new CommandLine(new SloBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (!List.of("questions", "ingest", "both").contains(mode)) {
      throw new IllegalArgumentException("--mode is questions, ingest or both, not " + mode);
    }
    if (Files.exists(dir.resolve(DuckDbConfig.FILE_NAME))) {
      throw new IllegalArgumentException(dir + " already holds a database; give a fresh folder");
    }
    for (int s = 0; s < SERVICES.length; s++) {
      resources[s] =
          new Resource(Attributes.of("service.name", SERVICES[s], "host.name", "host-" + s));
    }
    // A whole minute, so that every phase's minutes line up with the ring's.
    clock.set(Math.floorDiv(System.currentTimeMillis() * 1_000_000L, MINUTE) * MINUTE);
    long events = eventsPerDay * hours / 24;
    try (DuckDbEventStore store =
        DuckDbEventStore.open(
            new DuckDbConfig(dir, DuckDbConfig.defaults(dir).memoryLimit(), threads))) {
      long t0 = System.nanoTime();
      List<Event> batch = new ArrayList<>(20_000);
      long from = clock.nanos() - Duration.ofHours(hours).toNanos();
      long step = Math.max(1, (clock.nanos() - from) / Math.max(1, events));
      for (long i = 0; i < events; i++) {
        batch.add(event(from + i * step));
        if (batch.size() == 20_000) {
          store.write(batch);
          batch.clear();
        }
      }
      store.write(batch);
      System.err.printf(
          Locale.ROOT,
          "slo-bench: wrote %d events (%d h at %d a day) in %.1f s%n",
          events,
          hours,
          eventsPerDay,
          (System.nanoTime() - t0) / 1e9);
      Engine engine = Engines.of(store.forTenant(Tenant.DEFAULT));
      // On a thread named apart from DuckDB's workers ("java"), for the CPU by thread.
      Exception[] failed = new Exception[1];
      Thread phases =
          Thread.ofPlatform()
              .name("bench-main")
              .start(
                  () -> {
                    try {
                      // Each SLO phase against storing alone just before it: the store grows.
                      if (!mode.equals("ingest")) {
                        phase("questions", store, engine, phase("store", store, engine, null));
                      }
                      if (!mode.equals("questions")) {
                        phase("ingest", store, engine, phase("store", store, engine, null));
                      }
                    } catch (Exception e) {
                      failed[0] = e;
                    }
                  });
      phases.join();
      if (failed[0] != null) {
        throw failed[0];
      }
    }
    return 0;
  }

  /** What a phase measured, per simulated minute. */
  record Phase(double cpuSecondsPerMinute) {}

  private Phase phase(String name, DuckDbEventStore store, Engine engine, Phase base)
      throws Exception {
    CountingEngine counting = new CountingEngine(engine);
    SloCounter counter = name.equals("ingest") ? new SloCounter(Tenant.DEFAULT, clock) : null;
    LongAdder tapCpu = new LongAdder();
    StoreTap tap = counter == null ? StoreTap.NONE : measured(counter, tapCpu);
    SloEvaluator evaluator =
        name.equals("store")
            ? null
            : new SloEvaluator(
                new SloConfig(slos(), List.of(), "http://127.0.0.1:7070", 1),
                counting,
                clock,
                a -> {},
                counter);
    String first = "";
    try (BatchingWriter writer =
        new BatchingWriter(store, BatchingWriter.Config.defaults(), tap).start()) {
      if (evaluator != null) {
        long cpu0 = os.getProcessCpuTime();
        long w0 = System.nanoTime();
        evaluator.tick();
        first =
            String.format(
                Locale.ROOT,
                " first_tick_s=%.2f first_tick_cpu_s=%.2f first_tick_questions=%d",
                (System.nanoTime() - w0) / 1e9,
                (os.getProcessCpuTime() - cpu0) / 1e9,
                counting.resetQuestions());
        for (SloEvaluator.Status s : evaluator.statuses()) {
          if (s.error() != null) {
            throw new IllegalStateException(s.slo().name() + ": " + s.error());
          }
        }
      }
      long[] tickCpu = new long[1];
      for (int m = 0; m < warmupMinutes; m++) {
        minute(writer, evaluator, tickCpu);
      }
      counting.resetQuestions();
      tapCpu.reset();
      tickCpu[0] = 0;
      Map<String, Long> threads0 = ThreadCpu.snapshot();
      long cpu0 = os.getProcessCpuTime();
      long w0 = System.nanoTime();
      for (int m = 0; m < minutes; m++) {
        minute(writer, evaluator, tickCpu);
      }
      double cpu = (os.getProcessCpuTime() - cpu0) / 1e9 / minutes;
      String byThread = ThreadCpu.top(threads0, ThreadCpu.snapshot(), 6);
      double wall = (System.nanoTime() - w0) / 1e9 / minutes;
      StringBuilder out =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "RESULT mode=%s slos=%d hours=%d events_per_day=%d events_per_minute=%d"
                      + " duckdb_threads=%d%s minutes=%d questions_per_tick=%.2f"
                      + " wall_s_per_minute=%.3f cpu_s_per_minute=%.4f core_share=%.5f",
                  name,
                  evaluator == null ? 0 : slos,
                  hours,
                  eventsPerDay,
                  eventsPerMinute(),
                  threads,
                  first,
                  minutes,
                  counting.questions() / (4.0 * minutes),
                  wall,
                  cpu,
                  cpu / 60));
      if (base != null) {
        double slo = cpu - base.cpuSecondsPerMinute();
        out.append(
            String.format(
                Locale.ROOT, " slo_cpu_s_per_minute=%.4f slo_core_share=%.5f", slo, slo / 60));
      }
      if (evaluator != null) {
        out.append(
            String.format(
                Locale.ROOT, " tick_thread_cpu_ms_per_minute=%.2f", tickCpu[0] / 1e6 / minutes));
      }
      if (counter != null) {
        out.append(
            String.format(
                Locale.ROOT,
                " tap_cpu_ms_per_minute=%.2f tap_and_ticks_core_share=%.5f",
                tapCpu.sum() / 1e6 / minutes,
                (tapCpu.sum() + tickCpu[0]) / 1e9 / minutes / 60));
      }
      System.out.println(out);
      System.out.println("  CPU by thread over the " + minutes + " minutes: " + byThread);
      if (check && counter != null) {
        check(evaluator, counting);
      }
      return new Phase(cpu);
    } finally {
      if (evaluator != null) {
        evaluator.close();
      }
    }
  }

  /**
   * One simulated minute: each quarter's events through the group commit, then a tick. One request
   * at a time, each waiting for its acknowledgement: at this rate requests come seconds apart and
   * each is a commit of its own, whatever the phase.
   */
  private void minute(BatchingWriter writer, SloEvaluator evaluator, long[] tickCpu)
      throws Exception {
    long perQuarter = eventsPerMinute() / 4;
    for (int q = 0; q < 4; q++) {
      long start = clock.nanos();
      long step = MINUTE / 4 / Math.max(1, perQuarter);
      List<Event> request = new ArrayList<>(requestEvents);
      for (long i = 0; i < perQuarter; i++) {
        request.add(event(start + i * step));
        if (request.size() == requestEvents || i == perQuarter - 1) {
          writer.submit(request).get(60, TimeUnit.SECONDS);
          request = new ArrayList<>(requestEvents);
        }
      }
      clock.set(start + MINUTE / 4);
      if (evaluator != null) {
        long t0 = threadCpu.getCurrentThreadCpuTime();
        evaluator.tick();
        tickCpu[0] += threadCpu.getCurrentThreadCpuTime() - t0;
      }
    }
  }

  /**
   * The ingest evaluator's counts against a fresh evaluator's, which counts every window by
   * questions at the same clock.
   */
  private void check(SloEvaluator ingest, Engine engine) {
    SloEvaluator asked =
        new SloEvaluator(
            new SloConfig(slos(), List.of(), "http://127.0.0.1:7070", 1), engine, clock, a -> {});
    ingest.tick();
    asked.tick();
    int differ = 0;
    for (Slo s : slos()) {
      int n = (int) s.window().toMinutes();
      SloEvaluator.Series a = ingest.series(s.name(), n);
      SloEvaluator.Series b = asked.series(s.name(), n);
      if (a.fromUnixNano() != b.fromUnixNano()
          || !Arrays.equals(a.valid(), b.valid())
          || !Arrays.equals(a.good(), b.good())) {
        differ++;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "CHECK ingest counts equal a count by questions: %d of %d SLOs differ%n",
        differ,
        slos);
    asked.close();
    if (differ > 0) {
      throw new IllegalStateException(differ + " SLOs' counts differ");
    }
  }

  private long eventsPerMinute() {
    return eventsPerDay / (24 * 60);
  }

  private List<Slo> slos() {
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
    return list;
  }

  /** A span at {@code time}; a third are gateway server spans over 20 routes. */
  private Event event(long time) {
    long i = ++eventId;
    boolean gateway = random.nextInt(3) == 0;
    int service = gateway ? 0 : 1 + random.nextInt(SERVICES.length - 1);
    int route = random.nextInt(ROUTES);
    boolean error = random.nextInt(1000) < 3;
    long duration = (long) (Math.exp(random.nextGaussian() * 0.6 + Math.log(80)) * 1_000_000);
    return Event.span(new TraceId(7, i), new SpanId(i))
        .resource(resources[service])
        .name(gateway ? "GET /api/r" + route : "work")
        .spanKind(gateway ? SpanKind.SERVER : SpanKind.INTERNAL)
        .timeUnixNano(time)
        .durationNanos(duration)
        .status(error ? StatusCode.ERROR : StatusCode.UNSET)
        .attributes(
            gateway
                ? Attributes.of("http.route", "/api/r" + route, "http.request.method", "GET")
                : Attributes.of("code.function", "step" + (i % 7)))
        .build();
  }

  /** {@code tap}, adding the thread CPU of its two halves to {@code cpu}. */
  private StoreTap measured(StoreTap tap, LongAdder cpu) {
    return events -> {
      long t0 = threadCpu.getCurrentThreadCpuTime();
      Runnable stored = tap.taken(events);
      cpu.add(threadCpu.getCurrentThreadCpuTime() - t0);
      return stored == null
          ? null
          : () -> {
            long t1 = threadCpu.getCurrentThreadCpuTime();
            stored.run();
            cpu.add(threadCpu.getCurrentThreadCpuTime() - t1);
          };
    };
  }
}
