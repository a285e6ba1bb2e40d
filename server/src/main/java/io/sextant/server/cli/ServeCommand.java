package io.sextant.server.cli;

import io.sextant.ingest.IngestLimits;
import io.sextant.ingest.redact.Redactor;
import io.sextant.pipeline.BatchingWriter;
import io.sextant.pipeline.kafka.ArchiveProgress;
import io.sextant.pipeline.kafka.KafkaArchiver;
import io.sextant.pipeline.kafka.KafkaSettings;
import io.sextant.query.DurationText;
import io.sextant.server.ArchiverNode;
import io.sextant.server.CollectorNode;
import io.sextant.server.ServerConfig;
import io.sextant.server.SextantServer;
import io.sextant.server.WriterNode;
import io.sextant.server.security.SecurityConfig;
import io.sextant.server.security.TenantLimits;
import io.sextant.server.security.Tokens;
import io.sextant.store.clickhouse.ClickHouseConfig;
import io.sextant.store.clickhouse.ClickHouseEventStore;
import io.sextant.store.duckdb.DuckDbConfig;
import io.sextant.store.duckdb.DuckDbEventStore;
import io.sextant.store.spi.EventStore;
import io.sextant.topology.health.HealthConfig;
import io.sextant.topology.health.HealthTarget;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sextant serve}: ingest, store and serve until stopped. Every option has an env var. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Run the Sextant server: OTLP and Zipkin ingest, the embedded store, the API.")
public final class ServeCommand implements Callable<Integer> {
  @Option(
      names = "--data-dir",
      defaultValue = "${env:SEXTANT_DATA_DIR:-./sextant-data}",
      description = "Where the database lives (env SEXTANT_DATA_DIR). Default: ${DEFAULT-VALUE}")
  Path dataDir;

  @Option(
      names = "--bind",
      defaultValue = "${env:SEXTANT_BIND:-127.0.0.1}",
      description = "Address every listener binds to (env SEXTANT_BIND). Default: ${DEFAULT-VALUE}")
  String bind;

  @Option(
      names = "--otlp-grpc-port",
      defaultValue = "${env:SEXTANT_OTLP_GRPC_PORT:-4317}",
      description = "OTLP/gRPC port. Default: ${DEFAULT-VALUE}")
  int grpcPort;

  @Option(
      names = "--otlp-http-port",
      defaultValue = "${env:SEXTANT_OTLP_HTTP_PORT:-4318}",
      description = "OTLP/HTTP port. Default: ${DEFAULT-VALUE}")
  int httpPort;

  @Option(
      names = "--zipkin-port",
      defaultValue = "${env:SEXTANT_ZIPKIN_PORT:-9411}",
      description = "Zipkin v2 port. Default: ${DEFAULT-VALUE}")
  int zipkinPort;

  @Option(
      names = "--api-port",
      defaultValue = "${env:SEXTANT_API_PORT:-7070}",
      description = "API and UI port. Default: ${DEFAULT-VALUE}")
  int apiPort;

  @Option(
      names = "--retention",
      defaultValue = "${env:SEXTANT_RETENTION:-7d}",
      description = "How long events are kept, e.g. 7d, 36h, 90m. Default: ${DEFAULT-VALUE}")
  String retention;

  @Option(
      names = "--role",
      defaultValue = "${env:SEXTANT_ROLE:-all}",
      description =
          "all: everything in one process (the default). collector: the ingest ports, producing"
              + " to Kafka (--kafka). writer: Kafka into the store (--kafka, --store clickhouse)."
              + " archiver: Kafka into Parquet files (--kafka, --archive). query: the API and UI"
              + " over the store (--store clickhouse). docs/scale-out.md (env SEXTANT_ROLE)."
              + " Default: ${DEFAULT-VALUE}")
  String role;

  @Option(
      names = "--kafka",
      defaultValue = "${env:SEXTANT_KAFKA:-}",
      description =
          "The Kafka brokers, host:port,… for --role collector, writer and archiver; for a query"
              + " node with --archive, where retention asks how far the archivers are (env"
              + " SEXTANT_KAFKA)")
  String kafka;

  @Option(
      names = "--topic",
      defaultValue = "${env:SEXTANT_TOPIC:-" + KafkaSettings.DEFAULT_TOPIC + "}",
      description =
          "The Kafka topic collectors produce to and writers consume (created when missing, with"
              + " <topic>.dead for messages a writer cannot read) (env SEXTANT_TOPIC). Default:"
              + " ${DEFAULT-VALUE}")
  String topic;

