package io.sextant.bench.springsys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The shop's Kafka broker: {@link KafkaBroker} in a JVM of its own from springsys.jar, on a free
 * port of 127.0.0.1, writing kafka.log in the logs directory.
 */
final class KafkaProcess {
  final int port;
  final Process process;
  private final Path log;

  private KafkaProcess(int port, Process process, Path log) {
    this.port = port;
    this.process = process;
    this.log = log;
  }

  /** Starts the broker with {@code topic}, keeping its data under {@code workDir}/kafka. */
  static KafkaProcess start(Path jar, Path workDir, Path logs, String topic) throws IOException {
    int port = SpringSystem.freePort();
    int controller = SpringSystem.freePort();
    ProcessBuilder pb =
        new ProcessBuilder(
            SpringSystem.java(),
            "-Xms64m",
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Xss512k",
            "-jar",
            jar.toString(),
            "kafka",
            workDir.resolve("kafka").toString(),
            Integer.toString(port),
            Integer.toString(controller),
            topic);
    pb.redirectErrorStream(true);
    Path log = logs.resolve("kafka.log");
    pb.redirectOutput(log.toFile());
    return new KafkaProcess(port, pb.start(), log);
  }

  /** Returns once the broker printed KAFKA READY; throws when it exits or {@code max} passes. */
  void await(Duration max) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (true) {
      if (Files.isRegularFile(log) && Files.readString(log).contains("KAFKA READY")) {
        return;
      }
      if (!process.isAlive()) {
        throw new IOException("kafka exited with " + process.exitValue() + "; see " + log);
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("kafka not ready in " + max.toSeconds() + " s; see " + log);
      }
      Thread.sleep(200);
    }
  }
}
