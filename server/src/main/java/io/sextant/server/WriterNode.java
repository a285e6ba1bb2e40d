package io.sextant.server;

import com.linecorp.armeria.server.Server;
import io.sextant.pipeline.BatchingWriter;
import io.sextant.pipeline.kafka.KafkaLoader;
import io.sextant.pipeline.kafka.KafkaSettings;
import io.sextant.server.api.answer.NodeAnswers;
import io.sextant.server.security.Keyring;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.Health;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sextant serve --role writer} (docs/scale-out.md): a member of the writers' consumer group,
 * moving events from Kafka into the shared store ({@link KafkaLoader}). Its API port answers {@code
 * /health} (503 while the store refuses), {@code /api/v1/status} (lag, written, dead letters) and
 * {@code /metrics}.
 */
public final class WriterNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WriterNode.class);

  private final ServerConfig config;
  private final Keyring keys;
  private final EventStore store;
  private final KafkaLoader loader;
  private final Server server;

  public WriterNode(ServerConfig config, KafkaSettings kafka, Supplier<EventStore> openStore) {
    this(config, kafka, openStore, KafkaLoader.Hook.NONE);
  }

  /** As above; {@code hook} runs between a batch's store write and its offset commit (tests). */
  public WriterNode(
      ServerConfig config,
      KafkaSettings kafka,
      Supplier<EventStore> openStore,
      KafkaLoader.Hook hook) {
    this.config = config.validate();
    this.keys = config.security().keyring();
    this.store = openStore.get();
    this.loader = new KafkaLoader(kafka, store, hook);
    this.server =
        NodeApi.consumer(
            config,
            keys,
            "writer",
            "Messages of this writer's partitions not yet stored.",
            () -> {
              KafkaLoader.Stats s = loader.stats();
              return new BatchingWriter.Stats(
                  s.lagMessages(), s.writtenEvents(), s.batches(), 0, s.failedWrites(), 0, 0);
            },
            new NodeApi.Status() {
              @Override
              public String problem() {
                KafkaLoader.Stats s = loader.stats();
                if (s.storeRefusing()) {
                  return "the store refuses writes: " + s.lastError();
                }
                Health h = store.check();
                return h.healthy() ? null : h.detail();
              }

              @Override
              public Record figures() {
                return new NodeAnswers.Writer(NodeAnswers.WriterStats.of(kafka, loader.stats()));
              }
            });
  }

  public WriterNode start() {
    keys.start();
    loader.start();
    server.start().join();
    log.info(
        "sextant writer consuming api={}:{} store={}",
        config.bindAddress(),
        config.apiPort(),
        store.getClass().getSimpleName());
    return this;
  }

  /** Stops after the batch in hand (committed if stored), then closes the store. */
  @Override
  public void close() {
    server.stop().join();
    loader.close();
    store.close();
    keys.close();
    log.info("sextant writer stopped");
  }
}
