package io.sextant.bench.springsys;

import io.sextant.server.ServerConfig;
import io.sextant.server.SextantServer;
import io.sextant.store.duckdb.DuckDbConfig;
import io.sextant.topology.health.HealthConfig;
import io.sextant.topology.health.HealthTarget;
import io.sextant.triage.probe.ProbeSuite;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real Sextant server in this JVM on free ports with its data in a directory of its own, as
 * {@code sextant serve --probes probes.yaml --health …} would run against the shop (the demo starts
 * one the same way).
 */
public final class InProcessSextant implements AutoCloseable {
  private final SextantServer server;

  private InProcessSextant(SextantServer server) {
    this.server = server;
  }

  public static InProcessSextant start(Path dataDir) throws IOException {
    RuntimeException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      ServerConfig sc =
          ServerConfig.defaults(dataDir)
              .withPorts(freePort(), freePort(), freePort(), freePort())
              .withHealth(new HealthConfig(List.of(), Duration.ofSeconds(5), Duration.ofSeconds(2)))
              .withStore(new DuckDbConfig(dataDir, "512MB", 0));
      SextantServer s = SextantServer.builder(sc).build();
      try {
        return new InProcessSextant(s.start());
      } catch (RuntimeException e) {
        s.close();
        last = e; // a port taken meanwhile: try others
      }
    }
    throw last;
  }

  /** The shop's probes (probes.yaml in this module's resources) for its gateway. */
  public static ProbeSuite probes(String gateway) throws IOException {
    try (InputStream in = InProcessSextant.class.getResourceAsStream("/probes.yaml")) {
      return ProbeSuite.parse(in, "probes.yaml", Map.of("gateway", gateway));
    }
  }

  /** Starts triage over the shop's probes and polls every actuator health URL. */
  public void watch(SpringSystem system) throws IOException {
    system
        .healthUrls()
        .forEach((svc, url) -> server.health().add(new HealthTarget(svc, URI.create(url))));
    server.startTriage(probes(system.gatewayUrl()));
  }

  public String otlpHttpEndpoint() {
    return "http://127.0.0.1:" + server.config().otlpHttpPort();
  }

  public String apiUrl() {
    return "http://127.0.0.1:" + server.config().apiPort();
  }

  public SextantServer server() {
    return server;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
