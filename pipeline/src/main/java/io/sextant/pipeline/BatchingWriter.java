package io.sextant.pipeline;

import io.sextant.model.Event;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit in front of an {@link EventStore}: requests are queued, one writer thread takes
 * everything queued (up to {@code maxBatchEvents}) and writes it as one durable batch, then
 * completes every request of it. While one batch is being written the next one gathers, so batches
 * grow with load and the cost of a commit is shared (docs/adr/0005-durable-ingest.md).
 *
 * <p>A request's future completes normally only after its events are durable; exceptionally when
 * the store failed, in which case nothing of it was acknowledged. When more than {@code
 * maxQueuedEvents} are waiting, {@link #submit} refuses at once with {@link Overloaded}: the queue
 * never grows without bound and nothing accepted is dropped.
 */
public final class BatchingWriter implements StoreSink {
  private static final Logger log = LoggerFactory.getLogger(BatchingWriter.class);

  /**
   * @param maxQueuedEvents events waiting to be written before new requests are refused
   * @param maxBatchEvents events written in one store call (one DuckDB commit); 122,880 is one
   *     DuckDB row group, which DuckDB writes straight to the file rather than through its WAL
   */
  public record Config(int maxQueuedEvents, int maxBatchEvents) {
    public static Config defaults() {
      return new Config(500_000, 122_880);
    }

    public Config validate() {
      if (maxQueuedEvents <= 0 || maxBatchEvents <= 0) {
        throw new IllegalArgumentException(
            "pipeline.max-queued-events and pipeline.max-batch-events must be positive");
      }
      return this;
    }
  }

  /** Counters for the status endpoint. */
  public record Stats(
      long queuedEvents,
      long writtenEvents,
      long batches,
      long rejectedRequests,
      long failedBatches,
      long lastBatchEvents,
      long lastBatchMillis) {}

  private record Pending(List<Event> events, Runnable stored, CompletableFuture<Void> done) {}

  private final EventStore store;
  private final Config config;
  private final StoreTap tap;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final AtomicLong queued = new AtomicLong();
  private final LongAdder written = new LongAdder();
  private final LongAdder batches = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private volatile long lastBatchEvents;
  private volatile long lastBatchMillis;
  private final Thread thread;
  private volatile boolean closing;

  public BatchingWriter(EventStore store, Config config) {
    this(store, config, StoreTap.NONE);
  }

  /** As above, and {@code tap} sees every request taken and when it is stored. */
  public BatchingWriter(EventStore store, Config config, StoreTap tap) {
    this.store = store;
    this.config = config.validate();
    this.tap = tap;
    this.thread = Thread.ofPlatform().name("sextant-writer").unstarted(this::run);
  }

  @Override
  public BatchingWriter start() {
    thread.start();
    return this;
  }

  /**
   * Queues {@code events}; the future completes once they are durable.
   *
   * @throws Overloaded when the queue is full; nothing of the request is kept
   */
  @Override
  public CompletableFuture<Void> submit(List<Event> events) throws Overloaded {
    if (events.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    if (closing) {
      throw new Overloaded("the server is shutting down", 5);
    }
    long after = queued.addAndGet(events.size());
    if (after > config.maxQueuedEvents() && after != events.size()) {
      queued.addAndGet(-events.size());
      rejected.increment();
      throw new Overloaded(
          "the write queue is full ("
              + (after - events.size())
              + " events waiting); retry after a short delay",
          1);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    queue.add(new Pending(events, tap.taken(events), done));
    return done;
  }

  @Override
  public Stats stats() {
    return new Stats(
        queued.get(),
        written.sum(),
        batches.sum(),
        rejected.sum(),
        failed.sum(),
        lastBatchEvents,
        lastBatchMillis);
  }

  private void run() {
    List<Pending> taken = new ArrayList<>();
    while (!(closing && queue.isEmpty())) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        taken.add(first);
        int size = first.events().size();
        Pending next;
        while (size < config.maxBatchEvents()
            && (next = queue.peek()) != null
            && size + next.events().size() <= config.maxBatchEvents()) {
          taken.add(queue.poll());
          size += next.events().size();
        }
        writeBatch(taken, size);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } finally {
        taken.clear();
      }
    }
  }

  private void writeBatch(List<Pending> taken, int size) {
    List<Event> batch;
    if (taken.size() == 1) {
      batch = taken.getFirst().events();
    } else {
      batch = new ArrayList<>(size);
      for (Pending p : taken) {
        batch.addAll(p.events());
      }
    }
    long start = System.nanoTime();
    try {
      store.write(batch);
      written.add(size);
      batches.increment();
      lastBatchEvents = size;
      lastBatchMillis = (System.nanoTime() - start) / 1_000_000;
      queued.addAndGet(-size);
      for (Pending p : taken) {
        stored(p.stored());
        p.done().complete(null);
      }
    } catch (StoreException | RuntimeException e) {
      failed.increment();
      queued.addAndGet(-size);
      log.error("batch of {} events not stored: {}", size, e.getMessage());
      for (Pending p : taken) {
        p.done().completeExceptionally(e);
      }
    }
  }

  /** Runs a tap's action; a failing one is logged, never fails the stored request. */
  static void stored(Runnable action) {
    if (action == null) {
      return;
    }
    try {
      action.run();
    } catch (RuntimeException e) {
      log.error("the store tap failed after a write: {}", e.toString());
    }
  }

  /** Writes what is queued, then stops the writer thread. Waits at most {@code timeoutMillis}. */
  public void close(long timeoutMillis) {
    closing = true;
    try {
      thread.join(timeoutMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Pending p;
    while ((p = queue.poll()) != null) {
      p.done().completeExceptionally(new StoreException("the server shut down before writing"));
    }
  }

  @Override
  public void close() {
    close(30_000);
  }
}