  @Option(
      names = "--archive",
      defaultValue = "${env:SEXTANT_ARCHIVE}",
      description =
          "The Parquet archive's directory (docs/scale-out.md, \"The archive\"): --role archiver"
              + " writes it from the topic; the other roles read it for questions whose time range"
              + " begins before --retention (env SEXTANT_ARCHIVE).")
  Path archive;

  @Option(
      names = "--archive-every",
      defaultValue = "${env:SEXTANT_ARCHIVE_EVERY:-1m}",
      description =
          "How long an archiver gathers events before it writes them (at most 500,000 events):"
              + " how far the archive trails the topic (env SEXTANT_ARCHIVE_EVERY). Default:"
              + " ${DEFAULT-VALUE}")
  String archiveEvery;

  @Option(
      names = "--store",
      defaultValue = "${env:SEXTANT_STORE:-duckdb}",
      description =
          "Where events are kept: duckdb (one file under --data-dir) or clickhouse (a ClickHouse"
              + " server, --clickhouse) (env SEXTANT_STORE). Default: ${DEFAULT-VALUE}")
  String storeKind;

  @Option(
      names = "--clickhouse",
      defaultValue = "${env:SEXTANT_CLICKHOUSE:-http://127.0.0.1:8123}",
      description =
          "The ClickHouse server's HTTP interface, for --store clickhouse (env"
              + " SEXTANT_CLICKHOUSE). Default: ${DEFAULT-VALUE}")
  String clickhouseUrl;

  @Option(
      names = "--clickhouse-database",
      defaultValue = "${env:SEXTANT_CLICKHOUSE_DATABASE:-sextant}",
      description =
          "The ClickHouse database of the store's tables, created when missing (env"
              + " SEXTANT_CLICKHOUSE_DATABASE). Default: ${DEFAULT-VALUE}")
  String clickhouseDatabase;

  @Option(
      names = "--clickhouse-cluster",
      defaultValue = "${env:SEXTANT_CLICKHOUSE_CLUSTER:-}",
      description =
          "Shard the events over this cluster of the --clickhouse server's <remote_servers>"
              + " (a Distributed table); needs --clickhouse-shards (env"
              + " SEXTANT_CLICKHOUSE_CLUSTER). Default: one server")
  String clickhouseCluster;

  @Option(
      names = "--clickhouse-shards",
      split = ",",
      defaultValue = "${env:SEXTANT_CLICKHOUSE_SHARDS:-}",
      description =
          "The HTTP interfaces of the cluster's shards, http://host:8123,… (each gets the local"
              + " tables), with --clickhouse-cluster (env SEXTANT_CLICKHOUSE_SHARDS)")
  List<String> clickhouseShards;

  @Option(
      names = "--retention-check-every",
      defaultValue = "${env:SEXTANT_RETENTION_CHECK_EVERY:-10m}",
      description =
          "How often events older than --retention are looked for and deleted (env"
              + " SEXTANT_RETENTION_CHECK_EVERY). Default: ${DEFAULT-VALUE}")
  String retentionCheckEvery;

  @Option(
      names = "--memory-limit",
      defaultValue = "${env:SEXTANT_STORE_MEMORY_LIMIT:-2GB}",
      description = "DuckDB memory limit. Default: ${DEFAULT-VALUE}")
  String memoryLimit;

  @Option(
      names = "--max-body-bytes",
      defaultValue = "${env:SEXTANT_MAX_BODY_BYTES:-8388608}",
      description = "Largest request body, after decompression. Default: ${DEFAULT-VALUE}")
  int maxBodyBytes;

  @Option(
      names = "--max-items-per-request",
      defaultValue = "${env:SEXTANT_MAX_ITEMS_PER_REQUEST:-10000}",
      description = "Spans or log records per request. Default: ${DEFAULT-VALUE}")
  int maxItems;

  @Option(
      names = "--max-attributes",
      defaultValue = "${env:SEXTANT_MAX_ATTRIBUTES:-128}",
      description = "Attributes per span or log record. Default: ${DEFAULT-VALUE}")
  int maxAttributes;

  @Option(
      names = "--max-key-length",
      defaultValue = "${env:SEXTANT_MAX_KEY_LENGTH:-256}",
      description = "Longest attribute key. Default: ${DEFAULT-VALUE}")
  int maxKeyLength;

