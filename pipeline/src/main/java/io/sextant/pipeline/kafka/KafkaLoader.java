package io.sextant.pipeline.kafka;

import io.sextant.model.Event;
import io.sextant.pipeline.EventCodec;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.StoreException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A writer: one member of the writers' consumer group, moving the topic's events into the store. It
 * commits a batch's offsets only after the store made the batch durable, so a crash between the two
 * redelivers the batch; the store's writes are idempotent by event identity (the ClickHouse store
 * counts an event once however often it is written), so a redelivery stores nothing twice.
 *
 * <p>When the store refuses a batch it keeps the batch and tries again, backing off up to 5 s, with
 * its partitions paused (no more is read meanwhile) and the consumer still polling, so the group
 * does not consider it dead; {@link Stats#lag} shows the events waiting. A message that is not a
 * batch of events (a poison pill) goes to the dead-letter topic with the reason in a header and a
 * warning in the log; it never stops the writer.
 */
public final class KafkaLoader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaLoader.class);
  static final String REASON_HEADER = "sextant.reason";

  /**
   * Counters for the status endpoint; {@code lagMessages} is how many messages of this writer's
   * partitions are not yet stored.
   */
  public record Stats(
      long lagMessages,
      long writtenEvents,
      long batches,
      long failedWrites,
      long deadLetters,
      boolean storeRefusing,
      String lastError) {}

  /** Called between a batch's store write and its offset commit; tests halt the process there. */
  public interface Hook {
    void afterStoreWrite(int events);

    Hook NONE = events -> {};
  }

  private final KafkaSettings settings;
  private final EventStore store;
  private final Hook hook;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> deadLetters;
  private final Thread thread;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final LongAdder written = new LongAdder();
  private final LongAdder batches = new LongAdder();
  private final LongAdder failedWrites = new LongAdder();
  private final LongAdder dead = new LongAdder();
  private volatile boolean running = true;
  // This writer's messages not yet stored (a batch in hand or held back by a refusing store).
  private final Lag lag;
  private volatile boolean refusing;
  private volatile String lastError;

  public KafkaLoader(KafkaSettings settings, EventStore store) {
    this(settings, store, Hook.NONE);
  }

  public KafkaLoader(KafkaSettings settings, EventStore store, Hook hook) {
    this.settings = settings;
    this.store = store;
    this.hook = hook;
    this.consumer =
        new KafkaConsumer<>(
            settings.consumer("sextant-writer"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    this.lag = new Lag(consumer);
    Properties p = settings.common();
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "sextant-writer-dead-letters");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(32 << 20));
    this.deadLetters = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    this.thread = new Thread(this::run, "sextant-writer");
  }

  public KafkaLoader start() {
    thread.start();
    return this;
  }

  private void run() {
    try {
      settings.awaitTopics("writer", () -> running, problem -> lastError = problem);
      consumer.subscribe(List.of(settings.topic()));
      while (running) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
        if (!records.isEmpty()) {
          load(records);
        }
        lag.measure();
      }
    } catch (WakeupException e) {
      // close() asked
    } catch (RuntimeException e) {
      lastError = KafkaSink.root(e);
      log.error("writer stopped: {}", lastError, e);
    } finally {
      try {
        consumer.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        log.warn("closing the consumer failed: {}", e.getMessage());
      }
      stopped.countDown();
    }
  }

  private void load(ConsumerRecords<byte[], byte[]> records) {
    List<Event> events = new ArrayList<>();
    Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      next.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
      try {
        events.addAll(EventCodec.decode(r.value() == null ? new byte[0] : r.value()));
      } catch (EventCodec.Malformed e) {
        deadLetter(r, e.getMessage());
      }
    }
    if (!events.isEmpty()) {
      writeUntilStored(events);
      if (!running) {
        return; // not stored: redelivered to whoever reads the partitions next
      }
      hook.afterStoreWrite(events.size());
    }
    consumer.commitSync(next);
    written.add(events.size());
    batches.increment();
  }

  /**
   * Writes {@code events}, retrying while the store refuses, with the partitions paused. Polling
   * keeps this member in the group; a rebalance may meanwhile hand it partitions that are not
   * paused, and what a poll returns from them is put back (seek to its first offset) and those
   * partitions paused too, so nothing is skipped and later committed past.
   */
  private void writeUntilStored(List<Event> events) {
    long backoff = 200;
    Set<TopicPartition> paused = new HashSet<>();
    while (running) {
      try {
        store.write(events);
        if (!paused.isEmpty()) {
          Set<TopicPartition> still = new HashSet<>(paused);
          still.retainAll(consumer.assignment()); // a rebalance may have taken some away
          consumer.resume(still);
          log.info("store accepts writes again; writer resumed");
        }
        refusing = false;
        return;
      } catch (StoreException e) {
        failedWrites.increment();
        lastError = e.getMessage();
        if (!refusing) {
          log.warn("store refused {} events, retrying with backoff: {}", events.size(), lastError);
        }
        refusing = true;
        pauseAll(paused);
        ConsumerRecords<byte[], byte[]> stray = consumer.poll(Duration.ofMillis(backoff));
        for (TopicPartition tp : stray.partitions()) {
          consumer.seek(tp, stray.records(tp).getFirst().offset());
        }
        pauseAll(paused);
        lag.measure();
        backoff = Math.min(5_000, backoff * 2);
      }
    }
  }

  /** Pauses every assigned partition not yet in {@code paused}, and adds it there. */
  private void pauseAll(Set<TopicPartition> paused) {
    Set<TopicPartition> fresh = new HashSet<>(consumer.assignment());
    fresh.removeAll(paused);
    if (!fresh.isEmpty()) {
      consumer.pause(fresh);
      paused.addAll(fresh);
    }
  }

  private void deadLetter(ConsumerRecord<byte[], byte[]> r, String reason) {
    dead.increment();
    log.warn(
        "message at {}-{} offset {} is not a batch of events ({}); sent to {}",
        r.topic(),
        r.partition(),
        r.offset(),
        reason,
        settings.deadLetterTopic());
    ProducerRecord<byte[], byte[]> letter =
        new ProducerRecord<>(settings.deadLetterTopic(), r.key(), r.value());
    letter.headers().add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
    letter
        .headers()
        .add(
            "sextant.source",
            (r.topic() + "-" + r.partition() + "@" + r.offset()).getBytes(StandardCharsets.UTF_8));
    try {
      deadLetters.send(letter).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Not committing past a message that is neither stored nor dead-lettered: it comes back.
      throw new IllegalStateException(
          "cannot write to the dead-letter topic: " + KafkaSink.root(e), e);
    }
  }

  public Stats stats() {
    return new Stats(
        lag.messages(),
        written.sum(),
        batches.sum(),
        failedWrites.sum(),
        dead.sum(),
        refusing,
        lastError);
  }

  /** Stops after the batch in hand (committed if stored, else left to be redelivered). */
  @Override
  public void close() {
    running = false;
    try {
      consumer.wakeup();
    } catch (IllegalStateException e) {
      // already closed: the loop ended on its own
    }
    try {
      if (!stopped.await(30, TimeUnit.SECONDS)) {
        log.warn("writer did not stop within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deadLetters.close(Duration.ofSeconds(5));
  }
}
