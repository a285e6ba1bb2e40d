package io.sextant.pipeline;

import io.sextant.model.Event;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.PreparedBatch;
import io.sextant.store.spi.StoreException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded server's durable ingest (docs/adr/0021-segment-log.md): a request is acknowledged
 * once its events, encoded on the caller's thread ({@link EventCodec}), are in the {@link
 * SegmentLog} and synced; a loader then moves them into the store in large batches — up to a DuckDB
 * row group, or whatever arrived within {@link Config#flushMillis} so reads stay fresh — each batch
 * written with the log position it reaches, in one store transaction. Loaded segments are deleted.
 * On start, what the log holds past the store's position is loaded again: nothing acknowledged is
 * lost, and nothing loaded is loaded twice.
 *
 * <p>While the store refuses, the loader keeps its batch and retries; the log keeps taking requests
 * until {@link Config#maxUnloadedEvents} wait, then refuses them with {@link Overloaded}.
 */
public final class LogSink implements StoreSink {
  private static final Logger log = LoggerFactory.getLogger(LogSink.class);

  /**
   * @param maxUnloadedEvents events acknowledged and not yet loaded before requests are refused
   * @param batchEvents the most events one load writes (one DuckDB row group: 122,880)
   * @param flushMillis the longest an acknowledged event waits to be loaded (how fresh reads are)
   * @param segmentBytes the size at which the log starts a new segment file
   */
  public record Config(
      long maxUnloadedEvents, int batchEvents, long flushMillis, long segmentBytes) {
    public static Config defaults() {
      return new Config(1_000_000, 122_880, 100, 64L << 20);
    }
  }

  private record Request(
      PreparedBatch batch, int size, Runnable stored, CompletableFuture<Void> done) {}

  private record Durable(long position, PreparedBatch batch, int size, Runnable stored, long at) {}

  private final EventStore store;
  private final Config config;
  private final StoreTap tap;
  private final SegmentLog segments;
  private final LinkedBlockingQueue<Durable> toLoad = new LinkedBlockingQueue<>();
  private final AtomicLong unloaded = new AtomicLong();
  private final LongAdder loaded = new LongAdder();
  private final LongAdder loads = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder failedLoads = new LongAdder();
  private volatile long lastLoadEvents;
  private volatile long lastLoadMillis;
  private volatile long loadedThrough;
  // The last position acknowledged (durable in the log), and a monitor the loader signals.
  private volatile long acknowledgedThrough;
  private final Object progress = new Object();
  // Acknowledgements held back while too much waits to be loaded (see holdAbove).
  private final ConcurrentLinkedQueue<CompletableFuture<Void>> held = new ConcurrentLinkedQueue<>();
  private final long holdAbove;
  private volatile boolean loadsFailing;
  private final Thread loader;
  private volatile boolean closing;

  /**
   * Opens the log in {@code dir} over {@code store} (which must keep a journal position) and queues
   * what it holds past the store's position for loading.
   */
  public LogSink(Path dir, EventStore store, Config config) throws IOException, StoreException {
    this(dir, store, config, StoreTap.NONE);
  }

  /**
   * As above, and {@code tap} sees every request taken and when it is loaded into the store (what
   * is replayed from the log included: the store receives it in this process).
   */
  public LogSink(Path dir, EventStore store, Config config, StoreTap tap)
      throws IOException, StoreException {
    this.store = store;
    this.config = config;
    this.tap = tap;
    long stored = store.journalPosition();
    if (stored < 0) {
      throw new StoreException("the segment log needs a store that keeps a journal position");
    }
    this.loadedThrough = stored;
    this.holdAbove = Math.min(config.maxUnloadedEvents(), 2L * config.batchEvents());
    this.segments =
        SegmentLog.open(
            dir,
            config.segmentBytes(),
            stored,
            new SegmentLog.Listener() {
              @Override
              public void durable(long position, Object attachment) {
                Request r = (Request) attachment;
                toLoad.add(
                    new Durable(position, r.batch(), r.size(), r.stored(), System.nanoTime()));
                acknowledgedThrough = position;
                acknowledge(r.done());
              }

              @Override
              public void failed(Object attachment, IOException cause) {
                Request r = (Request) attachment;
                unloaded.addAndGet(-r.size());
                r.done().completeExceptionally(cause);
              }
            });
    int replayed = 0;
    for (SegmentLog.Record r : segments.readAfter(stored)) {
      List<Event> events;
      try {
        events = EventCodec.decode(r.payload());
      } catch (EventCodec.Malformed e) {
        throw new IOException(
            "log record " + r.position() + " in " + dir + " cannot be read: " + e.getMessage());
      }
      toLoad.add(
          new Durable(
              r.position(),
              store.prepare(events),
              events.size(),
              tap.taken(events),
              System.nanoTime()));
      acknowledgedThrough = r.position();
      unloaded.addAndGet(events.size());
      replayed += events.size();
    }
    segments.deleteThrough(stored);
    if (replayed > 0) {
      log.info("log replay: {} events acknowledged before the restart are loaded again", replayed);
    }
    this.loader = Thread.ofPlatform().name("sextant-loader").unstarted(this::run);
  }

  @Override
  public LogSink start() {
    segments.start();
    loader.start();
    return this;
  }

  @Override
  public CompletableFuture<Void> submit(List<Event> events) throws Overloaded {
    if (events.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    if (closing) {
      throw new Overloaded("the server is shutting down", 5);
    }
    long after = unloaded.addAndGet(events.size());
    if (after > config.maxUnloadedEvents() && after != events.size()) {
      unloaded.addAndGet(-events.size());
      rejected.increment();
      throw new Overloaded(
          (after - events.size()) + " acknowledged events wait to be stored; retry after a delay",
          1);
    }
    // Encoding and the store's columns are built here, on the caller's thread: the log's thread
    // only writes bytes, the loader's only hands columns over.
    byte[] payload = EventCodec.encode(events);
    PreparedBatch prepared = store.prepare(events);
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      segments.append(payload, new Request(prepared, events.size(), tap.taken(events), done));
    } catch (IOException e) {
      unloaded.addAndGet(-events.size());
      done.completeExceptionally(e);
    }
    return done;
  }

  /**
   * Acknowledges a request whose events are durable in the log, or holds the acknowledgement back
   * while more than {@code holdAbove} events wait to be loaded: clients that wait for their
   * acknowledgements then send at the loader's pace, and what waits in memory stays about two loads
   * (the group commit paces its clients the same way). While loads fail the store refuses, so
   * nothing is held: requests are acknowledged up to {@code maxUnloadedEvents}, then refused. Every
   * held request's events are queued for loading before it is held, so a load follows that releases
   * it.
   */
  private void acknowledge(CompletableFuture<Void> done) {
    if (unloaded.get() > holdAbove && !loadsFailing && !closing) {
      held.add(done);
      if (unloaded.get() > holdAbove) {
        return;
      }
      // The loader caught up between the check and the add: release it ourselves.
    }
    done.complete(null);
    releaseHeld();
  }

  private void releaseHeld() {
    if (unloaded.get() > holdAbove && !loadsFailing && !closing) {
      return;
    }
    CompletableFuture<Void> f;
    while ((f = held.poll()) != null) {
      f.complete(null);
    }
  }

  private void run() {
    List<Durable> batch = new ArrayList<>();
    while (!(closing && toLoad.isEmpty())) {
      try {
        Durable first = toLoad.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        int size = first.size();
        long deadline = first.at() + TimeUnit.MILLISECONDS.toNanos(config.flushMillis());
        while (size < config.batchEvents()) {
          long wait = deadline - System.nanoTime();
          Durable more =
              wait > 0 && !closing ? toLoad.poll(wait, TimeUnit.NANOSECONDS) : toLoad.poll();
          if (more == null) {
            break;
          }
          batch.add(more);
          size += more.size();
        }
        load(batch, size);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } finally {
        batch.clear();
      }
    }
  }

  /** Writes {@code batch} with its last position, retrying while the store refuses. */
  private void load(List<Durable> batch, int size) throws InterruptedException {
    List<PreparedBatch> prepared = new ArrayList<>(batch.size());
    for (Durable d : batch) {
      prepared.add(d.batch());
    }
    long position = batch.getLast().position();
    long backoff = 100;
    while (true) {
      long start = System.nanoTime();
      try {
        store.writePrepared(prepared, position);
        lastLoadEvents = size;
        lastLoadMillis = (System.nanoTime() - start) / 1_000_000;
        loaded.add(size);
        loads.increment();
        loadedThrough = position;
        unloaded.addAndGet(-size);
        loadsFailing = false;
        for (Durable d : batch) {
          BatchingWriter.stored(d.stored());
        }
        releaseHeld();
        synchronized (progress) {
          progress.notifyAll();
        }
        segments.deleteThrough(position);
        return;
      } catch (StoreException | RuntimeException e) {
        failedLoads.increment();
        loadsFailing = true;
        releaseHeld();
        if (!closing) {
          log.error(
              "loading {} acknowledged events failed, retrying in {} ms (they are safe in the"
                  + " log): {}",
              size,
              backoff,
              e.getMessage());
        }
        if (closing) {
          // Left in the log, with everything after it: loaded at the next start.
          log.warn(
              "stopping with {} acknowledged events in the log, to load at the next start",
              unloaded.get());
          toLoad.clear();
          return;
        }
        Thread.sleep(backoff);
        backoff = Math.min(5_000, backoff * 2);
      }
    }
  }

  /** Counters for the status endpoint, in the group commit's shape. */
  @Override
  public BatchingWriter.Stats stats() {
    return new BatchingWriter.Stats(
        unloaded.get(),
        loaded.sum(),
        loads.sum(),
        rejected.sum(),
        failedLoads.sum(),
        lastLoadEvents,
        lastLoadMillis);
  }

  /**
   * Waits until everything acknowledged before this call is in the store, at most {@code max}:
   * reads that follow see what was acknowledged before them (one load, ~100 ms at most, when idle;
   * under load, the load in progress). Returns whether it caught up.
   */
  public boolean awaitCaughtUp(Duration max) throws InterruptedException {
    long target = acknowledgedThrough;
    if (loadedThrough >= target) {
      return true;
    }
    long deadline = System.nanoTime() + max.toNanos();
    synchronized (progress) {
      while (loadedThrough < target) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(progress, left);
      }
    }
    return true;
  }

  /** How many segment files the log holds. */
  public int segmentCount() {
    return segments.segmentCount();
  }

  /** Syncs what was appended, loads what is in hand (waiting up to 30 s), then stops. */
  @Override
  public void close() {
    closing = true;
    segments.close();
    releaseHeld(); // durable in the log: true acknowledgements, whatever the loader does now
    try {
      loader.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    releaseHeld();
    if (!loader.isAlive() && unloaded.get() == 0) {
      segments.dropAllThrough(loadedThrough);
    }
  }
}
