package io.sextant.pipeline.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LocalKafkaIT {
  @TempDir Path dir;

  /**
   * A broker whose log directory disappears (what a broker left running meets when its test's
   * temporary directory is removed) asks Kafka to halt the process: the process must go on, and the
   * fault be counted. Before LocalKafka replaced Kafka's halt, this test's JVM died here.
   */
  @Test
  void aBrokerWhoseLogDirectoryFails_doesNotEndTheProcess() throws Exception {
    int before = LocalKafka.faults();
    try (LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"), List.of("a"), 1)) {
      // Moved away in one step (deleting it file by file races with the broker's own new files):
      // the broker's paths now name a directory that is gone.
      Path data = dir.resolve("kafka").resolve("data");
      Files.move(data, data.resolveSibling("data-gone"));
      try {
        kafka.createTopics(List.of("b"), 1); // a new partition's directory cannot be made
      } catch (IllegalStateException expected) {
        // the broker may answer the request with an error, or not at all
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (LocalKafka.faults() == before && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(LocalKafka.faults()).as("the broker's halt, counted").isGreaterThan(before);
    }
  }
}
