package io.sextant.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.model.Event;
import io.sextant.model.TraceId;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.ForwardingEventStore;
import io.sextant.store.spi.MemoryEventStore;
import io.sextant.store.spi.StoreException;
import io.sextant.store.testkit.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BatchingWriterTest {
  final Random rnd = new Random(7);

  /** A real memory store whose writes wait on a latch, to hold batches in the queue. */
  static final class GatedStore extends ForwardingEventStore {
    GatedStore() {
      super(new MemoryEventStore());
    }

    final CountDownLatch open = new CountDownLatch(1);
    final List<Integer> batchSizes = new ArrayList<>();
    volatile boolean fail;

    @Override
    public void write(List<Event> batch) throws StoreException {
      try {
        open.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (fail) {
        throw new StoreException("disk full");
      }
      synchronized (batchSizes) {
        batchSizes.add(batch.size());
      }
      super.write(batch);
    }
  }

  List<Event> trace() {
    return Fixtures.trace(rnd, Fixtures.T0, 8);
  }

  @Test
  void submit_completesOnlyAfterTheStoreHasTheEvents() throws Exception {
    GatedStore store = new GatedStore();
    try (BatchingWriter writer =
        new BatchingWriter(store, BatchingWriter.Config.defaults()).start()) {
      List<Event> events = trace();
      CompletableFuture<Void> done = writer.submit(events);
      Thread.sleep(200);
      assertThat(done).isNotDone();
      store.open.countDown();
      done.get(5, TimeUnit.SECONDS);
      assertThat(store.trace(events.getFirst().traceId())).hasSameSizeAs(events);
    }
  }

  @Test
  void requestsQueuedDuringAWrite_areWrittenTogetherAsOneBatch() throws Exception {
    GatedStore store = new GatedStore();
    try (BatchingWriter writer =
        new BatchingWriter(store, BatchingWriter.Config.defaults()).start()) {
      CompletableFuture<Void> first = writer.submit(trace());
      Thread.sleep(100); // the writer now waits inside the first write
      List<CompletableFuture<Void>> rest = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        rest.add(writer.submit(trace()));
      }
      store.open.countDown();
      first.get(5, TimeUnit.SECONDS);
      for (CompletableFuture<Void> f : rest) {
        f.get(5, TimeUnit.SECONDS);
      }
      assertThat(store.batchSizes).containsExactly(10, 50);
    }
  }

  @Test
  void submit_whenQueueIsFull_isRefusedAtOnce_andNothingOfItIsWritten() throws Exception {
    GatedStore store = new GatedStore();
    try (BatchingWriter writer =
        new BatchingWriter(store, new BatchingWriter.Config(25, 1000)).start()) {
      CompletableFuture<Void> a = writer.submit(trace()); // 10 queued
      CompletableFuture<Void> b = writer.submit(trace()); // 20 queued
      List<Event> refused = trace();
      assertThatThrownBy(() -> writer.submit(refused))
          .isInstanceOf(Overloaded.class)
          .hasMessageContaining("queue is full");
      store.open.countDown();
      a.get(5, TimeUnit.SECONDS);
      b.get(5, TimeUnit.SECONDS);
      TraceId id = refused.getFirst().traceId();
      assertThat(store.trace(id)).isEmpty();
      assertThat(writer.stats().rejectedRequests()).isEqualTo(1);
      assertThat(writer.stats().queuedEvents()).isZero();
    }
  }

  @Test
  void storeFailure_failsEveryRequestOfTheBatch() throws Exception {
    GatedStore store = new GatedStore();
    store.fail = true;
    store.open.countDown();
    try (BatchingWriter writer =
        new BatchingWriter(store, BatchingWriter.Config.defaults()).start()) {
      CompletableFuture<Void> f = writer.submit(trace());
      assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasRootCauseMessage("disk full");
      assertThat(writer.stats().failedBatches()).isEqualTo(1);
    }
  }

  @Test
  void close_writesWhatWasAcceptedBeforeStopping() throws Exception {
    EventStore store = new MemoryEventStore();
    BatchingWriter writer = new BatchingWriter(store, BatchingWriter.Config.defaults()).start();
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      futures.add(writer.submit(trace()));
    }
    writer.close();
    for (CompletableFuture<Void> f : futures) {
      assertThat(f).isCompleted();
      f.get();
    }
    assertThat(store.stats().events()).isEqualTo(200);
  }

  /** A tap that records what it was shown and what was then stored. */
  static final class RecordingTap implements StoreTap {
    final List<List<Event>> taken = new java.util.concurrent.CopyOnWriteArrayList<>();
    final List<List<Event>> stored = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public Runnable taken(List<Event> events) {
      taken.add(events);
      return () -> stored.add(events);
    }
  }

  @Test
  void tap_seesEachRequestTaken_andItsActionRunsOnceTheEventsAreStored_neverForRefusedOnes()
      throws Exception {
    GatedStore store = new GatedStore();
    RecordingTap tap = new RecordingTap();
    try (BatchingWriter writer =
        new BatchingWriter(store, new BatchingWriter.Config(25, 1000), tap).start()) {
      List<Event> a = trace();
      List<Event> b = trace();
      CompletableFuture<Void> fa = writer.submit(a);
      CompletableFuture<Void> fb = writer.submit(b);
      assertThatThrownBy(() -> writer.submit(trace())).isInstanceOf(Overloaded.class);
      Thread.sleep(100);
      assertThat(tap.taken).containsExactly(a, b);
      assertThat(tap.stored).as("nothing is stored yet").isEmpty();
      store.open.countDown();
      fa.get(5, TimeUnit.SECONDS);
      fb.get(5, TimeUnit.SECONDS);
      assertThat(tap.stored).containsExactly(a, b);
    }
  }

  @Test
  void tap_actionNeverRuns_whenTheStoreFails_andAFailingActionFailsNoRequest() throws Exception {
    GatedStore store = new GatedStore();
    store.fail = true;
    store.open.countDown();
    RecordingTap tap = new RecordingTap();
    try (BatchingWriter writer =
        new BatchingWriter(store, BatchingWriter.Config.defaults(), tap).start()) {
      CompletableFuture<Void> f = writer.submit(trace());
      assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
      assertThat(tap.taken).hasSize(1);
      assertThat(tap.stored).isEmpty();
    }
    GatedStore working = new GatedStore();
    working.open.countDown();
    StoreTap failing =
        events ->
            () -> {
              throw new IllegalStateException("a bug in the tap");
            };
    try (BatchingWriter writer =
        new BatchingWriter(working, BatchingWriter.Config.defaults(), failing).start()) {
      writer.submit(trace()).get(5, TimeUnit.SECONDS);
    }
  }
}
