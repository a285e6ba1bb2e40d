package io.sextant.demo;

import io.opentelemetry.api.OpenTelemetry;
import io.sextant.demo.cache.CacheClient;
import io.sextant.demo.cache.CacheServer;
import io.sextant.demo.db.DatabaseHealth;
import io.sextant.demo.db.DatabaseServer;
import io.sextant.demo.db.ServiceDatabase;
import io.sextant.demo.fault.FaultApi;
import io.sextant.demo.fault.FaultInjector;
import io.sextant.demo.net.FaultProxy;
import io.sextant.demo.net.Ports;
import io.sextant.demo.queue.Messaging;
import io.sextant.demo.service.ServiceNode;
import io.sextant.demo.telemetry.ServiceTelemetry;
import io.sextant.demo.traffic.TrafficGenerator;
import io.sextant.pipeline.local.LocalKafka;
import io.sextant.server.ServerConfig;
import io.sextant.server.SextantServer;
import io.sextant.server.slo.SloConfig;
import io.sextant.store.duckdb.DuckDbConfig;
import io.sextant.topology.health.HealthConfig;
import io.sextant.topology.health.HealthTarget;
import io.sextant.triage.probe.ProbeSuite;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of {@code sextant demo}: Sextant itself (in-process, embedded store), a
 * Kafka broker, the cache, one H2 server per database, the 18 services, the fault injector (whose
 * API joins Sextant's API port), and the traffic. {@link #start} returns when all of it answers.
 */
public final class Demo implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Demo.class);

  private final DemoConfig config;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final Map<String, ServiceNode> services = new LinkedHashMap<>();
  private final Map<String, DatabaseServer> databases = new LinkedHashMap<>();
  private final List<Messaging.Subscriber> subscribers = new ArrayList<>();
  private SextantServer sextant;
  private LocalKafka kafka;
  private CacheServer cacheServer;
  private FaultProxy cacheProxy;
  private FaultInjector faults;
  private DatabaseHealth databaseHealth;
  private TrafficGenerator traffic;
  private long readyMillis;

  private Demo(DemoConfig config) {
    this.config = config.validate();
  }

  public static Demo start(DemoConfig config) throws Exception {
    // Database spans carry both the older (db.name, db.system) and the stable (db.namespace,
    // db.system.name) attribute names.
    System.setProperty("otel.semconv-stability.opt-in", "database/dup");
    // Validate every pooled connection when it is borrowed: after a database fault the pool must
    // not hand out connections whose socket the fault cut (H2's error codes for that are not
    // among those HikariCP evicts on).
    System.setProperty("com.zaxxer.hikari.aliveBypassWindowMs", "0");
    Demo demo = new Demo(config);
    try {
      demo.boot();
      return demo;
    } catch (Exception | Error e) {
      demo.close();
      throw e;
    }
  }

  private void boot() throws Exception {
    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    List<Storefront.Spec> specs = Storefront.services();

    Path kafkaDir = config.dataDir().resolve("kafka-" + ProcessHandle.current().pid());
    int[] attempt = {0};
    CompletableFuture<LocalKafka> kafkaF =
        CompletableFuture.supplyAsync(
            () ->
                Ports.bindRetrying(
                    "kafka",
                    () -> {
                      int n = ++attempt[0];
                      return LocalKafka.start(
                          n == 1
                              ? kafkaDir
                              : kafkaDir.resolveSibling(kafkaDir.getFileName() + "-" + n),
                          List.of(Storefront.ORDERS_TOPIC, Storefront.COMMENTS_TOPIC));
                    }),
            pool);
    // Closed with the demo even when booting fails before it is joined: a broker left running
    // after its directory is removed halts (LocalKafka).
    closeables.add(
        () -> {
          if (!kafkaF.isCompletedExceptionally()) {
            kafkaF.join().close();
          }
        });
    Map<String, CompletableFuture<DatabaseServer>> dbF = new LinkedHashMap<>();
    for (Storefront.Spec s : specs) {
      if (s.database() != null) {
        dbF.put(
            s.database(),
            CompletableFuture.supplyAsync(() -> database(s.database(), s.schema()), pool));
      }
    }

    List<SextantServer.ApiRoute> extra = new ArrayList<>();
    Map<String, Object> info = new LinkedHashMap<>();
    extra.add(
        new SextantServer.ApiRoute(
            "/api/v1/demo/faults", (ctx, req) -> faultRoutes().get(0).service().serve(ctx, req)));
    extra.add(
        new SextantServer.ApiRoute(
            "/api/v1/demo/faults/{id}",
            (ctx, req) -> faultRoutes().get(1).service().serve(ctx, req)));
    extra.add(
        new SextantServer.ApiRoute(
            "/api/v1/demo", (ctx, req) -> faultRoutes().get(2).service().serve(ctx, req)));
    sextant = Ports.bindRetrying("sextant", () -> startSextant(extra));
    closeables.add(sextant);
    ServerConfig sc = sextant.config();
    String otlp = "http://127.0.0.1:" + sc.otlpHttpPort();

    cacheServer = new CacheServer();
    closeables.add(cacheServer);
    cacheProxy = new FaultProxy("cache", cacheServer.port()).start();
    closeables.add(cacheProxy);
    try (CacheClient warm =
        new CacheClient(cacheServer.port(), OpenTelemetry.noop().getTracer("warm-up"))) {
      for (Map.Entry<String, String> e : Catalog.cacheEntries().entrySet()) {
        warm.set(e.getKey(), e.getValue());
      }
    }

    for (Map.Entry<String, CompletableFuture<DatabaseServer>> e : dbF.entrySet()) {
      DatabaseServer d = e.getValue().join();
      databases.put(e.getKey(), d);
      closeables.add(d);
    }
    kafka = kafkaF.join();
    databaseHealth = DatabaseHealth.start(databases.values());
    closeables.add(databaseHealth);

    Map<String, String> hostOf = new LinkedHashMap<>();
    Map<String, String> badRoutes = new LinkedHashMap<>();
    Map<String, FaultInjector.Database> dbTargets = new LinkedHashMap<>();
    for (Storefront.Spec s : specs) {
      ServiceTelemetry t =
          new ServiceTelemetry(
              s.name(), s.version(), s.host(), config.environment(), otlp, config.exportDelay());
      ServiceDatabase db =
          s.database() == null
              ? null
              : new ServiceDatabase(databases.get(s.database()), t.openTelemetry(), 6);
      CacheClient cache = s.cache() ? new CacheClient(cacheProxy.port(), t.tracer()) : null;
      Messaging.Publisher pub =
          s.publishes() ? new Messaging.Publisher(kafka.bootstrap(), t) : null;
      ServiceNode node =
          new ServiceNode(t, s.routes(), db, cache, cacheProxy.port(), pub, kafka.port());
      services.put(s.name(), node);
      closeables.add(node);
      hostOf.put(s.name(), s.host());
      badRoutes.put(s.name(), s.badDeployRoute());
      if (db != null) {
        dbTargets.put(
            s.database(),
            new FaultInjector.Database(s.database(), databases.get(s.database()).proxy(), node));
      }
    }
    for (Storefront.Spec s : specs) {
      ServiceNode node = services.get(s.name());
      for (String target : s.calls()) {
        node.connect(target, services.get(target).port(), Storefront.timeout(s.name()));
      }
      if (s.consumer() != null) {
        Messaging.Subscriber sub =
            new Messaging.Subscriber(
                kafka.bootstrap(),
                node.telemetry(),
                s.consumes(),
                (topic, event) -> s.consumer().handle(node.database(), topic, event));
        subscribers.add(sub);
      }
    }
    faults =
        new FaultInjector(services, hostOf, dbTargets, badRoutes, cacheProxy, Clock.systemUTC());
    info.put("gateway", gatewayUrl());
    info.put("functions", Storefront.FUNCTIONS);
    info.put("services", services.keySet());
    info.put("databases", databases.keySet());
    info.put(
        "queue",
        Map.of(
            "system",
            "kafka",
            "bootstrap",
            kafka.bootstrap(),
            "topics",
            List.of(Storefront.ORDERS_TOPIC, Storefront.COMMENTS_TOPIC)));
    this.info = info;

    sextant.startTriage(probes(gatewayUrl()));

    if (config.requestsPerSecond() > 0) {
      traffic = new TrafficGenerator(gatewayUrl(), config.requestsPerSecond());
      traffic.start();
    }
    pool.shutdown();
    readyMillis = (System.nanoTime() - t0) / 1_000_000;
    log.info(
        "demo ready in {} ms: {} services, {} databases, kafka at {}",
        readyMillis,
        services.size(),
        databases.size(),
        kafka.bootstrap());
  }

  /** Sextant on the configured ports (or free ones), closed again if a port is taken. */
  private SextantServer startSextant(List<SextantServer.ApiRoute> extra) {
    ServerConfig sc =
        ServerConfig.defaults(config.dataDir().resolve("sextant"))
            .withPorts(
                Ports.preferred(config.otlpGrpcPort()),
                Ports.preferred(config.otlpHttpPort()),
                Ports.preferred(config.zipkinPort()),
                Ports.preferred(config.apiPort()));
    sc =
        sc.withStore(
                new DuckDbConfig(config.dataDir().resolve("sextant"), config.storeMemoryLimit(), 0))
            .withHealth(new HealthConfig(List.of(), Duration.ofSeconds(5), Duration.ofSeconds(2)))
            .withSecurity(sc.security().withCorsOrigins(config.corsOrigins()));
    SextantServer s = SextantServer.builder(sc).routes(extra).build();
    try {
      return s.start();
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private Map<String, Object> info = Map.of();

  /** The storefront's SLOs (demo/src/main/resources/slos.yaml), at real time, without webhooks. */
  public static SloConfig slos() throws IOException {
    try (InputStream in = Demo.class.getResourceAsStream("/slos.yaml")) {
      return SloConfig.parse(in, "slos.yaml");
    }
  }

  /** The storefront's probe suite (demo/src/main/resources/probes.yaml) for this gateway. */
  public static ProbeSuite probes(String gateway) throws IOException {
    try (InputStream in = Demo.class.getResourceAsStream("/probes.yaml")) {
      return ProbeSuite.parse(
          in,
          "probes.yaml",
          Map.of(
              "gateway",
              gateway,
              "tester_token",
              IdentityEndpoints.sign("u-tester-01", "a-tester")));
    }
  }

  private volatile List<SextantServer.ApiRoute> faultRoutes;

  private List<SextantServer.ApiRoute> faultRoutes() {
    if (faultRoutes == null) {
      if (faults == null) {
        throw new IllegalStateException("the demo is still starting");
      }
      faultRoutes = FaultApi.routes(faults, info);
    }
    return faultRoutes;
  }

  private static DatabaseServer database(String component, List<String> schema) {
    String name = component.replace("-db", "");
    DatabaseServer d = DatabaseServer.start(component, name);
    try (Connection c = DriverManager.getConnection(d.directJdbcUrl(), "sa", "");
        Statement s = c.createStatement()) {
      for (String sql : schema) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      d.close();
      throw new IllegalStateException("cannot load " + component + ": " + e.getMessage(), e);
    }
    return d;
  }

  public String gatewayUrl() {
    return "http://127.0.0.1:" + services.get("gateway").port();
  }

  public String apiUrl() {
    return "http://127.0.0.1:" + sextant.config().apiPort();
  }

  public SextantServer sextant() {
    return sextant;
  }

  public Map<String, ServiceNode> services() {
    return services;
  }

  /**
   * Has Sextant poll every service's health endpoint (the seed format: the service and its view of
   * its dependencies) and every database's own health ({@link DatabaseHealth}), so the map shows
   * health and triage reads it. The tests that do not need it leave it off: every service's check
   * pings its database through its pool.
   */
  public void pollHealth() {
    services.forEach(
        (name, node) -> sextant.health().add(new HealthTarget(name, node.healthUrl())));
    pollDatabaseHealth();
  }

  /** Has Sextant poll only the databases' own health. */
  public void pollDatabaseHealth() {
    for (DatabaseServer d : databases.values()) {
      sextant.health().add(new HealthTarget(d.component(), databaseHealth.url(d)));
    }
  }

  public Map<String, DatabaseServer> databases() {
    return databases;
  }

  public FaultInjector faults() {
    return faults;
  }

  public LocalKafka kafka() {
    return kafka;
  }

  public FaultProxy cacheProxy() {
    return cacheProxy;
  }

  public TrafficGenerator traffic() {
    return traffic;
  }

  public long readyMillis() {
    return readyMillis;
  }

  /** Exports every service's buffered spans and logs now. */
  public void flush() {
    services.values().parallelStream().forEach(s -> s.telemetry().flush());
  }

  @Override
  public void close() {
    if (traffic != null) {
      traffic.close();
    }
    subscribers.parallelStream().forEach(Messaging.Subscriber::close);
    if (faults != null) {
      faults.clearAll();
    }
    // Services stop in parallel: each waits for its in-flight requests and flushes its SDK.
    List<Thread> stopping = new ArrayList<>();
    for (ServiceNode s : services.values()) {
      closeables.remove(s);
      stopping.add(Thread.ofVirtual().start(s::close));
    }
    for (Thread t : stopping) {
      try {
        t.join(15_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    List<AutoCloseable> reversed = new ArrayList<>(closeables);
    Collections.reverse(reversed);
    for (AutoCloseable c : reversed) {
      try {
        c.close();
      } catch (Exception e) {
        log.warn("stopping {} failed: {}", c.getClass().getSimpleName(), e.toString());
      }
    }
    if (kafka != null) {
      deleteQuietly(kafka.dir());
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort: a leftover broker log is harmless
    }
  }
}
