package io.sextant.demo;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the demo runs. Sextant's ports: 0 means a free ephemeral port (tests), a positive port is
 * taken when free and otherwise replaced by a free one (so {@code ./sextant demo} works next to
 * another Sextant). {@code requestsPerSecond} 0 means no traffic.
 */
public record DemoConfig(
    Path dataDir,
    int apiPort,
    int otlpHttpPort,
    int otlpGrpcPort,
    int zipkinPort,
    int gatewayPort,
    double requestsPerSecond,
    Duration exportDelay,
    String storeMemoryLimit,
    String environment) {

  public static DemoConfig defaults(Path dataDir) {
    return new DemoConfig(
        dataDir, 7070, 4318, 4317, 9411, 8080, 30, Duration.ofSeconds(1), "1GB", "demo");
  }

  /** Every port ephemeral, no traffic, fast export: what the tests use. */
  public static DemoConfig forTests(Path dataDir) {
    return new DemoConfig(dataDir, 0, 0, 0, 0, 0, 0, Duration.ofMillis(200), "512MB", "test");
  }

  public DemoConfig withRate(double rps) {
    return new DemoConfig(
        dataDir,
        apiPort,
        otlpHttpPort,
        otlpGrpcPort,
        zipkinPort,
        gatewayPort,
        rps,
        exportDelay,
        storeMemoryLimit,
        environment);
  }

  public DemoConfig validate() {
    if (requestsPerSecond < 0 || requestsPerSecond > 1000) {
      throw new IllegalArgumentException("rate must be between 0 and 1000 requests per second");
    }
    return this;
  }
}
