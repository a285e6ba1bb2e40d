package io.sextant.server;

import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.common.util.BlockingTaskExecutor;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.VirtualHostBuilder;
import com.linecorp.armeria.server.encoding.EncodingService;
import io.sextant.ingest.redact.Redactor;
import io.sextant.model.Event;
import io.sextant.pipeline.BatchingWriter;
import io.sextant.pipeline.LogSink;
import io.sextant.pipeline.RetentionJob;
import io.sextant.pipeline.StoreSink;
import io.sextant.query.Engine;
import io.sextant.server.api.ApiService;
import io.sextant.server.api.ArchiveRouting;
import io.sextant.server.api.JaegerApi;
import io.sextant.server.api.MapApi;
import io.sextant.server.api.QueryApi;
import io.sextant.server.api.RateMeter;
import io.sextant.server.api.Tenancy;
import io.sextant.server.api.TriageApi;
import io.sextant.server.ingest.IngestAuth;
import io.sextant.server.ingest.IngestCounters;
import io.sextant.server.ingest.IngestGate;
import io.sextant.server.ingest.IngestListeners;
import io.sextant.server.metrics.SelfMetrics;
import io.sextant.server.metrics.TimedEngine;
import io.sextant.server.security.ApiGuard;
import io.sextant.server.security.ApiToken;
import io.sextant.server.security.Keyring;
import io.sextant.server.security.ProbeListingRedaction;
import io.sextant.server.security.Scope;
import io.sextant.server.security.SecurityConfig;
import io.sextant.server.slo.AlertNotifier;
import io.sextant.server.slo.SloApi;
import io.sextant.server.slo.SloConfig;
import io.sextant.server.slo.SloEvaluator;
import io.sextant.server.slo.SloFile;
import io.sextant.server.ui.UiService;
import io.sextant.store.duckdb.DuckDbEventStore;
import io.sextant.store.duckdb.ParquetArchiveStore;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.StoreException;
import io.sextant.topology.ChangeLog;
import io.sextant.topology.LiveMap;
import io.sextant.topology.MapBuilder;
import io.sextant.topology.declared.DeclaredModel;
import io.sextant.topology.health.HealthPoller;
import io.sextant.triage.DurableBook;
import io.sextant.triage.FootprintBook;
import io.sextant.triage.Triage;
import io.sextant.triage.probe.Probe;
import io.sextant.triage.probe.ProbeSuite;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: the store, the writer in front of it, retention, and the four listeners
 * (OTLP gRPC, OTLP HTTP, Zipkin, API). {@link #start()} returns once every port is bound.
 */
public final class SextantServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SextantServer.class);

  /** How long a dependency map is reused before it is built again (docs/adr/0009). */
  static final Duration MAP_CACHE = Duration.ofSeconds(5);

  /** How far before a window a value must have been seen not to count as a change. */
  static final Duration CHANGE_LOOKBACK = Duration.ofDays(1);

  private final ServerConfig config;
  private final boolean ingest;
  private final EventStore store;
  private final StoreSink writer;
  private final HealthPoller health;
  private volatile DeclaredModel declared = DeclaredModel.NONE;
  private final RetentionJob retention;
  private final RateMeter rates;
  private final Server server;
  private final SelfTracing selfTracing;
  private final Clock clock;

  /** A server over the DuckDB store of {@code config}. */
  public SextantServer(ServerConfig config) {
    this(config, UnaryOperator.identity());
  }

  /**
   * A server whose store is {@code decorate}d, so tests can slow a real store down; production
   * passes the identity.
   */
  public SextantServer(ServerConfig config, UnaryOperator<EventStore> decorate) {
    this(config, decorate, List.of());
  }

  /** A route added to the API port by an embedding program (the demo adds its fault API). */
  public record ApiRoute(String pathPattern, HttpService service) {}

  /** As above, with {@code extraRoutes} served on the API port next to the read API. */
  public SextantServer(
      ServerConfig config, UnaryOperator<EventStore> decorate, List<ApiRoute> extraRoutes) {
    this(config, decorate, extraRoutes, false);
  }

  /**
   * As above; with {@code selfTrace}, the API's requests are traced and the spans sent to this
   * server's own OTLP/HTTP port as service {@code sextant}.
   */
  public SextantServer(
      ServerConfig config,
      UnaryOperator<EventStore> decorate,
      List<ApiRoute> extraRoutes,
      boolean selfTrace) {
    this(config, () -> DuckDbEventStore.open(config.store()), decorate, extraRoutes, selfTrace);
  }

  /**
   * As above, over the store {@code openStore} opens (after the config is validated) instead of the
   * DuckDB store of {@code config}: {@code sextant serve --store clickhouse}.
   */
  public SextantServer(
      ServerConfig config,
      Supplier<EventStore> openStore,
      UnaryOperator<EventStore> decorate,
      List<ApiRoute> extraRoutes,
      boolean selfTrace) {
    this(config, openStore, decorate, extraRoutes, selfTrace, true);
  }

  /**
   * A query node of the scale-out roles (docs/scale-out.md): the API and the web UI, probes, triage
   * and SLOs over the shared store {@code openStore} opens, and no ingest ports (collectors take
   * the telemetry, writers store it).
   */
  public static SextantServer queryNode(ServerConfig config, Supplier<EventStore> openStore) {
    return new SextantServer(config, openStore, UnaryOperator.identity(), List.of(), false, false);
  }

  private SextantServer(
      ServerConfig config,
      Supplier<EventStore> openStore,
      UnaryOperator<EventStore> decorate,
      List<ApiRoute> extraRoutes,
      boolean selfTrace,
      boolean ingest) {
    this.ingest = ingest;
    this.config = config.validate();
    SecurityConfig security = config.security();
    Keyring keys = security.keyring();
    String selfToken = null;
    if (selfTrace && keys.enabled()) {
      // Its own spans go through its own OTLP port, so it needs an ingest token of its own.
      selfToken = ApiToken.newSecret();
      keys =
          keys.with(
              new ApiToken(
                  "sextant-self-trace",
                  Set.of(Scope.INGEST),
                  ApiToken.hash(selfToken),
                  security.operationsTenant()));
    }
    this.keys = keys;
    this.selfTracing = selfTrace ? new SelfTracing(config, selfToken) : null;
    this.redactor = security.redactor();
    this.clock = Clock.systemUTC();
    IngestCounters counters = new IngestCounters();
    StoreSink[] writerRef = new StoreSink[1];
    this.metrics = new SelfMetrics(counters, () -> writerRef[0].stats());
    EventStore opened = openStore.get();
    this.store = new WriteHealthStore(metrics.timed(decorate.apply(opened)), clock);
    this.writer = sink(config, store);
    writerRef[0] = writer;
    this.retention =
        new RetentionJob(retention(config, opened, store, archived), config.retention(), clock);
    this.rates = new RateMeter(counters);
    IngestGate gate = new IngestGate(writer, counters, redactor, security.tenantLimits());
    this.operationsTenant = security.operationsTenant();
    ServerBuilder sb = Server.builder();
    sb.port(new InetSocketAddress(config.bindAddress(), config.apiPort()), SessionProtocol.HTTP);
    sb.maxRequestLength(config.limits().maxBodyBytes())
        .requestTimeout(config.requestTimeout())
        .blockingTaskExecutor(4);
    if (ingest) {
      listeners(config).bind(sb, gate, new IngestAuth(keys), clock);
    }
    BlockingTaskExecutor blocking = BlockingTaskExecutor.builder().numThreads(4).build();
    // Every API answer is built over the request's tenant's view of the store.
    // Reads behind the segment log first let the loader catch up with what was acknowledged.
    EventStore reads =
        writer instanceof LogSink log ? new FreshReads(store, () -> catchUp(log)) : store;
    this.archive = openArchive(config);
    Tenancy tenancy =
        new Tenancy(
            reads,
            (tenant, view) -> {
              Engine hot = Engine.of(view);
              return new TimedEngine(
                  archive == null
                      ? hot
                      : new ArchiveRouting(
                          hot, Engine.of(archive.forTenant(tenant)), config.retention(), clock),
                  metrics);
            });
    Tenancy.Reads operations = tenancy.of(operationsTenant);
    VirtualHostBuilder api =
        ApiService.bind(
            sb,
            config.apiPort(),
            ctx ->
                tenancy
                    .of(ctx)
                    .part(
                        ApiService.class,
                        r ->
                            new ApiService(
                                r.store(),
                                r.tenant().equals(operationsTenant),
                                writer,
                                counters,
                                rates,
                                clock,
                                blocking)));
    QueryApi.bind(
        sb,
        config.apiPort(),
        ctx ->
            tenancy.of(ctx).part(QueryApi.class, r -> new QueryApi(r.engine(), clock, blocking)));
    JaegerApi.bind(
        sb,
        config.apiPort(),
        ctx ->
            tenancy
                .of(ctx)
                .part(JaegerApi.class, r -> new JaegerApi(r.engine(), r.store(), clock, blocking)));
    Engine engine = operations.engine();
    ChangeLog changes =
        operations.part(ChangeLog.class, r -> new ChangeLog(r.engine(), CHANGE_LOOKBACK));
    this.health =
        new HealthPoller(
            config.health().targets(),
            config.health().every(),
            config.health().timeout(),
            HttpClient.newBuilder().connectTimeout(config.health().timeout()).build(),
            clock,
            events -> writer.submit(redactor.apply(operational(events))));
    MapApi.bind(
        sb,
        config.apiPort(),
        ctx ->
            tenancy
                .of(ctx)
                .part(
                    MapApi.class,
                    r -> {
                      boolean ops = r.tenant().equals(operationsTenant);
                      return new MapApi(
                          new LiveMap(new MapBuilder(r.engine()), clock, MAP_CACHE),
                          r.part(ChangeLog.class, x -> new ChangeLog(x.engine(), CHANGE_LOOKBACK)),
                          ops ? health::latest : List::of,
                          ops ? () -> declared : () -> DeclaredModel.NONE,
                          r.engine(),
                          clock,
                          blocking);
                    }));
    this.operationsStore = operations.store();
    this.engine = engine;
    this.changes = changes;
    this.triageApi = new TriageApi(() -> triage, this::reloadProbes);
    triageApi.bind(sb, config.apiPort());
    api.service("/metrics", metrics.service());
    SloApi sloApi = new SloApi(() -> slos, () -> alerts, () -> slosFile, blocking);
    api.service("/api/v1/slos", sloApi.list());
    api.service("/api/v1/slos/{name}", sloApi.one());
    registerSloMetrics();
    for (ApiRoute r : extraRoutes) {
      api.service(r.pathPattern(), r.service());
    }
    UiService.bind(api); // the web UI at /, behind every API route
    // Answers of 1 KiB or more go compressed to clients that accept it (a 10,000-span trace is
    // megabytes of JSON).
    api.decorator(EncodingService.newDecorator());
    // Probe URLs may carry keys (?api_key=…): the listing shows them redacted.
    api.decorator(new ProbeListingRedaction(redactor));
    // Host allowlist, cross-site refusal, tokens and scopes: outside everything else.
    api.decorator(
        new ApiGuard(
            keys, config.bindAddress(), security.allowedHosts(), security.operationsTenant()));
    if (selfTracing != null) {
      sb.virtualHost(config.apiPort()).decorator(selfTracing.decorator());
    }
    this.server = sb.build();
  }

  private final Engine engine;
  // The Parquet archive, read for questions older than retention (null without --archive).
  private final ParquetArchiveStore archive;
  // The operations tenant (docs/security.md, "Tenants"): probes, triage, SLOs and health checks
  // read its view and write its events.
  private final String operationsTenant;
  private final EventStore operationsStore;
  private final Redactor redactor;
  private final SelfMetrics metrics;
  private final Keyring keys;

  /**
   * Where accepted events go: by default through the group commit straight into the store
   * (docs/adr/0005-durable-ingest.md); with {@code SEXTANT_INGEST_PATH=log}, and a store that keeps
   * a journal position (DuckDB), through the segment log: acknowledged once in the log, loaded in
   * row groups (docs/adr/0021-segment-log.md). The group commit is the default because it measured
   * faster on this machine's benchmark (bench/README.md).
   */
  private static StoreSink sink(ServerConfig config, EventStore store) {
    try {
      boolean viaLog = "log".equals(System.getenv("SEXTANT_INGEST_PATH"));
      if (viaLog && store.journalPosition() >= 0) {
        return new LogSink(
            config.store().directory().resolve("log"),
            store,
            new LogSink.Config(
                config.pipeline().maxQueuedEvents(),
                config.pipeline().maxBatchEvents(),
                LogSink.Config.defaults().flushMillis(),
                LogSink.Config.defaults().segmentBytes()));
      }
    } catch (StoreException e) {
      // A store that cannot answer now: the group commit reports its errors per request.
      log.warn("store has no journal position now ({}); writing through", e.getMessage());
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot open the segment log under " + config.store().directory() + ": " + e.getMessage(),
          e);
    }
    return new BatchingWriter(store, config.pipeline());
  }

  /** How long a read waits at most for the loader; past it, it reads what is loaded. */
  static final Duration CATCH_UP = Duration.ofSeconds(2);

  private static void catchUp(LogSink sink) throws StoreException {
    try {
      sink.awaitCaughtUp(CATCH_UP);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for the loader");
    }
  }

  /** The ingest listeners of {@code config}. */
  static IngestListeners listeners(ServerConfig config) {
    return new IngestListeners(
        config.bindAddress(),
        config.otlpGrpcPort(),
        config.otlpHttpPort(),
        config.zipkinPort(),
        config.limits(),
        config.security().corsOrigins());
  }

  private final ChangeLog changes;
  private final TriageApi triageApi;
  private volatile Triage triage;
  // What triage has learned, kept across reloads of the probe suite (docs/probes.md).
  private FootprintBook book;
  private Path probesFile;
  private Map<String, String> probeVariables = Map.of();
  private String probesDigest;
  private ProbeFileWatch probesWatch;

  /**
   * Starts triage over {@code suite}: its probes run on their schedules (their results stored as
   * events here) and {@code /api/v1/triage} answers. What it learned before (footprints, flake
   * history) is rebuilt from the store ({@link DurableBook}). Replaces a triage started before.
   */
  public synchronized Triage startTriage(ProbeSuite suite) {
    stopWatching();
    probesFile = null;
    return replace(suite, null);
  }

  /**
   * Starts triage over the probes of {@code file} ({@link ProbeSuite#load}), and reloads them when
   * the file changes (looked at every {@link ProbeFileWatch#EVERY}) or on {@link #reloadProbes}.
   */
  public synchronized Triage startTriage(Path file, Map<String, String> variables)
      throws IOException {
    byte[] text = Files.readAllBytes(file);
    ProbeSuite suite = parse(file, text, variables);
    stopWatching();
    Triage t = replace(suite, null);
    probesFile = file;
    probeVariables = Map.copyOf(variables);
    probesDigest = digest(text);
    probesWatch =
        new ProbeFileWatch(
                file,
                () -> {
                  try {
                    triageApi.exclusively(this::reloadProbes);
                    return true;
                  } catch (TriageApi.Refused e) {
                    return false; // a triage under way for 30 s: again at the next look
                  } catch (IllegalArgumentException | IllegalStateException e) {
                    throw e;
                  } catch (Exception e) {
                    throw new IllegalStateException(e.getMessage(), e);
                  }
                })
            .start();
    return t;
  }

  /** What a reload of the probes did. */
  public record Reload(
      List<String> probes, List<String> unchanged, List<String> changed, List<String> removed) {}

  /**
   * Reads the probes file again and, if it changed, swaps the suite: the probes whose name and
   * request are unchanged keep what they learned, the others start learning again. A file that does
   * not load leaves the running suite as it is.
   *
   * @throws IllegalArgumentException with the loader's sentence when the file is not a valid suite
   * @throws IllegalStateException when the probes were not read from a file
   */
  public synchronized Reload reloadProbes() throws IOException {
    if (probesFile == null) {
      throw new IllegalStateException(
          triage == null
              ? "no probes are configured: start the server with --probes probes.yaml"
              : "the probes were given by the program that embeds Sextant, not read from a file:"
                  + " there is nothing to reload");
    }
    byte[] text;
    try {
      text = Files.readAllBytes(probesFile);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read " + probesFile + ": " + e.getClass().getSimpleName(), e);
    }
    ProbeSuite next = parse(probesFile, text, probeVariables);
    ProbeSuite now = triage.suite();
    List<String> unchanged = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    for (Probe p : next.probes()) {
      Probe before = now.get(p.name());
      (before != null && before.requestKey().equals(p.requestKey()) ? unchanged : changed)
          .add(p.name());
    }
    for (Probe p : now.probes()) {
      if (next.get(p.name()) == null) {
        removed.add(p.name());
      }
    }
    String digest = digest(text);
    if (!digest.equals(probesDigest)) {
      List<String> forget = new ArrayList<>(changed);
      forget.addAll(removed);
      replace(next, forget);
      probesDigest = digest;
      log.info(
          "probes reloaded from {}: {} probes, {} unchanged, {} new or changed, {} removed",
          probesFile,
          next.probes().size(),
          unchanged.size(),
          changed.size(),
          removed.size());
    }
    return new Reload(
        next.probes().stream().map(Probe::name).toList(), unchanged, changed, removed);
  }

  private static ProbeSuite parse(Path file, byte[] text, Map<String, String> variables)
      throws IOException {
    return ProbeSuite.parse(new ByteArrayInputStream(text), file.toString(), variables);
  }

  private static String digest(byte[] text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A triage of {@code suite}, replacing the running one: with a book rebuilt from the store when
   * {@code forget} is null, else with the running one's, less what it learned of {@code forget}.
   */
  private Triage replace(ProbeSuite suite, List<String> forget) {
    if (triage != null) {
      triage.close();
    }
    if (forget == null || book == null) {
      book = DurableBook.open(suite, operationsStore, engine, this::storeProbeEvents, clock).book();
    } else {
      book.forget(forget);
    }
    triage =
        new Triage(
                suite,
                book,
                operationsStore,
                engine,
                this::storeProbeEvents,
                health::pollAll,
                changes,
                clock,
                Triage.Options.DEFAULTS)
            .start();
    log.info("triage started with {} probes", suite.probes().size());
    return triage;
  }

  private void storeProbeEvents(List<Event> events) {
    metrics.probeEvents(events);
    try {
      writer.submit(redactor.apply(operational(events)));
    } catch (Exception e) {
      log.warn("probe results not stored: {}", e.getMessage());
    }
  }

  /** {@code events}, Sextant's own (probe results, health polls), as the operations tenant's. */
  private List<Event> operational(List<Event> events) {
    List<Event> out = new ArrayList<>(events.size());
    for (Event e : events) {
      out.add(e.withTenant(operationsTenant));
    }
    return out;
  }

  private void stopWatching() {
    if (probesWatch != null) {
      probesWatch.close();
      probesWatch = null;
    }
  }

  /** The running triage, or null. */
  public Triage triage() {
    return triage;
  }

  private volatile SloEvaluator slos;
  private volatile AlertNotifier alerts;
  private volatile SloFile slosFile;

  /**
   * Starts evaluating {@code config}'s SLOs (docs/slo.md): alerts go to its webhooks, each firing
   * one with the first suspects of a triage run at once. Replaces SLOs started before.
   */
  public synchronized SloEvaluator startSlos(SloConfig config) {
    return startSlos(config, null);
  }

  /**
   * As {@link #startSlos(SloConfig)}, and SLOs edited through the API are written back to {@code
   * file} (the {@code --slos} file it was read from); without one they are kept in memory.
   */
  public synchronized SloEvaluator startSlos(SloConfig config, Path file) {
    stopSlos();
    slosFile = file == null ? null : new SloFile(file);
    alerts =
        // One triage at a time with the API's (a user may press "Run triage" during an alert).
        new AlertNotifier(config, () -> triageApi.triageNow(2, true), clock);
    slos = new SloEvaluator(config, engine, clock, alerts).start();
    log.info("{} SLOs evaluated, a minute being {}", config.slos().size(), slos.minute());
    return slos;
  }

  private synchronized void stopSlos() {
    if (slos != null) {
      slos.close();
      slos = null;
    }
    if (alerts != null) {
      alerts.close();
      alerts = null;
    }
  }

  private void registerSloMetrics() {
    metrics.gauge(
        "sextant_slo_burn_rate",
        "How many times faster than sustainable each SLO burns its error budget, per window.",
        new String[] {"slo", "window"},
        cb -> {
          SloEvaluator e = slos;
          if (e != null) {
            for (SloEvaluator.Status s : e.statuses()) {
              for (int i = 0; i < SloEvaluator.WINDOW_NAMES.length; i++) {
                cb.call(s.burnRates()[i], s.slo().name(), SloEvaluator.WINDOW_NAMES[i]);
              }
            }
          }
        });
    metrics.gauge(
        "sextant_slo_error_budget_remaining",
        "The fraction of each SLO's error budget left over its window.",
        new String[] {"slo"},
        cb -> {
          SloEvaluator e = slos;
          if (e != null) {
            for (SloEvaluator.Status s : e.statuses()) {
              cb.call(s.budgetRemaining(), s.slo().name());
            }
          }
        });
    metrics.gauge(
        "sextant_slo_alert_firing",
        "1 while an SLO's alert fires.",
        new String[] {"slo", "severity"},
        cb -> {
          SloEvaluator e = slos;
          if (e != null) {
            for (SloEvaluator.Status s : e.statuses()) {
              cb.call(s.paging() ? 1 : 0, s.slo().name(), "page");
              cb.call(s.ticketing() ? 1 : 0, s.slo().name(), "ticket");
            }
          }
        });
  }

  /** Sextant's own metrics, served at {@code /metrics}. */
  public SelfMetrics metrics() {
    return metrics;
  }

  /** The health poller, to which components started later can add their endpoints. */
  public HealthPoller health() {
    return health;
  }

  public SextantServer start() {
    if (config.declared() != null) {
      try {
        declared = DeclaredModel.load(config.declared());
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalStateException(
            "cannot read the declared dependencies " + config.declared() + ": " + e.getMessage(),
            e);
      }
    }
    keys.start();
    if (keys.enabled() && keys.get().all().isEmpty()) {
      log.warn(
          "the keys file {} holds no keys: every request that needs one is refused until one is"
              + " added (sextant keys create)",
          config.security().keysFile());
    }
    writer.start();
    retention.start(config.retentionCheckEvery());
    health.start();
    rates.start(5);
    server.start().join();
    if (ingest) {
      log.info(
          "sextant listening otlp_grpc={}:{} otlp_http={}:{} zipkin={}:{} api={}:{} store={}",
          config.bindAddress(),
          config.otlpGrpcPort(),
          config.bindAddress(),
          config.otlpHttpPort(),
          config.bindAddress(),
          config.zipkinPort(),
          config.bindAddress(),
          config.apiPort(),
          store.getClass().getSimpleName());
    } else {
      log.info(
          "sextant query node listening api={}:{} store={}",
          config.bindAddress(),
          config.apiPort(),
          store.getClass().getSimpleName());
    }
    return this;
  }

  public EventStore store() {
    return store;
  }

  /**
   * Waits until every event accepted so far is in the store (the segment log's loader has caught
   * up), at most {@code timeout}; returns whether it is. Reads see acknowledged events within the
   * loader's flush interval anyway (docs/adr/0021-segment-log.md); this is for callers that must
   * read what they just sent, such as tests.
   */
  public boolean awaitLoaded(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (writer.stats().queuedEvents() > 0) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }

  public ServerConfig config() {
    return config;
  }

  /**
   * What retention does with old events: deletes them; with the archive on, the embedded store
   * moves them into it first, and a shared store (ClickHouse) is deleted from only once the
   * archivers have written everything the topic held ({@link #archivedUpToNow}); without that
   * knowledge it holds its deletes (docs/adr/0020-parquet-archive.md).
   */
  private static RetentionJob.Deletion retention(
      ServerConfig config,
      EventStore opened,
      EventStore store,
      AtomicReference<BooleanSupplier> archived) {
    if (config.archive() == null) {
      return store::deleteBefore;
    }
    if (opened instanceof DuckDbEventStore duck) {
      return cutoff -> duck.archiveBefore(cutoff, config.archive());
    }
    return cutoff -> {
      BooleanSupplier upToNow = archived.get();
      if (upToNow == null) {
        log.warn(
            "retention holds its deletes: with --archive over a shared store it needs --kafka to"
                + " tell which events the archivers have written");
        return 0;
      }
      if (!upToNow.getAsBoolean()) {
        log.warn("retention waits: the archivers have not yet written everything on the topic");
        return 0;
      }
      return store.deleteBefore(cutoff);
    };
  }

  /**
   * With {@code --archive} over a shared store: {@code upToNow} says whether the archivers have
   * written everything the topic holds now; retention deletes only when it does.
   */
  public SextantServer archivedUpToNow(BooleanSupplier upToNow) {
    archived.set(upToNow);
    return this;
  }

  private final AtomicReference<BooleanSupplier> archived = new AtomicReference<>();

  private static ParquetArchiveStore openArchive(ServerConfig config) {
    if (config.archive() == null) {
      return null;
    }
    try {
      return ParquetArchiveStore.open(config.archive());
    } catch (StoreException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Stops listening, writes what was accepted, then closes the store. */
  @Override
  public void close() {
    if (selfTracing != null) {
      selfTracing.close(); // its last spans go in while ingest still listens
    }
    server.stop().join();
    keys.close();
    health.close();
    synchronized (this) {
      stopWatching();
    }
    stopSlos();
    if (triage != null) {
      triage.close();
    }
    writer.close();
    retention.close();
    rates.close();
    store.close();
    if (archive != null) {
      archive.close();
    }
    log.info("sextant stopped");
  }
}