  @Option(
      names = "--max-value-length",
      defaultValue = "${env:SEXTANT_MAX_VALUE_LENGTH:-65536}",
      description = "Longest attribute value. Default: ${DEFAULT-VALUE}")
  int maxValueLength;

  @Option(
      names = "--max-queued-events",
      defaultValue = "${env:SEXTANT_MAX_QUEUED_EVENTS:-500000}",
      description =
          "Events waiting for the store before ingest answers 429. Default: ${DEFAULT-VALUE}")
  int maxQueued;

  @Option(
      names = "--self-trace",
      defaultValue = "${env:SEXTANT_SELF_TRACE:-false}",
      description =
          "Trace Sextant's own API requests and send the spans to itself, as service 'sextant'"
              + " (env SEXTANT_SELF_TRACE). Default: ${DEFAULT-VALUE}")
  boolean selfTrace;

  @Option(
      names = "--health",
      split = ",",
      defaultValue = "${env:SEXTANT_HEALTH:-}",
      description =
          "A health endpoint to poll, as service=url (seed JSON or Spring /actuator/health);"
              + " repeat or separate with commas (env SEXTANT_HEALTH).")
  List<String> health;

  @Option(
      names = "--health-every",
      defaultValue = "${env:SEXTANT_HEALTH_EVERY:-15s}",
      description = "How often each health endpoint is polled. Default: ${DEFAULT-VALUE}")
  String healthEvery;

  @Option(
      names = "--declared",
      defaultValue = "${env:SEXTANT_DECLARED}",
      description =
          "A YAML file of the dependencies each service is expected to have (docs/api.md),"
              + " shown beside the observed map (env SEXTANT_DECLARED).")
  Path declared;

  @Option(
      names = "--probes",
      defaultValue = "${env:SEXTANT_PROBES}",
      description =
          "A YAML file of probes (docs/probes.md): run on their schedules, and by triage;"
              + " reloaded when it changes (env SEXTANT_PROBES).")
  Path probes;

  @Option(
      names = "--slos",
      defaultValue = "${env:SEXTANT_SLOS}",
      description =
          "A YAML file of SLOs and where their burn-rate alerts go (docs/slo.md; env"
              + " SEXTANT_SLOS).")
  Path slos;

  @Option(
      names = "--slo-time-scale",
      defaultValue = "${env:SEXTANT_SLO_TIME_SCALE:-1}",
      description =
          "Run the SLO windows this many times faster than real time (1 = the SRE workbook's"
              + " 28d, 1h/5m, 6h/30m); for demos and tests only.")
  double sloTimeScale;

  @Option(
      names = "--auth-tokens",
      defaultValue = "${env:SEXTANT_AUTH_TOKENS}",
      description =
          "A file of API keys, one `name scope,scope sha256:<hash>` a line (managed with"
              + " `sextant keys create|list|revoke`, read again every second); with it every port"
              + " needs a key (env SEXTANT_AUTH_TOKENS). docs/security.md")
  Path authTokens;

  @Option(
      names = "--insecure-no-auth",
      defaultValue = "${env:SEXTANT_INSECURE_NO_AUTH:-false}",
      description =
          "Run without tokens even though --bind is not a loopback address (env"
              + " SEXTANT_INSECURE_NO_AUTH). Default: ${DEFAULT-VALUE}")
  boolean insecureNoAuth;

  @Option(
      names = "--allowed-hosts",
      split = ",",
      defaultValue = "${env:SEXTANT_ALLOWED_HOSTS:-}",
      description =
          "Host names the API/UI port answers to beside loopback names and the bind address;"
              + " .example.com for a domain and its subdomains, * for any (env"
              + " SEXTANT_ALLOWED_HOSTS).")
  List<String> allowedHosts;

  @Option(
      names = "--cors-origins",
      split = ",",
      defaultValue = "${env:SEXTANT_CORS_ORIGINS:-}",
      description =
          "Browser origins allowed to send OTLP/HTTP to /v1/traces and /v1/logs, e.g."
              + " https://shop.example.com, https://*.example.com or * (env"
              + " SEXTANT_CORS_ORIGINS). Default: none")
  List<String> corsOrigins;

  @Option(
      names = "--tenant-events-per-second",
      defaultValue = "${env:SEXTANT_TENANT_EVENTS_PER_SECOND:-0}",
      description =
          "The most spans, logs and metric points one tenant may send per second; more get 429"
              + " / RESOURCE_EXHAUSTED (env SEXTANT_TENANT_EVENTS_PER_SECOND). Default: 0, no"
              + " limit")
  long tenantEventsPerSecond;

