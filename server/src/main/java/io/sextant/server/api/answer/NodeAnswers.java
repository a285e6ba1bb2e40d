package io.sextant.server.api.answer;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.sextant.pipeline.kafka.KafkaArchiver;
import io.sextant.pipeline.kafka.KafkaLoader;
import io.sextant.pipeline.kafka.KafkaSettings;
import io.sextant.pipeline.kafka.KafkaSink;
import io.sextant.server.api.answer.ReadAnswers.IngestCounts;

/**
 * The status answers of the scale-out roles (docs/scale-out.md): {@code GET /api/v1/status} of a
 * collector, a writer or an archiver.
 */
public final class NodeAnswers {
  private NodeAnswers() {}

  /**
   * A role's status: {@code ok}, or {@code degraded} with the reason, and the role's own figures
   * ({@link Collector}, {@link Writer}, {@link Archiver}) beside them.
   */
  public record NodeStatus(
      String role,
      String status,
      @JsonInclude(JsonInclude.Include.NON_NULL) String reason,
      @JsonUnwrapped Record figures) {

    /** {@code problem}: null when the role is healthy, else why not, in one sentence. */
    public static NodeStatus of(String role, String problem, Record figures) {
      return new NodeStatus(role, problem == null ? "ok" : "degraded", problem, figures);
    }
  }

  /** A collector's figures: what ingest took and refused, and what it sent to Kafka. */
  public record Collector(IngestCounts ingest, Kafka kafka) {}

  /** The collector's producer. */
  public record Kafka(
      String bootstrap,
      String topic,
      boolean available,
      long inFlightEvents,
      long sentEvents,
      long failedSends) {

    public static Kafka of(KafkaSettings k, KafkaSink.Stats s) {
      return new Kafka(
          k.bootstrap(),
          k.topic(),
          s.available(),
          s.inFlightEvents(),
          s.sentEvents(),
          s.failedSends());
    }
  }

  /** A writer's figures. */
  public record Writer(WriterStats writer) {}

  /** What a writer consumed and stored; {@code last_error} once a write failed. */
  public record WriterStats(
      String topic,
      String group,
      long lagMessages,
      long writtenEvents,
      long batches,
      long failedWrites,
      long deadLetters,
      boolean storeRefusing,
      @JsonInclude(JsonInclude.Include.NON_NULL) String lastError) {

    public static WriterStats of(KafkaSettings k, KafkaLoader.Stats s) {
      return new WriterStats(
          k.topic(),
          k.group(),
          s.lagMessages(),
          s.writtenEvents(),
          s.batches(),
          s.failedWrites(),
          s.deadLetters(),
          s.storeRefusing(),
          s.lastError());
    }
  }

  /** An archiver's figures. */
  public record Archiver(ArchiverStats archiver) {}

  /** What an archiver consumed and archived; {@code last_error} once a write failed. */
  public record ArchiverStats(
      String topic,
      String group,
      String archive,
      long lagMessages,
      long archivedEvents,
      long batches,
      long failedWrites,
      long skippedMessages,
      boolean archiveRefusing,
      @JsonInclude(JsonInclude.Include.NON_NULL) String lastError) {

    /** {@code archive}: the archive's root folder. */
    public static ArchiverStats of(KafkaSettings k, String archive, KafkaArchiver.Stats s) {
      return new ArchiverStats(
          k.topic(),
          k.group(),
          archive,
          s.lagMessages(),
          s.archivedEvents(),
          s.batches(),
          s.failedWrites(),
          s.skippedMessages(),
          s.archiveRefusing(),
          s.lastError());
    }
  }
}
