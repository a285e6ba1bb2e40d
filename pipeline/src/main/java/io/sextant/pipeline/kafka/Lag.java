package io.sextant.pipeline.kafka;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * The messages of a consumer's partitions not yet committed by its group: the end of each partition
 * less its committed offset (what a batch in hand or held back still counts). Measured by the
 * consumer's own thread at most once a second, since it asks the brokers; read by any thread.
 */
final class Lag {
  private final KafkaConsumer<?, ?> consumer;
  private volatile long messages;
  private long measuredAt;

  Lag(KafkaConsumer<?, ?> consumer) {
    this.consumer = consumer;
  }

  /** Measures again unless it did within the last second; the last figure stays if it cannot. */
  void measure() {
    long now = System.nanoTime();
    if (now - measuredAt < 1_000_000_000L) {
      return;
    }
    measuredAt = now;
    try {
      messages = of(consumer);
    } catch (TimeoutException e) {
      // the brokers are slow or gone: the last figure stays
    }
  }

  /** The last figure measured. */
  long messages() {
    return messages;
  }

  /**
   * The messages of {@code consumer}'s partitions after its group's committed offsets.
   *
   * @throws TimeoutException when the brokers do not answer in 2 s (each of three requests)
   */
  private static long of(KafkaConsumer<?, ?> consumer) {
    Set<TopicPartition> assigned = consumer.assignment();
    if (assigned.isEmpty()) {
      return 0;
    }
    Duration wait = Duration.ofSeconds(2);
    Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, wait);
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned, wait);
    Set<TopicPartition> fresh = new HashSet<>(assigned); // no commit yet: counted from the start
    fresh.removeIf(tp -> committed.get(tp) != null);
    Map<TopicPartition, Long> starts =
        fresh.isEmpty() ? Map.of() : consumer.beginningOffsets(fresh, wait);
    long total = 0;
    for (TopicPartition tp : assigned) {
      OffsetAndMetadata c = committed.get(tp);
      long from = c != null ? c.offset() : starts.getOrDefault(tp, 0L);
      total += Math.max(0, ends.getOrDefault(tp, from) - from);
    }
    return total;
  }
}