  @Option(
      names = "--tenant-queued-events",
      defaultValue = "${env:SEXTANT_TENANT_QUEUED_EVENTS:-0}",
      description =
          "The most events of one tenant waiting to be stored at once (env"
              + " SEXTANT_TENANT_QUEUED_EVENTS). Default: 0, no limit")
  long tenantQueuedEvents;

  @Option(
      names = "--operations-tenant",
      defaultValue = "${env:SEXTANT_OPERATIONS_TENANT:-default}",
      description =
          "The tenant whose telemetry probes, triage, SLOs and health checks read and write (env"
              + " SEXTANT_OPERATIONS_TENANT). Default: ${DEFAULT-VALUE}")
  String operationsTenant;

  @Option(
      names = "--redact",
      defaultValue = "${env:SEXTANT_REDACT}",
      description =
          "A file of redaction rules, `drop|hash|mask key|value <regex>` a line, applied before"
              + " the defaults; `defaults off` in it turns them off (env SEXTANT_REDACT).")
  Path redact;

  @Option(
      names = "--redact-defaults",
      defaultValue = "${env:SEXTANT_REDACT_DEFAULTS:-true}",
      arity = "1",
      description =
          "Mask password, secret, token, authorization, api_key, cookie… attributes and query"
              + " parameters, and Bearer credentials (env SEXTANT_REDACT_DEFAULTS)."
              + " Default: ${DEFAULT-VALUE}")
  boolean redactDefaults;

  @Override
  public Integer call() throws Exception {
    try {
      return serve();
    } catch (IllegalArgumentException | IOException e) {
      System.err.println("sextant: " + e.getMessage());
      return 2;
    }
  }

  /** The security settings of the options; a bad file or value is one sentence. */
  SecurityConfig security() throws IOException {
    Tokens tokens = Tokens.NONE;
    if (authTokens != null) {
      try {
        tokens = Tokens.load(authTokens);
      } catch (NoSuchFileException e) {
        throw new IllegalArgumentException("--auth-tokens " + authTokens + " does not exist");
      }
    }
    Redactor redactor;
    if (redact != null) {
      try {
        redactor = Redactor.load(redact, redactDefaults);
      } catch (NoSuchFileException e) {
        throw new IllegalArgumentException("--redact " + redact + " does not exist");
      }
    } else {
      redactor = redactDefaults ? Redactor.defaults() : Redactor.none();
    }
    return new SecurityConfig(
        tokens,
        insecureNoAuth,
        allowedHosts == null ? List.of() : allowedHosts,
        corsOrigins == null ? List.of() : corsOrigins,
        redactor,
        authTokens,
        new TenantLimits(tenantEventsPerSecond, tenantQueuedEvents),
        operationsTenant);
  }

