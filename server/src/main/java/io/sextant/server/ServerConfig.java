package io.sextant.server;

import io.sextant.ingest.IngestLimits;
import io.sextant.pipeline.BatchingWriter;
import io.sextant.server.security.SecurityConfig;
import io.sextant.store.duckdb.DuckDbConfig;
import io.sextant.topology.health.HealthConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Everything {@code sextant serve} needs. Defaults follow shared/DESIGN.md: OTLP gRPC 4317, OTLP
 * HTTP 4318, Zipkin 9411, API + UI 7070, all on 127.0.0.1; every key is in docs/config.md.
 */
public record ServerConfig(
    String bindAddress,
    int otlpGrpcPort,
    int otlpHttpPort,
    int zipkinPort,
    int apiPort,
    DuckDbConfig store,
    Duration retention,
    Duration retentionCheckEvery,
    IngestLimits limits,
    BatchingWriter.Config pipeline,
    Duration requestTimeout,
    HealthConfig health,
    Path declared,
    SecurityConfig security,
    Path archive,
    Path probes,
    Path slos,
    double sloTimeScale) {

  /**
   * This config with the Parquet archive in {@code dir}: questions whose range begins before the
   * retention cutoff read it.
   */
  public ServerConfig withArchive(Path dir) {
    return with(c -> c.archive = dir);
  }

  public ServerConfig {
    security = security == null ? SecurityConfig.DEFAULTS : security;
  }

  /**
   * This config with the probes of {@code file} (YAML, docs/probes.md): run on their schedules and
   * by triage, and reloaded when the file changes; null for none.
   */
  public ServerConfig withProbes(Path file) {
    return with(c -> c.probes = file);
  }

  /**
   * This config with the SLOs of {@code file} (YAML, docs/slo.md), their windows running {@code
   * timeScale} times faster than real time (1 outside demos and tests); a null file for none.
   */
  public ServerConfig withSlos(Path file, double timeScale) {
    return with(
        c -> {
          c.slos = file;
          c.sloTimeScale = timeScale;
        });
  }

  public static ServerConfig defaults(Path dataDir) {
    return new ServerConfig(
        "127.0.0.1",
        4317,
        4318,
        9411,
        7070,
        DuckDbConfig.defaults(dataDir),
        Duration.ofDays(7),
        Duration.ofMinutes(10),
        IngestLimits.defaults(),
        BatchingWriter.Config.defaults(),
        Duration.ofSeconds(30),
        HealthConfig.defaults(),
        null,
        SecurityConfig.DEFAULTS,
        null,
        null,
        null,
        1);
  }

  public ServerConfig validate() {
    if (bindAddress == null || bindAddress.isBlank()) {
      throw new IllegalArgumentException("bind address must be set, e.g. 127.0.0.1");
    }
    Set<Integer> seen = new HashSet<>();
    for (int port : List.of(otlpGrpcPort, otlpHttpPort, zipkinPort, apiPort)) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port out of range 1-65535: " + port);
      }
      if (!seen.add(port)) {
        throw new IllegalArgumentException("port " + port + " is given to two listeners");
      }
    }
    if (retentionCheckEvery.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(
          "the retention check interval must be at least 1s, not " + retentionCheckEvery);
    }
    store.validate();
    security.validate(bindAddress);
    limits.validate();
    pipeline.validate();
    health.validate();
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("retention must be positive, e.g. 7d");
    }
    if (!(sloTimeScale > 0) || Double.isInfinite(sloTimeScale)) {
      throw new IllegalArgumentException(
          "the SLO time scale must be a positive number (1 = real time), not " + sloTimeScale);
    }
    return this;
  }

  public ServerConfig withPorts(int grpc, int http, int zipkin, int api) {
    return with(
        c -> {
          c.otlpGrpcPort = grpc;
          c.otlpHttpPort = http;
          c.zipkinPort = zipkin;
          c.apiPort = api;
        });
  }

  public ServerConfig withBindAddress(String address) {
    return with(c -> c.bindAddress = address);
  }

  public ServerConfig withStore(DuckDbConfig s) {
    return with(c -> c.store = s);
  }

  /** Events older than {@code retention} are deleted, checked every {@code checkEvery}. */
  public ServerConfig withRetention(Duration retention, Duration checkEvery) {
    return with(
        c -> {
          c.retention = retention;
          c.retentionCheckEvery = checkEvery;
        });
  }

  public ServerConfig withPipeline(BatchingWriter.Config p) {
    return with(c -> c.pipeline = p);
  }

  public ServerConfig withLimits(IngestLimits l) {
    return with(c -> c.limits = l);
  }

  /** {@code file}: the declared dependencies (YAML), or null for none. */
  public ServerConfig withDeclared(Path file) {
    return with(c -> c.declared = file);
  }

  public ServerConfig withHealth(HealthConfig h) {
    return with(c -> c.health = h);
  }

  public ServerConfig withSecurity(SecurityConfig s) {
    return with(c -> c.security = s);
  }

  /**
   * This config with {@code change} made to a copy of its fields: each wither names only its own.
   */
  private ServerConfig with(Consumer<Fields> change) {
    Fields f = new Fields(this);
    change.accept(f);
    return f.build();
  }

  /** The fields of a config, to change before building a new one. */
  private static final class Fields {
    String bindAddress;
    int otlpGrpcPort;
    int otlpHttpPort;
    int zipkinPort;
    int apiPort;
    DuckDbConfig store;
    Duration retention;
    Duration retentionCheckEvery;
    IngestLimits limits;
    BatchingWriter.Config pipeline;
    Duration requestTimeout;
    HealthConfig health;
    Path declared;
    SecurityConfig security;
    Path archive;
    Path probes;
    Path slos;
    double sloTimeScale;

    Fields(ServerConfig c) {
      bindAddress = c.bindAddress;
      otlpGrpcPort = c.otlpGrpcPort;
      otlpHttpPort = c.otlpHttpPort;
      zipkinPort = c.zipkinPort;
      apiPort = c.apiPort;
      store = c.store;
      retention = c.retention;
      retentionCheckEvery = c.retentionCheckEvery;
      limits = c.limits;
      pipeline = c.pipeline;
      requestTimeout = c.requestTimeout;
      health = c.health;
      declared = c.declared;
      security = c.security;
      archive = c.archive;
      probes = c.probes;
      slos = c.slos;
      sloTimeScale = c.sloTimeScale;
    }

    ServerConfig build() {
      return new ServerConfig(
          bindAddress,
          otlpGrpcPort,
          otlpHttpPort,
          zipkinPort,
          apiPort,
          store,
          retention,
          retentionCheckEvery,
          limits,
          pipeline,
          requestTimeout,
          health,
          declared,
          security,
          archive,
          probes,
          slos,
          sloTimeScale);
    }
  }
}
