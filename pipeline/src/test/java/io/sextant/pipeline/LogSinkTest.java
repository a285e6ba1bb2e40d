package io.sextant.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.model.Event;
import io.sextant.store.duckdb.DuckDbConfig;
import io.sextant.store.duckdb.DuckDbEventStore;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.ForwardingEventStore;
import io.sextant.store.spi.StoreException;
import io.sextant.store.testkit.Fixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The segment log in front of a real DuckDB file: acknowledged means in the log; loads keep reads
 * fresh; a restart after a crash at each step (after the append, after the load, before the
 * segments are deleted) stores every acknowledged event once; a full disk refuses appends without
 * losing what was acknowledged.
 */
class LogSinkTest {
  @TempDir Path dir;

  static final LogSink.Config FAST = new LogSink.Config(1_000_000, 122_880, 250, 4096);

  private DuckDbEventStore openStore() {
    return DuckDbEventStore.open(DuckDbConfig.defaults(dir.resolve("db")));
  }

  private static List<List<Event>> requests(int n, int seed) {
    Random rnd = new Random(seed);
    List<List<Event>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Fixtures.trace(rnd, Fixtures.T0 + seed * 1_000_000_000L + i * 1_000L, 4));
    }
    return out;
  }

  private static long acknowledge(LogSink sink, List<List<Event>> requests) throws Exception {
    List<CompletableFuture<Void>> acks = new ArrayList<>();
    long events = 0;
    for (List<Event> r : requests) {
      acks.add(sink.submit(r));
      events += r.size();
    }
    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    return events;
  }

  private static void await(BooleanSupplier done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  private static long count(EventStore store) {
    try {
      return store.stats().events();
    } catch (StoreException e) {
      return -1;
    }
  }

  @Test
  void acknowledgedEvents_areQueryableWithinASecond_andLoadedSegmentsGo() throws Exception {
    try (DuckDbEventStore store = openStore();
        LogSink sink = new LogSink(dir.resolve("log"), store, FAST).start()) {
      long events = acknowledge(sink, requests(50, 1));
      long acked = System.nanoTime();
      await(() -> count(store) == events, "the acknowledged events to be stored");
      long millis = (System.nanoTime() - acked) / 1_000_000;
      // The bound is wide for a shared machine; the flush interval is 250 ms.
      assertThat(millis).isLessThan(5_000);
      assertThat(store.journalPosition()).isEqualTo(50);
      await(() -> sink.segmentCount() == 1, "loaded segments to be deleted");
      assertThat(sink.stats().writtenEvents()).isEqualTo(events);
    }
    // A clean stop with everything loaded leaves no log; the next one continues the positions.
    try (java.util.stream.Stream<Path> left = java.nio.file.Files.list(dir.resolve("log"))) {
      assertThat(left).isEmpty();
    }
    try (DuckDbEventStore store = openStore();
        LogSink sink = new LogSink(dir.resolve("log"), store, FAST).start()) {
      acknowledge(sink, requests(1, 9));
      await(() -> journal(store) == 51, "the next position to be 51");
    }
  }

  private static long journal(EventStore store) {
    try {
      return store.journalPosition();
    } catch (StoreException e) {
      return -1;
    }
  }

  @Test
  void acknowledgeThenQueryAtOnce_seesEverythingAcknowledged() throws Exception {
    try (DuckDbEventStore store = openStore();
        LogSink sink =
            new LogSink(
                    dir.resolve("log"), store, new LogSink.Config(1_000_000, 122_880, 100, 1 << 20))
                .start()) {
      long total = 0;
      for (int round = 0; round < 20; round++) {
        total += acknowledge(sink, requests(5, 100 + round));
        // What a reader does first (the server's FreshReads): catch up with what was acknowledged.
        assertThat(sink.awaitCaughtUp(java.time.Duration.ofSeconds(10))).isTrue();
        assertThat(count(store)).isEqualTo(total);
      }
    }
  }

  @Test
  void whileTwoLoadsWait_acknowledgementsAreHeld_notRefused_andReleasedAsTheLoaderCatchesUp()
      throws Exception {
    java.util.concurrent.CountDownLatch open = new java.util.concurrent.CountDownLatch(1);
    try (DuckDbEventStore store = openStore();
        LogSink sink =
            new LogSink(
                    dir.resolve("log"),
                    new ForwardingEventStore(store) {
                      @Override
                      protected void writing(int events, Write write) throws StoreException {
                        try {
                          open.await();
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                        write.run();
                      }
                    },
                    // Loads of up to 100 events: acknowledgements wait above 200 unloaded.
                    new LogSink.Config(1_000_000, 100, 50, 1 << 20))
                .start()) {
      List<List<Event>> requests = requests(100, 7);
      List<CompletableFuture<Void>> acks = new ArrayList<>();
      long events = 0;
      for (List<Event> r : requests) {
        acks.add(sink.submit(r));
        events += r.size();
      }
      Thread.sleep(1_000); // every request is durable by now; the loader is stuck in its first load
      long before = 0;
      for (int i = 0; i < acks.size(); i++) {
        before += requests.get(i).size();
        if (before > 200) {
          assertThat(acks.get(i)).as("request %d, %d events before it", i, before).isNotDone();
        }
      }
      open.countDown();
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      assertThat(sink.stats().rejectedRequests()).isZero();
      long total = events;
      await(() -> count(store) == total, "every event to be stored");
    }
  }

  @Test
  void aCrashAfterTheAppend_beforeTheLoad_isLoadedAtTheNextStart() throws Exception {
    long events;
    AtomicBoolean refuse = new AtomicBoolean(true);
    try (DuckDbEventStore store = openStore()) {
      LogSink sink = new LogSink(dir.resolve("log"), refusing(store, refuse), FAST).start();
      events = acknowledge(sink, requests(30, 2));
      sink.close(); // the loader never got them in: as after kill -9
      assertThat(count(store)).isZero();
    }
    try (DuckDbEventStore store = openStore();
        LogSink sink = new LogSink(dir.resolve("log"), store, FAST).start()) {
      await(() -> count(store) == events, "the replay to load what was acknowledged");
      Thread.sleep(500);
      assertThat(count(store)).isEqualTo(events);
    }
  }

  @Test
  void aCrashAfterTheLoad_beforeTheSegmentsAreDeleted_loadsNothingTwice() throws Exception {
    long events;
    CountDownLatch dead = new CountDownLatch(1);
    CountDownLatch loadedOnce = new CountDownLatch(1);
    LogSink crashed;
    try (DuckDbEventStore store = openStore()) {
      EventStore dying =
          new ForwardingEventStore(store) {
            @Override
            protected void writing(int events, Write write) throws StoreException {
              write.run();
              loadedOnce.countDown();
              try {
                dead.await(); // the process is gone before it deletes the segments
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          };
      crashed = new LogSink(dir.resolve("log"), dying, FAST).start();
      events = acknowledge(crashed, requests(40, 3));
      assertThat(loadedOnce.await(30, TimeUnit.SECONDS)).isTrue();
    }
    try (DuckDbEventStore store = openStore()) {
      long stored = count(store);
      assertThat(stored).isPositive();
      try (LogSink sink = new LogSink(dir.resolve("log"), store, FAST).start()) {
        await(() -> count(store) == events, "the rest to be loaded");
        Thread.sleep(500);
        assertThat(count(store)).isEqualTo(events);
      }
    } finally {
      dead.countDown();
      crashed.close();
    }
  }

  @Test
  void aFullDisk_refusesAppends_losesNothingAcknowledged_andRecovers() throws Exception {
    Path small = dir.resolve("small");
    java.nio.file.Files.createDirectories(small);
    Process mount =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", small.toString())
            .redirectErrorStream(true)
            .start();
    Assumptions.assumeTrue(
        mount.waitFor(10, TimeUnit.SECONDS) && mount.exitValue() == 0,
        "needs a small tmpfs (root); the store-side full disk is SecurityIT's");
    AtomicBoolean refuse = new AtomicBoolean(true);
    try (DuckDbEventStore store = openStore();
        LogSink sink =
            new LogSink(
                    small.resolve("log"),
                    refusing(store, refuse),
                    new LogSink.Config(1_000_000, 122_880, 250, 8192))
                .start()) {
      long acknowledged = 0;
      int refused = 0;
      for (List<Event> r : requests(400, 4)) {
        try {
          sink.submit(r).get(30, TimeUnit.SECONDS);
          acknowledged += r.size();
        } catch (ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(IOException.class);
          refused++;
        }
      }
      assertThat(refused).as("the 64 KB disk filled").isPositive();
      assertThat(acknowledged).isPositive();
      refuse.set(false); // the loader stores what was acknowledged and frees its segments
      long expected = acknowledged;
      await(() -> count(store) == expected, "every acknowledged event to be stored");
      // With the loaded segments gone there is room again.
      List<Event> more = requests(1, 5).get(0);
      await(
          () -> {
            try {
              sink.submit(more).get(30, TimeUnit.SECONDS);
              return true;
            } catch (Exception e) {
              return false;
            }
          },
          "an append to succeed again");
      await(() -> count(store) == expected + more.size(), "the later request to be stored");
    } finally {
      new ProcessBuilder("umount", small.toString()).start().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void tap_actionRunsOnceTheEventsAreLoaded_notWhenOnlyInTheLog_andAgainForAReplay()
      throws Exception {
    AtomicBoolean refuse = new AtomicBoolean(true);
    BatchingWriterTest.RecordingTap tap = new BatchingWriterTest.RecordingTap();
    List<List<Event>> requests = requests(10, 6);
    long events;
    try (DuckDbEventStore store = openStore()) {
      LogSink sink = new LogSink(dir.resolve("log"), refusing(store, refuse), FAST, tap).start();
      events = acknowledge(sink, requests);
      Thread.sleep(500);
      assertThat(tap.taken).hasSize(10);
      assertThat(tap.stored).as("acknowledged, in the log, not in the store").isEmpty();
      sink.close();
    }
    BatchingWriterTest.RecordingTap next = new BatchingWriterTest.RecordingTap();
    try (DuckDbEventStore store = openStore();
        LogSink sink = new LogSink(dir.resolve("log"), store, FAST, next).start()) {
      await(() -> next.stored.size() == 10, "the replayed requests to be loaded");
      assertThat(count(store)).isEqualTo(events);
      assertThat(next.stored.stream().mapToInt(List::size).sum()).isEqualTo(events);
      List<Event> more = requests(1, 8).get(0);
      acknowledge(sink, List.of(more));
      await(() -> next.stored.size() == 11, "the new request to be loaded");
      assertThat(count(store)).isEqualTo(events + more.size());
      assertThat(next.stored.get(10)).isEqualTo(more);
    }
  }

  /** {@code store}, refusing loads while {@code refuse} is set. */
  private static EventStore refusing(EventStore store, AtomicBoolean refuse) {
    UnaryOperator<EventStore> wrap =
        s ->
            new ForwardingEventStore(s) {
              @Override
              protected void writing(int events, Write write) throws StoreException {
                if (refuse.get()) {
                  throw new StoreException("the store refuses");
                }
                write.run();
              }
            };
    return wrap.apply(store);
  }
}
