package io.sextant.server;

import io.sextant.ingest.IngestLimits;
import io.sextant.pipeline.BatchingWriter;
import io.sextant.server.security.SecurityConfig;
import io.sextant.store.duckdb.DuckDbConfig;
import io.sextant.topology.health.HealthConfig;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
    java.nio.file.Path declared,
    SecurityConfig security,
    java.nio.file.Path archive) {

  /** As the canonical constructor, with no archive (docs/adr/0020-parquet-archive.md). */
  public ServerConfig(
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
      java.nio.file.Path declared,
      SecurityConfig security) {
    this(
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
        null);
  }

  /**
   * This config with the Parquet archive in {@code dir}: questions whose range begins before the
   * retention cutoff read it.
   */
  public ServerConfig withArchive(java.nio.file.Path dir) {
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
        dir);
  }

  /** As the canonical constructor, with the default security: open on loopback only. */
  public ServerConfig(
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
      java.nio.file.Path declared) {
    this(
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
        SecurityConfig.DEFAULTS);
  }

  public ServerConfig {
    security = security == null ? SecurityConfig.DEFAULTS : security;
  }

  public static ServerConfig defaults(java.nio.file.Path dataDir) {
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
        null);
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
    if (retentionCheckEvery.compareTo(java.time.Duration.ofSeconds(1)) < 0) {
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
    return this;
  }

  public ServerConfig withPorts(int grpc, int http, int zipkin, int api) {
    return new ServerConfig(
        bindAddress,
        grpc,
        http,
        zipkin,
        api,
        store,
        retention,
        retentionCheckEvery,
        limits,
        pipeline,
        requestTimeout,
        health,
        declared,
        security,
        archive);
  }

  public ServerConfig withPipeline(BatchingWriter.Config p) {
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
        p,
        requestTimeout,
        health,
        declared,
        security,
        archive);
  }

  public ServerConfig withLimits(IngestLimits l) {
    return new ServerConfig(
        bindAddress,
        otlpGrpcPort,
        otlpHttpPort,
        zipkinPort,
        apiPort,
        store,
        retention,
        retentionCheckEvery,
        l,
        pipeline,
        requestTimeout,
        health,
        declared,
        security,
        archive);
  }

  /** {@code file}: the declared dependencies (YAML), or null for none. */
  public ServerConfig withDeclared(java.nio.file.Path file) {
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
        file,
        security,
        archive);
  }

  public ServerConfig withHealth(HealthConfig h) {
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
        h,
        declared,
        security,
        archive);
  }

  public ServerConfig withSecurity(SecurityConfig s) {
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
        s,
        archive);
  }
}
