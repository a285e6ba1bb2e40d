package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged server ({@code target/sextant-server.jar}) as its own process, for tests that kill
 * it: started on the given ports (OTLP/gRPC, OTLP/HTTP, Zipkin, API), returned once {@code /health}
 * answers 200.
 */
final class ServerProcess {
  private ServerProcess() {}

  /**
   * @param logs where the process's output file goes
   * @param jvm options of its JVM (heap and the like)
   * @param serve options of {@code serve} beside the data directory and the ports
   */
  static Process start(Path logs, Path data, int[] ports, List<String> jvm, String... serve)
      throws Exception {
    return start(java.util.Map.of(), logs, data, ports, jvm, serve);
  }

  /** As {@link #start(Path, Path, int[], List, String...)}, with {@code env} added. */
  static Process start(
      java.util.Map<String, String> env,
      Path logs,
      Path data,
      int[] ports,
      List<String> jvm,
      String... serve)
      throws Exception {
    Path jar = Path.of("target/sextant-server.jar").toAbsolutePath();
    assertThat(jar).exists();
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("--enable-native-access=ALL-UNNAMED");
    command.addAll(jvm);
    command.addAll(List.of("-jar", jar.toString(), "serve", "--data-dir=" + data));
    command.addAll(List.of(serve));
    command.addAll(
        List.of(
            "--otlp-grpc-port=" + ports[0],
            "--otlp-http-port=" + ports[1],
            "--zipkin-port=" + ports[2],
            "--api-port=" + ports[3]));
    Path log = Files.createTempFile(logs, "server", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    Process p = builder.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new AssertionError("server exited: " + Files.readString(log));
      }
      try {
        HttpResponse<String> r =
            TestServer.HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[3] + "/health"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return p;
        }
      } catch (java.io.IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    p.destroyForcibly();
    throw new AssertionError("server did not become healthy: " + Files.readString(log));
  }
}
