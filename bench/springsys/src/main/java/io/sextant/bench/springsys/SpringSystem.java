package io.sextant.bench.springsys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts and stops the springsys shop: PostgreSQL servers, a Kafka broker, a fault proxy in front
 * of every database, and the Spring Boot services (each a JVM of its own from target/springsys.jar
 * with the OpenTelemetry Java agent, exporting OTLP/HTTP to the endpoint given). Every port is a
 * free one on 127.0.0.1. {@link #close()} (and a shutdown hook) leave no process behind.
 */
public final class SpringSystem implements AutoCloseable {
  /** A database server: its cluster name (the component's name), its database, its users. */
  public record DatabaseSpec(String name, String database, List<String> services) {}

  /** A service: its name, its database server (or null), the services it calls. */
  public record ServiceSpec(String name, String database, List<String> calls) {}

  public static final List<DatabaseSpec> DATABASES =
      List.of(
          new DatabaseSpec("customers-db", "customers", List.of("customers")),
          new DatabaseSpec("catalog-db", "catalog", List.of("catalog", "reviews")),
          new DatabaseSpec("inventory-db", "inventory", List.of("inventory")),
          new DatabaseSpec("orders-db", "orders", List.of("orders")),
          new DatabaseSpec("payments-db", "payments", List.of("payments")),
          new DatabaseSpec("shipping-db", "shipping", List.of("shipping")),
          new DatabaseSpec("notifications-db", "notifications", List.of("notifications")));

  public static final List<ServiceSpec> SERVICES =
      List.of(
          new ServiceSpec(
              "gateway",
              null,
              List.of(
                  "catalog",
                  "customers",
                  "inventory",
                  "reviews",
                  "orders",
                  "payments",
                  "shipping",
                  "notifications")),
          new ServiceSpec("customers", "customers-db", List.of()),
          new ServiceSpec("catalog", "catalog-db", List.of()),
          new ServiceSpec("reviews", "catalog-db", List.of()),
          new ServiceSpec("inventory", "inventory-db", List.of()),
          new ServiceSpec("orders", "orders-db", List.of("customers", "inventory", "payments")),
          new ServiceSpec("payments", "payments-db", List.of()),
          new ServiceSpec("shipping", "shipping-db", List.of()),
          new ServiceSpec("notifications", "notifications-db", List.of()));

  /** The topic orders publishes to and shipping and notifications consume. */
  public static final String TOPIC = "orders";

  /** The services that use Kafka: without them the broker is not started. */
  static final Set<String> KAFKA_USERS = Set.of("orders", "shipping", "notifications");

  private final Path workDir;
  private final Path logs;
  private final String otlp;
  private final Path jar;
  private final Path agent;
  private final Map<String, Integer> servicePorts = new LinkedHashMap<>();
  private final Map<String, Process> services = new ConcurrentHashMap<>();
  private final Map<String, PgCluster> databases = new LinkedHashMap<>();
  private final Map<String, FaultProxy> proxies = new LinkedHashMap<>();
  private final List<Process> others = new CopyOnWriteArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final FaultInjector faults;
  private final List<ServiceSpec> serviceSpecs;
  private final List<DatabaseSpec> databaseSpecs;
  private final boolean withKafka;
  private final Thread hook = new Thread(this::close, "springsys-shutdown");
  private volatile Path pgRoot;
  private volatile KafkaProcess kafka;
  private volatile long readyMillis;
  private volatile boolean closed;

  private SpringSystem(Path workDir, String otlp, List<String> only) {
    this.serviceSpecs =
        only == null ? SERVICES : SERVICES.stream().filter(s -> only.contains(s.name())).toList();
    if (only != null && serviceSpecs.size() != only.size()) {
      throw new IllegalArgumentException("unknown services among " + only);
    }
    for (ServiceSpec s : serviceSpecs) {
      if (!serviceSpecs.stream().map(ServiceSpec::name).toList().containsAll(s.calls())) {
        throw new IllegalArgumentException(s.name() + " calls " + s.calls() + ": start them too");
      }
    }
    this.databaseSpecs =
        DATABASES.stream()
            .filter(d -> serviceSpecs.stream().anyMatch(s -> d.name().equals(s.database())))
            .toList();
    this.withKafka = serviceSpecs.stream().anyMatch(s -> KAFKA_USERS.contains(s.name()));
    this.workDir = workDir.toAbsolutePath();
    this.logs = this.workDir.resolve("logs");
    this.otlp = otlp;
    Path target = targetDir();
    this.jar = target.resolve("springsys.jar");
    this.agent = target.resolve("opentelemetry-javaagent.jar");
    this.faults = new FaultInjector(this);
  }

  /**
   * Starts everything and returns once every service's actuator health is UP (4 minutes at most).
   */
  public static SpringSystem start(Path workDir, String otlpHttpEndpoint)
      throws IOException, InterruptedException {
    return start(workDir, otlpHttpEndpoint, null);
  }

  /**
   * Starts only {@code services} (all when null), the databases they use, and Kafka when one of
   * them uses it; the services they call must be among them. For a test of one service.
   */
  public static SpringSystem start(Path workDir, String otlpHttpEndpoint, List<String> services)
      throws IOException, InterruptedException {
    SpringSystem s = new SpringSystem(workDir, otlpHttpEndpoint, services);
    Runtime.getRuntime().addShutdownHook(s.hook);
    try {
      s.startAll();
      return s;
    } catch (IOException | InterruptedException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** target/ of this module: where springsys.jar and the agent are (or -Dspringsys.target). */
  static Path targetDir() {
    String given = System.getProperty("springsys.target");
    if (given != null) {
      return Path.of(given).toAbsolutePath();
    }
    try {
      Path here =
          Path.of(SpringSystem.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // target/classes when run from the build; target/lib/x.jar or target/springsys.jar otherwise.
      for (Path p = here; p != null; p = p.getParent()) {
        if (Files.isRegularFile(p.resolve("springsys.jar"))) {
          return p;
        }
      }
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    Path fallback = Path.of("bench/springsys/target").toAbsolutePath();
    if (Files.isRegularFile(fallback.resolve("springsys.jar"))) {
      return fallback;
    }
    throw new IllegalStateException(
        "springsys.jar not found: build it (./mvnw -pl bench/springsys -am package -DskipTests)");
  }

  private void startAll() throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    Files.createDirectories(logs);
    if (!Files.isRegularFile(jar) || !Files.isRegularFile(agent)) {
      throw new IllegalStateException("missing " + jar + " or " + agent + ": build the module");
    }
    // postgres runs as the postgres user when this is root: its data lives in a directory of its
    // own under the temp dir (every ancestor of the work dir may not be open to that user).
    pgRoot =
        PgCluster.root()
            ? Files.createTempDirectory(
                "springsys-pg-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")))
            : Files.createDirectories(workDir.resolve("pg"));
    if (PgCluster.root()) {
      Process p = new ProcessBuilder("chown", "postgres:postgres", pgRoot.toString()).start();
      p.waitFor();
    }
    for (DatabaseSpec d : databaseSpecs) {
      PgCluster c =
          new PgCluster(d.name(), d.database(), pgRoot.resolve(d.name()), logs, freePort());
      databases.put(d.name(), c);
      FaultProxy proxy = new FaultProxy(d.name(), c.port()).start();
      proxies.put(d.name(), proxy);
    }
    for (ServiceSpec s : serviceSpecs) {
      servicePorts.put(s.name(), freePort());
    }
    if (withKafka) {
      kafka = KafkaProcess.start(jar, workDir, logs, TOPIC);
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<CompletableFuture<Void>> dbs = new ArrayList<>();
      for (PgCluster c : databases.values()) {
        dbs.add(
            CompletableFuture.runAsync(
                () -> {
                  try {
                    c.create();
                    c.sql(Schema.of(c.database()));
                  } catch (Exception e) {
                    throw new IllegalStateException(c.name() + ": " + e.getMessage(), e);
                  }
                },
                pool));
      }
      // The services connect to their database lazily (HikariCP on first use), so they can boot
      // while the databases are still being created.
      for (ServiceSpec s : serviceSpecs) {
        startService(s.name());
      }
      for (CompletableFuture<Void> f : dbs) {
        try {
          f.get(4, TimeUnit.MINUTES);
        } catch (Exception e) {
          throw new IOException("database start failed: " + e.getMessage(), e);
        }
      }
    } finally {
      pool.shutdown();
    }
    if (withKafka) {
      kafka.await(Duration.ofMinutes(4));
    }
    awaitHealthy(Duration.ofMinutes(4));
    readyMillis = (System.nanoTime() - t0) / 1_000_000;
    // For `sextant serve --probes probes.yaml --health "$(cat health-targets.txt)"` by hand.
    Files.writeString(
        workDir.resolve("health-targets.txt"), String.join(",", healthTargets()) + "\n");
    if (servicePorts.containsKey("gateway")) {
      Files.writeString(workDir.resolve("gateway.txt"), gatewayUrl() + "\n");
    }
  }

  static String java() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /** Starts (or restarts) one service's JVM on its port. */
  synchronized void startService(String name) throws IOException {
    ServiceSpec s = spec(name);
    int port = servicePorts.get(name);
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java(),
                "-Xms32m",
                "-Xmx128m",
                "-Xss512k",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-XX:ReservedCodeCacheSize=64m",
                "-XX:CICompilerCount=1",
                "-javaagent:" + agent,
                "-Dotel.service.name=" + name,
                "-Dotel.exporter.otlp.endpoint=" + otlp,
                "-Dotel.exporter.otlp.protocol=http/protobuf",
                "-Dotel.metrics.exporter=otlp",
                "-Dotel.metric.export.interval=2000",
                "-Dotel.logs.exporter=none",
                "-Dotel.bsp.schedule.delay=1000",
                "-Dotel.resource.attributes=service.version=1.0.0,deployment.environment.name=bench",
                "-jar",
                jar.toString(),
                "--spring.profiles.active=" + name,
                "--shop.role=" + name,
                "--server.port=" + port,
                "--spring.kafka.bootstrap-servers=" + kafkaBootstrap()));
    for (String callee : s.calls()) {
      cmd.add("--shop.url." + callee + "=http://127.0.0.1:" + servicePorts.get(callee));
    }
    if (s.database() != null) {
      PgCluster c = databases.get(s.database());
      cmd.add(
          "--spring.datasource.url=jdbc:postgresql://127.0.0.1:"
              + proxies.get(s.database()).port()
              + "/"
              + c.database());
    }
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(name + ".log").toFile()));
    services.put(name, pb.start());
  }

  static ServiceSpec spec(String name) {
    return SERVICES.stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no service " + name));
  }

  /** Waits until every service's actuator health answers UP. */
  public void awaitHealthy(Duration max) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    List<String> waiting = new ArrayList<>(servicePorts.keySet());
    while (!waiting.isEmpty()) {
      waiting.removeIf(this::healthy);
      for (String s : waiting) {
        Process p = services.get(s);
        if (p != null && !p.isAlive()) {
          throw new IOException(
              s + " exited with " + p.exitValue() + "; the end of its log:\n" + tail(s + ".log"));
        }
      }
      if (waiting.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("not healthy in " + max.toSeconds() + " s: " + waiting);
      }
      Thread.sleep(250);
    }
  }

  /** Whether a service's actuator health answers 200 with status UP within 2 s. */
  public boolean healthy(String service) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(healthUrls().get(service)))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 && up(r.body());
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The top-level status of an actuator health answer is UP (its keys may come in any order). */
  static boolean up(String body) {
    String b = body.replaceAll("\\s", "");
    return b.startsWith("{\"status\":\"UP\"") || b.endsWith("\"status\":\"UP\"}");
  }

  /** The last lines of a log in the logs directory (the work dir may be deleted soon after). */
  String tail(String file) {
    try {
      List<String> lines = Files.readAllLines(logs.resolve(file));
      return String.join(
          "\n",
          lines.subList(Math.max(0, lines.size() - 40), lines.size()).stream()
              .filter(l -> !l.startsWith("\tat "))
              .toList());
    } catch (IOException | UncheckedIOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static final Set<Integer> TAKEN = ConcurrentHashMap.newKeySet();

  /**
   * A free port on 127.0.0.1, picked at random below the kernel's ephemeral range (32768–60999): a
   * service binds its port a minute or more after it was picked, and ports the kernel hands to
   * other programs' {@code bind(0)} and outgoing connections meanwhile come from that range.
   */
  static int freePort() throws IOException {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int i = 0; i < 200; i++) {
      int port = r.nextInt(20_000, 32_000);
      if (TAKEN.contains(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
        TAKEN.add(port);
        return port;
      } catch (IOException busy) {
        // taken: try another
      }
    }
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  public String gatewayUrl() {
    return serviceUrl("gateway");
  }

  /** A running service's base URL, e.g. {@code http://127.0.0.1:24001}. */
  public String serviceUrl(String service) {
    Integer port = servicePorts.get(service);
    if (port == null) {
      throw new IllegalArgumentException(service + " is not started");
    }
    return "http://127.0.0.1:" + port;
  }

  /** Every service's actuator health URL, by service name. */
  public Map<String, String> healthUrls() {
    Map<String, String> out = new LinkedHashMap<>();
    servicePorts.forEach((n, p) -> out.put(n, "http://127.0.0.1:" + p + "/actuator/health"));
    return out;
  }

  /** The health targets in the {@code service=url} form of {@code sextant serve --health}. */
  public List<String> healthTargets() {
    return healthUrls().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
  }

  public Map<String, Integer> servicePorts() {
    return Map.copyOf(servicePorts);
  }

  /** Each running service's JVM pid. */
  public Map<String, Long> servicePids() {
    Map<String, Long> out = new LinkedHashMap<>();
    services.forEach((n, p) -> out.put(n, p.isAlive() ? p.pid() : -1L));
    return out;
  }

  /** Each database server's processes: the postmaster first, then its children. */
  public Map<String, List<Long>> databasePids() {
    Map<String, List<Long>> out = new LinkedHashMap<>();
    databases.forEach((n, c) -> out.put(n, c.pids()));
    return out;
  }

  /** The port the services connect to for each database: its proxy's. */
  public Map<String, Integer> databasePorts() {
    Map<String, Integer> out = new LinkedHashMap<>();
    proxies.forEach((n, p) -> out.put(n, p.port()));
    return out;
  }

  /** Where the broker listens; port 0 when the services started use no Kafka. */
  public String kafkaBootstrap() {
    KafkaProcess k = kafka;
    return "127.0.0.1:" + (k == null ? 0 : k.port);
  }

  public long kafkaPid() {
    KafkaProcess k = kafka;
    return k != null && k.process.isAlive() ? k.process.pid() : -1;
  }

  public long readyMillis() {
    return readyMillis;
  }

  public Path logs() {
    return logs;
  }

  public FaultInjector faults() {
    return faults;
  }

  Process process(String service) {
    return services.get(service);
  }

  PgCluster database(String name) {
    PgCluster c = databases.get(name);
    if (c == null) {
      throw new IllegalArgumentException(
          "no database " + name + "; there are " + databases.keySet());
    }
    return c;
  }

  FaultProxy proxy(String name) {
    database(name);
    return proxies.get(name);
  }

  void adopt(Process p) {
    others.add(p);
  }

  /** Resident memory of every process of the system (services, Kafka, databases), in KiB. */
  public long rssKib() {
    List<Long> pids = new ArrayList<>(servicePids().values());
    pids.add(kafkaPid());
    databasePids().values().forEach(pids::addAll);
    long total = 0;
    for (long pid : pids) {
      if (pid <= 0) {
        continue;
      }
      try {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
          if (line.startsWith("VmRSS:")) {
            total += Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        }
      } catch (IOException | UncheckedIOException e) {
        // gone meanwhile
      }
    }
    return total;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: this is the hook
    }
    faults.stopNeighbour();
    List<Process> all = new ArrayList<>(services.values());
    if (kafka != null) {
      all.add(kafka.process);
    }
    all.addAll(others);
    for (Process p : all) {
      List<ProcessHandle> kids = p.descendants().toList();
      Signals.send("CONT", List.of(p.pid()));
      p.destroyForcibly();
      kids.forEach(ProcessHandle::destroyForcibly);
    }
    databases.values().forEach(PgCluster::destroy);
    proxies.values().forEach(FaultProxy::close);
    for (Process p : all) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (pgRoot != null) {
      deleteQuietly(pgRoot);
    }
    deleteQuietly(workDir.resolve("kafka"));
  }

  private static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // best effort
                }
              });
    } catch (IOException e) {
      // best effort
    }
  }
}