  private int serve() throws Exception {
    ServerConfig defaults = ServerConfig.defaults(dataDir);
    ServerConfig config =
        new ServerConfig(
                bind,
                grpcPort,
                httpPort,
                zipkinPort,
                apiPort,
                new DuckDbConfig(dataDir, memoryLimit, 0),
                DurationText.duration(retention, "--retention"),
                DurationText.duration(retentionCheckEvery, "--retention-check-every"),
                new IngestLimits(
                    maxBodyBytes, maxItems, maxAttributes, maxKeyLength, maxValueLength),
                new BatchingWriter.Config(maxQueued, defaults.pipeline().maxBatchEvents()),
                defaults.requestTimeout(),
                new HealthConfig(
                    health == null
                        ? List.of()
                        : health.stream()
                            .filter(h -> !h.isBlank())
                            .map(HealthTarget::parse)
                            .toList(),
                    DurationText.duration(healthEvery, "--health-every"),
                    defaults.health().timeout()),
                declared,
                security(),
                archive,
                probes,
                slos,
                sloTimeScale)
            .validate();
    Supplier<EventStore> openStore =
        switch (storeKind) {
          case "duckdb" -> () -> DuckDbEventStore.open(config.store());
          case "clickhouse" -> {
            ClickHouseConfig ch = clickHouse();
            yield () -> ClickHouseEventStore.open(ch);
          }
          default ->
              throw new IllegalArgumentException(
                  "--store is duckdb or clickhouse, not " + storeKind);
        };
    switch (role) {
      case "all" -> {}
      case "collector" -> {
        return runUntilStopped(new CollectorNode(config, kafka()).start());
      }
      case "writer" -> {
        sharedStore("writer");
        return runUntilStopped(new WriterNode(config, kafka(), openStore).start());
      }
      case "archiver" -> {
        if (archive == null) {
          throw new IllegalArgumentException(
              "--role archiver needs --archive DIR, the directory of the Parquet files");
        }
        return runUntilStopped(
            new ArchiverNode(
                    config,
                    kafka().withGroup(KafkaArchiver.DEFAULT_GROUP),
                    archive,
                    new KafkaArchiver.Batching(
                        500_000, DurationText.duration(archiveEvery, "--archive-every")))
                .start());
      }
      case "query" -> sharedStore("query node");
      default ->
          throw new IllegalArgumentException(
              "--role is all, collector, writer, archiver or query, not " + role);
    }
    ArchiveProgress progress = null;
    if (archive != null && storeKind.equals("clickhouse") && kafka != null && !kafka.isBlank()) {
      // Retention over the shared store deletes only what the archivers have written.
      progress =
          new ArchiveProgress(
              kafka().withGroup(KafkaArchiver.DEFAULT_GROUP),
              DurationText.duration(archiveEvery, "--archive-every")
                  .multipliedBy(2)
                  .plusSeconds(30));
    }
    SextantServer.Builder built = SextantServer.builder(config).store(openStore);
    SextantServer server =
        (role.equals("query") ? built.queryNode() : built.selfTrace(selfTrace)).build().start();
    if (progress != null) {
      server.archivedUpToNow(progress::caughtUp);
    }
    if (progress == null) {
      return runUntilStopped(server);
    }
    ArchiveProgress asked = progress;
    return runUntilStopped(
        () -> {
          server.close();
          asked.close();
        });
  }

  /**
   * The ClickHouse settings of the options: one server, or a cluster of shards behind {@code
   * --clickhouse}. A half-given cluster or a URL that is not http://host:port is one sentence.
   */
  ClickHouseConfig clickHouse() {
    List<URI> shards = new ArrayList<>();
    for (String s : clickhouseShards == null ? List.<String>of() : clickhouseShards) {
      if (!s.isBlank()) {
        shards.add(url("--clickhouse-shards", s.strip()));
      }
    }
    String cluster =
        clickhouseCluster == null || clickhouseCluster.isBlank() ? null : clickhouseCluster.strip();
    if ((cluster == null) != shards.isEmpty()) {
      throw new IllegalArgumentException(
          cluster == null
              ? "--clickhouse-shards needs --clickhouse-cluster, the name of the cluster in the"
                  + " --clickhouse server's <remote_servers>"
              : "--clickhouse-cluster "
                  + cluster
                  + " needs --clickhouse-shards http://host:8123,… (every shard's HTTP interface)");
    }
    return new ClickHouseConfig(
        url("--clickhouse", clickhouseUrl.strip()),
        clickhouseDatabase,
        Duration.ofSeconds(60),
        cluster,
        shards);
  }

  private static URI url(String option, String text) {
    try {
      URI uri = new URI(text);
      if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException(option + " is http://host:port, not " + text);
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(option + " is http://host:port, not " + text);
    }
  }

  /** Waits for a signal to stop (Ctrl-C, SIGTERM), then closes {@code node}. */
  private static int runUntilStopped(AutoCloseable node) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    node.close();
                  } catch (Exception e) {
                    System.err.println("sextant: stopping failed: " + e);
                  }
                  stopped.countDown();
                },
                "sextant-shutdown"));
    stopped.await();
    return 0;
  }

  /** The Kafka settings of a collector, writer or archiver. */
  private KafkaSettings kafka() {
    if (kafka == null || kafka.isBlank()) {
      throw new IllegalArgumentException(
          "--role " + role + " needs --kafka host:port of the brokers (docs/scale-out.md)");
    }
    return KafkaSettings.of(kafka.strip(), topic);
  }

  /** Writers and query nodes share one store, which must be one that many processes can use. */
  private void sharedStore(String what) {
    if (!storeKind.equals("clickhouse")) {
      throw new IllegalArgumentException(
          "a "
              + what
              + " shares its store with the other nodes, and a DuckDB file is one process's: give"
              + " --store clickhouse --clickhouse http://host:8123 (docs/scale-out.md)");
    }
  }
}
