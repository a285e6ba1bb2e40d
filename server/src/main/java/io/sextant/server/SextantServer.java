package io.sextant.server;

import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.common.util.BlockingTaskExecutor;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.VirtualHostBuilder;
import com.linecorp.armeria.server.encoding.EncodingService;
import com.linecorp.armeria.server.grpc.GrpcService;
import io.sextant.ingest.jsonl.JsonLinesDecoder;
import io.sextant.ingest.otlp.OtlpDecoder;
import io.sextant.ingest.zipkin.ZipkinDecoder;
import io.sextant.pipeline.BatchingWriter;
import io.sextant.pipeline.RetentionJob;
import io.sextant.query.Engine;
import io.sextant.server.api.ApiService;
import io.sextant.server.api.MapApi;
import io.sextant.server.api.QueryApi;
import io.sextant.server.api.RateMeter;
import io.sextant.server.api.TriageApi;
import io.sextant.server.ingest.IngestCounters;
import io.sextant.server.ingest.IngestCounters.Signal;
import io.sextant.server.ingest.IngestGate;
import io.sextant.server.ingest.JsonLinesService;
import io.sextant.server.ingest.OtlpGrpcServices;
import io.sextant.server.ingest.OtlpHttpService;
import io.sextant.server.ingest.ZipkinService;
import io.sextant.server.ui.UiService;
import io.sextant.store.duckdb.DuckDbEventStore;
import io.sextant.store.spi.EventStore;
import io.sextant.topology.ChangeLog;
import io.sextant.topology.LiveMap;
import io.sextant.topology.MapBuilder;
import io.sextant.topology.declared.DeclaredModel;
import io.sextant.topology.health.HealthPoller;
import io.sextant.triage.Triage;
import io.sextant.triage.probe.ProbeSuite;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.List;
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
  static final java.time.Duration MAP_CACHE = java.time.Duration.ofSeconds(5);

  /** How far before a window a value must have been seen not to count as a change. */
  static final java.time.Duration CHANGE_LOOKBACK = java.time.Duration.ofDays(1);

  private final ServerConfig config;
  private final EventStore store;
  private final BatchingWriter writer;
  private final HealthPoller health;
  private volatile DeclaredModel declared = DeclaredModel.NONE;
  private final RetentionJob retention;
  private final RateMeter rates;
  private final Server server;
  private final SelfTracing selfTracing;

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
    this.config = config.validate();
    this.selfTracing = selfTrace ? new SelfTracing(config) : null;
    Clock clock = Clock.systemUTC();
    this.store = decorate.apply(DuckDbEventStore.open(config.store()));
    this.writer = new BatchingWriter(store, config.pipeline());
    this.retention = new RetentionJob(store, config.retention(), clock);
    IngestCounters counters = new IngestCounters();
    this.rates = new RateMeter(counters);
    IngestGate gate = new IngestGate(writer, counters);
    OtlpDecoder otlp = new OtlpDecoder(config.limits(), clock);

    ServerBuilder sb = Server.builder();
    InetSocketAddress[] addresses = {
      new InetSocketAddress(config.bindAddress(), config.otlpGrpcPort()),
      new InetSocketAddress(config.bindAddress(), config.otlpHttpPort()),
      new InetSocketAddress(config.bindAddress(), config.zipkinPort()),
      new InetSocketAddress(config.bindAddress(), config.apiPort())
    };
    for (InetSocketAddress a : addresses) {
      sb.port(a, SessionProtocol.HTTP);
    }
    sb.maxRequestLength(config.limits().maxBodyBytes())
        .requestTimeout(config.requestTimeout())
        .blockingTaskExecutor(4);

    sb.virtualHost(config.otlpGrpcPort())
        .service(
            GrpcService.builder()
                .addService(OtlpGrpcServices.traces(otlp, gate))
                .addService(OtlpGrpcServices.logs(otlp, gate))
                .addService(OtlpGrpcServices.metrics(otlp, gate))
                .maxRequestMessageLength(config.limits().maxBodyBytes())
                .build());
    sb.virtualHost(config.otlpHttpPort())
        .service("/v1/traces", new OtlpHttpService(Signal.TRACES, otlp, gate, config.limits()))
        .service("/v1/logs", new OtlpHttpService(Signal.LOGS, otlp, gate, config.limits()))
        .service("/v1/metrics", new OtlpHttpService(Signal.METRICS, otlp, gate, config.limits()));
    // JSON lines: its own path, and /v1/logs when the body says it is newline-delimited JSON.
    JsonLinesService jsonLines =
        new JsonLinesService(new JsonLinesDecoder(config.limits(), clock), gate, config.limits());
    sb.virtualHost(config.otlpHttpPort())
        .service("/v1/logs/jsonl", jsonLines)
        .route()
        .path("/v1/logs")
        .consumes(MediaType.parse("application/x-ndjson"))
        .build(jsonLines);
    sb.virtualHost(config.zipkinPort())
        .service(
            "/api/v2/spans",
            new ZipkinService(new ZipkinDecoder(config.limits()), gate, config.limits()));
    BlockingTaskExecutor blocking = BlockingTaskExecutor.builder().numThreads(4).build();
    VirtualHostBuilder api =
        new ApiService(store, writer, counters, rates, clock, blocking).bind(sb, config.apiPort());
    Engine engine = Engine.of(store);
    new QueryApi(engine, clock, blocking).bind(sb, config.apiPort());
    LiveMap map = new LiveMap(new MapBuilder(engine), clock, MAP_CACHE);
    ChangeLog changes = new ChangeLog(engine, CHANGE_LOOKBACK);
    this.health =
        new HealthPoller(
            config.health().targets(),
            config.health().every(),
            config.health().timeout(),
            HttpClient.newBuilder().connectTimeout(config.health().timeout()).build(),
            clock,
            events -> writer.submit(events));
    new MapApi(map, changes, health, () -> declared, engine, clock, blocking)
        .bind(sb, config.apiPort());
    this.engine = engine;
    this.changes = changes;
    new TriageApi(() -> triage).bind(sb, config.apiPort());
    for (ApiRoute r : extraRoutes) {
      api.service(r.pathPattern(), r.service());
    }
    UiService.bind(api); // the web UI at /, behind every API route
    // Answers of 1 KiB or more go compressed to clients that accept it (a 10,000-span trace is
    // megabytes of JSON).
    api.decorator(EncodingService.newDecorator());
    if (selfTracing != null) {
      sb.virtualHost(config.apiPort()).decorator(selfTracing.decorator());
    }
    this.server = sb.build();
  }

  private final Engine engine;
  private final ChangeLog changes;
  private volatile Triage triage;

  /**
   * Starts triage over {@code suite}: its probes run on their schedules (their results stored as
   * events here) and {@code /api/v1/triage} answers. Replaces a triage started before.
   */
  public synchronized Triage startTriage(ProbeSuite suite) {
    if (triage != null) {
      triage.close();
    }
    triage =
        new Triage(
                suite,
                store,
                engine,
                events -> {
                  try {
                    writer.submit(events);
                  } catch (Exception e) {
                    log.warn("probe results not stored: {}", e.getMessage());
                  }
                },
                health::pollAll,
                changes,
                Clock.systemUTC(),
                Triage.Options.DEFAULTS)
            .start();
    log.info("triage started with {} probes", suite.probes().size());
    return triage;
  }

  /** The running triage, or null. */
  public Triage triage() {
    return triage;
  }

  /** The health poller, to which components started later can add their endpoints. */
  public HealthPoller health() {
    return health;
  }

  public SextantServer start() {
    if (config.declared() != null) {
      try {
        declared = DeclaredModel.load(config.declared());
      } catch (java.io.IOException | IllegalArgumentException e) {
        throw new IllegalStateException(
            "cannot read the declared dependencies " + config.declared() + ": " + e.getMessage(),
            e);
      }
    }
    writer.start();
    retention.start(config.retentionCheckEvery());
    health.start();
    rates.start(5);
    server.start().join();
    log.info(
        "sextant listening otlp_grpc={}:{} otlp_http={}:{} zipkin={}:{} api={}:{} data={}",
        config.bindAddress(),
        config.otlpGrpcPort(),
        config.bindAddress(),
        config.otlpHttpPort(),
        config.bindAddress(),
        config.zipkinPort(),
        config.bindAddress(),
        config.apiPort(),
        config.store().directory().toAbsolutePath());
    return this;
  }

  public EventStore store() {
    return store;
  }

  public ServerConfig config() {
    return config;
  }

  /** Stops listening, writes what was accepted, then closes the store. */
  @Override
  public void close() {
    if (selfTracing != null) {
      selfTracing.close(); // its last spans go in while ingest still listens
    }
    server.stop().join();
    health.close();
    if (triage != null) {
      triage.close();
    }
    writer.close();
    retention.close();
    rates.close();
    store.close();
    log.info("sextant stopped");
  }
}
