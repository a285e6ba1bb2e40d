package io.sextant.server;

import com.linecorp.armeria.server.Server;
import io.sextant.model.Event;
import io.sextant.pipeline.BatchingWriter;
import io.sextant.pipeline.kafka.KafkaArchiver;
import io.sextant.pipeline.kafka.KafkaSettings;
import io.sextant.server.api.answer.NodeAnswers;
import io.sextant.server.security.Keyring;
import io.sextant.store.duckdb.ParquetArchiveWriter;
import io.sextant.store.spi.StoreException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sextant serve --role archiver} (docs/scale-out.md, docs/adr/0020-parquet-archive.md): a
 * member of the archivers' consumer group, writing the topic's events as hourly Parquet files under
 * {@code --archive}. Its API port answers {@code /health} (503 while the archive refuses), {@code
 * /api/v1/status} (lag, archived events) and {@code /metrics}.
 */
public final class ArchiverNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ArchiverNode.class);

  private final ServerConfig config;
  private final Keyring keys;
  private final ParquetArchiveWriter archive;
  private final KafkaArchiver archiver;
  private final Server server;

  public ArchiverNode(
      ServerConfig config, KafkaSettings kafka, Path dir, KafkaArchiver.Batching batching)
      throws StoreException {
    this(config, kafka, dir, batching, KafkaArchiver.Hook.NONE);
  }

  /** As above; {@code hook} runs between a batch's durable files and its offset commit (tests). */
  public ArchiverNode(
      ServerConfig config,
      KafkaSettings kafka,
      Path dir,
      KafkaArchiver.Batching batching,
      KafkaArchiver.Hook hook)
      throws StoreException {
    this.config = config.validate();
    this.keys = config.security().keyring();
    this.archive = ParquetArchiveWriter.open(dir);
    this.archiver = new KafkaArchiver(kafka, target(archive), batching, hook);
    this.server =
        NodeApi.consumer(
            config,
            keys,
            "archiver",
            "Messages of this archiver's partitions not yet archived.",
            () -> {
              KafkaArchiver.Stats s = archiver.stats();
              return new BatchingWriter.Stats(
                  s.lagMessages(), s.archivedEvents(), s.batches(), 0, s.failedWrites(), 0, 0);
            },
            new NodeApi.Status() {
              @Override
              public String problem() {
                KafkaArchiver.Stats s = archiver.stats();
                if (s.stopped()) {
                  return "the archiver stopped: " + s.lastError();
                }
                return s.archiveRefusing() ? "the archive refuses writes: " + s.lastError() : null;
              }

              @Override
              public Record figures() {
                return new NodeAnswers.Archiver(
                    NodeAnswers.ArchiverStats.of(
                        kafka, archive.root().toString(), archiver.stats()));
              }
            });
  }

  /** The archive as the archiver's target: a partition is a source, its offsets the positions. */
  static KafkaArchiver.Target target(ParquetArchiveWriter archive) {
    return new KafkaArchiver.Target() {
      @Override
      public void write(int partition, long firstOffset, List<Event> events) throws StoreException {
        archive.write(Integer.toString(partition), firstOffset, events);
      }

      @Override
      public void committed(int partition) throws StoreException {
        archive.committed(Integer.toString(partition));
      }

      @Override
      public void recover(int partition, long committedOffset) throws StoreException {
        archive.recover(Integer.toString(partition), first -> committedOffset > first);
      }
    };
  }

  public KafkaArchiver.Stats stats() {
    return archiver.stats();
  }

  public ArchiverNode start() {
    keys.start();
    archiver.start();
    server.start().join();
    log.info(
        "sextant archiver consuming api={}:{} archive={}",
        config.bindAddress(),
        config.apiPort(),
        archive.root());
    return this;
  }

  /** Archives and commits what it gathered, then stops. */
  @Override
  public void close() {
    server.stop().join();
    archiver.close();
    archive.close();
    keys.close();
    log.info("sextant archiver stopped");
  }
}
