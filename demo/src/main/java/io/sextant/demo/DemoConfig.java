package io.sextant.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How the demo runs. Sextant's ports: 0 means a free ephemeral port (tests), a positive port is
 * taken when free and otherwise replaced by a free one (so {@code ./sextant demo} works next to
 * another Sextant). {@code requestsPerSecond} 0 means no traffic. {@code corsOrigins} are the web
 * origins whose pages may send telemetry to Sextant's OTLP/HTTP port ({@code --cors-origins},
 * docs/security.md); none by default, as for {@code sextant serve}.
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
    String environment,
    List<String> corsOrigins) {

  public DemoConfig {
    corsOrigins = corsOrigins == null ? List.of() : List.copyOf(corsOrigins);
  }

  public static DemoConfig defaults(Path dataDir) {
    return new DemoConfig(
        dataDir, 7070, 4318, 4317, 9411, 8080, 30, Duration.ofSeconds(1), "1GB", "demo", List.of());
  }

  /** Every port ephemeral, no traffic, fast export: what the tests use. */
  public static DemoConfig forTests(Path dataDir) {
    return new DemoConfig(
        dataDir, 0, 0, 0, 0, 0, 0, Duration.ofMillis(200), "512MB", "test", List.of());
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
        environment,
        corsOrigins);
  }

  /** With web pages of {@code origins} allowed to export spans and logs from a browser. */
  public DemoConfig withCorsOrigins(List<String> origins) {
    return new DemoConfig(
        dataDir,
        apiPort,
        otlpHttpPort,
        otlpGrpcPort,
        zipkinPort,
        gatewayPort,
        requestsPerSecond,
        exportDelay,
        storeMemoryLimit,
        environment,
        origins);
  }

  public DemoConfig validate() {
    if (requestsPerSecond < 0 || requestsPerSecond > 1000) {
      throw new IllegalArgumentException("rate must be between 0 and 1000 requests per second");
    }
    return this;
  }
}
