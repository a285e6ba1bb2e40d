package io.sextant.pipeline.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far the archivers have come (docs/adr/0020-parquet-archive.md): retention over a shared store
 * deletes only once the archivers' group has committed past everything the topic held when the
 * retention run began. The writers store only what came through the topic, so every event the store
 * holds then is archived by that point.
 */
public final class ArchiveProgress implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ArchiveProgress.class);
  private static final long TIMEOUT_MS = 10_000;

  private final KafkaSettings archivers;
  private final Duration wait;
  private final Admin admin;

  /** {@code archivers.group()} is the archivers' group; waits at most {@code wait} per call. */
  public ArchiveProgress(KafkaSettings archivers, Duration wait) {
    this.archivers = archivers;
    this.wait = wait;
    this.admin = Admin.create(archivers.common());
  }

  /**
   * Whether, within the wait, the archivers' committed offsets reach the end each partition of the
   * topic had when this was called. False when they do not (they lag, or none runs) or the brokers
   * do not answer.
   */
  public boolean caughtUp() {
    try {
      TopicDescription topic =
          admin
              .describeTopics(List.of(archivers.topic()))
              .allTopicNames()
              .get(TIMEOUT_MS, TimeUnit.MILLISECONDS)
              .get(archivers.topic());
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (TopicPartitionInfo p : topic.partitions()) {
        latest.put(new TopicPartition(archivers.topic(), p.partition()), OffsetSpec.latest());
      }
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
          admin.listOffsets(latest).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      long deadline = System.nanoTime() + wait.toNanos();
      while (true) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin
                .listConsumerGroupOffsets(archivers.group())
                .partitionsToOffsetAndMetadata()
                .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        boolean all = true;
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e :
            ends.entrySet()) {
          OffsetAndMetadata c = committed.get(e.getKey());
          long end = e.getValue().offset();
          if (end > 0 && (c == null || c.offset() < end)) {
            all = false;
            break;
          }
        }
        if (all) {
          return true;
        }
        if (System.nanoTime() > deadline) {
          return false;
        }
        Thread.sleep(500);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      log.warn("cannot tell how far the archivers are: {}", KafkaSink.root(e));
      return false;
    }
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
