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
import io.sextant.pipeline.LogSink;
import io.sextant.pipeline.RetentionJob;
import io.sextant.pipeline.StoreSink;
import io.sextant.pipeline.StoreTap;
import io.sextant.query.Engine;
import io.sextant.query.Engines;
import io.sextant.server.api.ApiService;
import io.sextant.server.api.ArchiveRouting;
import io.sextant.server.api.JaegerApi;
import io.sextant.server.api.MapApi;
import io.sextant.server.api.QueryApi;
import io.sextant.server.api.RateMeter;
import io.sextant.server.api.Tenancy;
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
import io.sextant.server.slo.SloApi;
import io.sextant.server.slo.SloConfig;
import io.sextant.server.slo.SloCounter;
import io.sextant.server.slo.SloEvaluator;
import io.sextant.server.ui.UiService;
import io.sextant.store.duckdb.DuckDbEventStore;
import io.sextant.store.duckdb.ParquetArchiveStore;
import io.sextant.store.spi.EventStore;
import io.sextant.topology.ChangeLog;
import io.sextant.topology.LiveMap;
import io.sextant.topology.MapBuilder;
import io.sextant.topology.declared.DeclaredModel;
import io.sextant.topology.health.HealthPoller;
import io.sextant.triage.DurableBook;
import io.sextant.triage.Triage;
import io.sextant.triage.probe.ProbeSuite;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
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

  /** A route added to the API port by an embedding program (the demo adds its fault API). */
  public record ApiRoute(String pathPattern, HttpService service) {}

  /** A server of {@code config}: by default the embedded one, over its DuckDB store. */
  public static Builder builder(ServerConfig config) {
    return new Builder(config);
  }

  /** What a server is made of beyond its {@link ServerConfig}: what programs embedding it add. */
  public static final class Builder {
    private final ServerConfig config;
    private Supplier<EventStore> openStore;
    private UnaryOperator<EventStore> decorate = UnaryOperator.identity();
    private final List<ApiRoute> routes = new ArrayList<>();
    private boolean selfTrace;
    private boolean ingest = true;

    private Builder(ServerConfig config) {
      this.config = config;
      this.openStore = () -> DuckDbEventStore.open(config.store());
    }

    /**
     * The store {@code open} opens (after the config is validated) instead of the DuckDB store of
     * the config: {@code sextant serve --store clickhouse}.
     */
    public Builder store(Supplier<EventStore> open) {
      this.openStore = open;
      return this;
    }

    /** The store wrapped by {@code decorate}, so tests can slow a real store down. */
    public Builder decorateStore(UnaryOperator<EventStore> decorate) {
      this.decorate = decorate;
      return this;
    }

    /** {@code routes} served on the API port next to the read API. */
    public Builder routes(List<ApiRoute> routes) {
      this.routes.addAll(routes);
      return this;
    }

    /**
     * The API's requests traced and the spans sent to this server's own OTLP/HTTP port as service
     * {@code sextant}.
     */
    public Builder selfTrace(boolean on) {
      this.selfTrace = on;
      return this;
    }

    /**
     * A query node of the scale-out roles (docs/scale-out.md): the API and the web UI, probes,
     * triage and SLOs over the shared store, and no ingest ports (collectors take the telemetry,
     * writers store it).
     */
    public Builder queryNode() {
      this.ingest = false;
      return this;
    }

    /**
     * The server, its store open and its ports not yet bound ({@link #start()}).
     *
     * @throws IllegalArgumentException when the config, the probes or the SLOs are not valid
     */
    public SextantServer build() {
      return new SextantServer(this);
    }
  }

  private SextantServer(Builder b) {
    ServerConfig config = b.config;
    boolean selfTrace = b.selfTrace;
    boolean ingest = b.ingest;
    this.ingest = ingest;
    this.config = config.validate();
    this.sloConfig = loadSlos(config);
    if (config.probes() != null) {
      try {
        ProbeSuite.load(config.probes(), Map.of()); // a bad file is refused before anything opens
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read the probes " + config.probes() + ": " + e.getMessage(), e);
      }
    }
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
    EventStore opened = b.openStore.get();
    this.store = new WriteHealthStore(metrics.timed(b.decorate.apply(opened)), clock);
    // SLOs are counted as events are stored only where this process is the store's one writer
    // (docs/adr/0017): a shared ClickHouse is written by other processes too.
    SloCounter sloCounter =
        ingest && opened instanceof DuckDbEventStore
            ? new SloCounter(security.operationsTenant(), clock)
            : null;
    this.writer = Storage.sink(config, store, sloCounter == null ? StoreTap.NONE : sloCounter);
    writerRef[0] = writer;
    this.retention =
        new RetentionJob(
            Storage.retention(config, opened, store, archived), config.retention(), clock);
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
        writer instanceof LogSink log ? new FreshReads(store, () -> Storage.catchUp(log)) : store;
    this.archive = Storage.openArchive(config);
    Tenancy tenancy =
        new Tenancy(
            reads,
            (tenant, view) -> {
              Engine hot = Engines.of(view);
              return new TimedEngine(
                  archive == null
                      ? hot
                      : new ArchiveRouting(
                          hot, Engines.of(archive.forTenant(tenant)), config.retention(), clock),
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
    this.triage =
        new TriageHost(operationsStore, engine, this::storeProbeEvents, health, changes, clock);
    triage.api().bind(sb, config.apiPort());
    api.service("/metrics", metrics.service());
    this.slos = new SloHost(engine, triage.api(), metrics, clock, sloCounter);
    SloApi sloApi = slos.api(blocking);
    api.service("/api/v1/slos", sloApi.list());
    api.service("/api/v1/slos/{name}", sloApi.one());
    for (ApiRoute r : b.routes) {
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
  private final TriageHost triage;
  private final SloHost slos;
  private final SloConfig sloConfig;

  /**
   * Starts triage over {@code suite}: its probes run on their schedules (their results stored as
   * events here) and {@code /api/v1/triage} answers. What it learned before (footprints, flake
   * history) is rebuilt from the store ({@link DurableBook}). Replaces a triage started before.
   */
  public Triage startTriage(ProbeSuite suite) {
    return triage.start(suite);
  }

  /**
   * Starts triage over the probes of {@code file} ({@link ProbeSuite#load}), and reloads them when
   * the file changes (looked at every {@link ProbeFileWatch#EVERY}) or on {@link #reloadProbes}.
   */
  public Triage startTriage(Path file, Map<String, String> variables) throws IOException {
    return triage.start(file, variables);
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
  public Reload reloadProbes() throws IOException {
    return triage.reload();
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

  /** The running triage, or null. */
  public Triage triage() {
    return triage.triage();
  }

  /**
   * Starts evaluating {@code config}'s SLOs (docs/slo.md): alerts go to its webhooks, each firing
   * one with the first suspects of a triage run at once. Replaces SLOs started before.
   */
  public SloEvaluator startSlos(SloConfig config) {
    return startSlos(config, null);
  }

  /**
   * As {@link #startSlos(SloConfig)}, and SLOs edited through the API are written back to {@code
   * file} (the {@code --slos} file it was read from); without one they are kept in memory.
   */
  public SloEvaluator startSlos(SloConfig config, Path file) {
    return slos.start(config, file);
  }

  private static SloConfig loadSlos(ServerConfig config) {
    if (config.slos() == null) {
      return null;
    }
    try {
      SloConfig c = SloConfig.load(config.slos());
      return config.sloTimeScale() == 1 ? c : c.withTimeScale(config.sloTimeScale());
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the SLOs " + config.slos() + ": " + e.getMessage(), e);
    }
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
    if (config.probes() != null) {
      try {
        triage.start(config.probes(), Map.of()); // and reloads it when the file changes
      } catch (IOException e) {
        throw new IllegalStateException(
            "cannot read the probes " + config.probes() + ": " + e.getMessage(), e);
      }
    }
    if (sloConfig != null) {
      slos.start(sloConfig, config.slos());
    }
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
   * With {@code --archive} over a shared store: {@code upToNow} says whether the archivers have
   * written everything the topic holds now; retention deletes only when it does.
   */
  public SextantServer archivedUpToNow(BooleanSupplier upToNow) {
    archived.set(upToNow);
    return this;
  }

  private final AtomicReference<BooleanSupplier> archived = new AtomicReference<>();

  /** Stops listening, writes what was accepted, then closes the store. */
  @Override
  public void close() {
    if (selfTracing != null) {
      selfTracing.close(); // its last spans go in while ingest still listens
    }
    server.stop().join();
    keys.close();
    health.close();
    slos.close();
    triage.close();
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
