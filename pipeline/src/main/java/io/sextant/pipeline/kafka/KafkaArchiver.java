package io.sextant.pipeline.kafka;

import io.sextant.model.Event;
import io.sextant.pipeline.EventCodec;
import io.sextant.store.spi.StoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archiver (docs/adr/0020-parquet-archive.md): a consumer group of its own on the writers'
 * topic, gathering each partition's events for a while and writing them to the archive as one batch
 * per partition, named by the partition and the batch's first offset. It commits the offsets only
 * after the batch's files are durable; a batch whose commit never happened (a crash, a lost
 * partition) is removed by {@link Target#recover} when the partition is next assigned, before it is
 * read again, so the archive holds each message once.
 *
 * <p>When the archive refuses a batch (a full disk) the archiver keeps it, pauses its partitions
 * and tries again, backing off up to 5 s. A message that is not a batch of events is skipped with a
 * warning: the writers send it to the dead-letter topic.
 */
public final class KafkaArchiver implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaArchiver.class);
  public static final String DEFAULT_GROUP = "sextant-archivers";

  /** Where batches go: the Parquet archive. */
  public interface Target {
    /**
     * Writes the events of {@code partition} from {@code firstOffset}, durably when it returns; on
     * an exception nothing of them is kept.
     */
    void write(int partition, long firstOffset, List<Event> events) throws StoreException;

    /** The offsets after {@code partition}'s last written batch are committed. */
    void committed(int partition) throws StoreException;

    /**
     * Before {@code partition} is read from {@code committedOffset}: removes its last written batch
     * if that batch starts at or after {@code committedOffset} (its commit never happened).
     */
    void recover(int partition, long committedOffset) throws StoreException;
  }

  /**
   * How much is gathered before a write: at most {@code maxEvents} events, for at most {@code
   * maxAge}. Larger files read faster; {@code maxAge} bounds how far the archive trails the topic.
   */
  public record Batching(int maxEvents, Duration maxAge) {
    public Batching {
      if (maxEvents < 1 || maxAge.isNegative() || maxAge.isZero()) {
        throw new IllegalArgumentException("archive batches need a positive size and age");
      }
    }

    public static Batching defaults() {
      return new Batching(500_000, Duration.ofMinutes(1));
    }
  }

  /** Counters for the status endpoint; {@code stopped} once the archiver no longer reads. */
  public record Stats(
      long lagMessages,
      long archivedEvents,
      long batches,
      long failedWrites,
      long skippedMessages,
      boolean archiveRefusing,
      boolean stopped,
      String lastError) {}

  /** Called between a batch's durable files and its offset commit; tests halt the process there. */
  public interface Hook {
    void afterArchived(int events);

    Hook NONE = events -> {};
  }

  /** One partition's events gathered since its last commit. */
  private static final class Pending {
    final long first;
    long next;
    final List<Event> events = new ArrayList<>();
    boolean written;

    Pending(long first) {
      this.first = first;
      this.next = first;
    }
  }

  private final KafkaSettings settings;
  private final Target target;
  private final Batching batching;
  private final Hook hook;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Map<Integer, Pending> pending = new TreeMap<>();
  private final LongAdder archived = new LongAdder();
  private final LongAdder batches = new LongAdder();
  private final LongAdder failedWrites = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private long gatheringSince;
  private int gathered;
  private volatile boolean running = true;
  private final Lag lag;
  private volatile boolean refusing;
  private volatile String lastError;

  /** {@code settings.group()} should be the archivers' own ({@link #DEFAULT_GROUP}). */
  public KafkaArchiver(KafkaSettings settings, Target target, Batching batching, Hook hook) {
    this.settings = settings;
    this.target = target;
    this.batching = batching;
    this.hook = hook;
    this.consumer =
        new KafkaConsumer<>(
            settings.consumer("sextant-archiver"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    this.lag = new Lag(consumer);
    this.thread = new Thread(this::run, "sextant-archiver");
  }

  public KafkaArchiver start() {
    thread.start();
    return this;
  }

  private void run() {
    boolean closing = false;
    try {
      settings.awaitTopics("archiver", () -> running, problem -> lastError = problem);
      consumer.subscribe(List.of(settings.topic()), new Rebalance());
      while (running) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          gather(r);
        }
        if (due()) {
          flush();
        }
        lag.measure();
      }
      closing = true;
    } catch (WakeupException e) {
      closing = true; // close() asked
    } catch (RuntimeException e) {
      lastError = KafkaSink.root(e);
      log.error("archiver stopped: {}", lastError, e);
    } catch (Error e) {
      lastError = e.toString();
      throw e;
    } finally {
      try {
        if (closing && gathered > 0) {
          flushOnce(); // a failure leaves it to be read again
        }
      } catch (RuntimeException e) {
        log.warn(
            "archiver could not write its last batch, left to be read again: {}", e.toString());
      } finally {
        running = false;
        try {
          consumer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
          log.warn("closing the consumer failed: {}", e.getMessage());
        }
        stopped.countDown();
      }
    }
  }

  private void gather(ConsumerRecord<byte[], byte[]> r) {
    Pending p = pending.computeIfAbsent(r.partition(), x -> new Pending(r.offset()));
    p.next = r.offset() + 1;
    try {
      List<Event> events = EventCodec.decode(r.value() == null ? new byte[0] : r.value());
      if (gathered == 0) {
        gatheringSince = System.nanoTime();
      }
      p.events.addAll(events);
      gathered += events.size();
    } catch (EventCodec.Malformed e) {
      skipped.increment();
      log.warn(
          "message at {}-{} offset {} is not a batch of events ({}); not archived",
          r.topic(),
          r.partition(),
          r.offset(),
          e.getMessage());
    }
  }

  private boolean due() {
    if (pending.isEmpty()) {
      return false;
    }
    if (gathered == 0) {
      return true; // only skipped messages: commit past them
    }
    return gathered >= batching.maxEvents()
        || System.nanoTime() - gatheringSince >= batching.maxAge().toNanos();
  }

  /** Writes every partition's batch, retrying while the archive refuses, then commits. */
  private void flush() {
    long backoff = 200;
    Set<TopicPartition> paused = Set.of();
    while (running && !pending.isEmpty()) {
      try {
        flushOnce();
        refusing = false;
        if (!paused.isEmpty()) {
          Set<TopicPartition> still = new HashSet<>(paused);
          still.retainAll(consumer.assignment());
          consumer.resume(still);
          log.info("the archive accepts writes again; archiver resumed");
        }
        return;
      } catch (CommitFailedException e) {
        // This member was dropped from the group (too long between polls): the partitions' next
        // owner removes the batch just written (Target.recover) and reads it again.
        log.warn("archiver lost its partitions before committing: {}", e.getMessage());
        pending.clear();
        gathered = 0;
        return;
      } catch (StoreFailure e) {
        failedWrites.increment();
        lastError = e.getMessage();
        if (!refusing) {
          log.warn("the archive refused a batch, retrying with backoff: {}", lastError);
        }
        refusing = true;
        if (paused.isEmpty()) {
          paused = Set.copyOf(consumer.assignment());
          consumer.pause(paused);
        }
        // Polling while paused keeps this member in the group; a partition revoked meanwhile
        // drops its batch (Rebalance), one assigned meanwhile is not paused and is gathered.
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(backoff))) {
          gather(r);
        }
        lag.measure();
        backoff = Math.min(5_000, backoff * 2);
      }
    }
  }

  private static final class StoreFailure extends RuntimeException {
    StoreFailure(StoreException e) {
      super(e.getMessage(), e);
    }
  }

  private void flushOnce() {
    Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
    int events = 0;
    for (Map.Entry<Integer, Pending> e : pending.entrySet()) {
      Pending p = e.getValue();
      if (!p.written && !p.events.isEmpty()) {
        try {
          target.write(e.getKey(), p.first, p.events);
        } catch (StoreException x) {
          throw new StoreFailure(x);
        }
        p.written = true;
      }
      events += p.events.size();
      next.put(new TopicPartition(settings.topic(), e.getKey()), new OffsetAndMetadata(p.next));
    }
    if (events > 0) {
      hook.afterArchived(events);
    }
    consumer.commitSync(next);
    for (Map.Entry<Integer, Pending> e : pending.entrySet()) {
      if (e.getValue().written) {
        try {
          target.committed(e.getKey());
        } catch (StoreException x) {
          log.warn("archive: {}", x.getMessage());
        }
      }
    }
    archived.add(events);
    batches.increment();
    pending.clear();
    gathered = 0;
  }

  /** Drops the batches of partitions this member loses, and recovers those it gains. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        Pending p = pending.remove(tp.partition());
        if (p != null) {
          gathered -= p.events.size();
        }
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      Map<TopicPartition, OffsetAndMetadata> committed =
          consumer.committed(Set.copyOf(partitions), Duration.ofSeconds(30));
      for (TopicPartition tp : partitions) {
        OffsetAndMetadata c = committed.get(tp);
        try {
          target.recover(tp.partition(), c == null ? 0 : c.offset());
        } catch (StoreException e) {
          throw new IllegalStateException(e.getMessage(), e);
        }
      }
    }
  }

  public Stats stats() {
    return new Stats(
        lag.messages(),
        archived.sum(),
        batches.sum(),
        failedWrites.sum(),
        skipped.sum(),
        refusing,
        stopped.getCount() == 0,
        lastError);
  }

  /** Writes and commits what it gathered (left to be read again if that fails), then stops. */
  @Override
  public void close() {
    running = false;
    try {
      consumer.wakeup();
    } catch (IllegalStateException e) {
      // already closed: the loop ended on its own
    }
    try {
      if (!stopped.await(60, TimeUnit.SECONDS)) {
        log.warn("archiver did not stop within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
