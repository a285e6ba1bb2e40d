package io.sextant.pipeline;

import io.sextant.model.Event;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where ingest hands accepted events: the embedded server's group commit into its store ({@link
 * BatchingWriter}), or a collector's Kafka topic ({@code pipeline.kafka.KafkaSink}). Either way a
 * request is acknowledged only when its future completes normally, which means its events are
 * durable where they went.
 */
public interface EventSink {
  /**
   * Takes {@code events}; the future completes when they are durable, exceptionally when they could
   * not be made so (nothing of them may then be counted as kept).
   *
   * @throws Overloaded when the sink cannot take more now; nothing of {@code events} was taken
   */
  CompletableFuture<Void> submit(List<Event> events) throws Overloaded;
}
