package io.sextant.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentLogTest {
  @TempDir Path dir;

  /** Completes each attachment (a future) with its position, in the order the log heard them. */
  static final class Acks implements SegmentLog.Listener {
    final ConcurrentLinkedQueue<Long> order = new ConcurrentLinkedQueue<>();

    @Override
    @SuppressWarnings("unchecked")
    public void durable(long position, Object attachment) {
      order.add(position);
      ((CompletableFuture<Long>) attachment).complete(position);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void failed(Object attachment, IOException cause) {
      ((CompletableFuture<Long>) attachment).completeExceptionally(cause);
    }
  }

  private static long append(SegmentLog log, String text) throws Exception {
    CompletableFuture<Long> f = new CompletableFuture<>();
    log.append(text.getBytes(StandardCharsets.UTF_8), f);
    return f.get(10, TimeUnit.SECONDS);
  }

  private static List<String> texts(List<SegmentLog.Record> records) {
    return records.stream().map(r -> new String(r.payload(), StandardCharsets.UTF_8)).toList();
  }

  @Test
  void records_getPositionsInOrder_surviveAReopen_andRollIntoSegments() throws Exception {
    Acks acks = new Acks();
    try (SegmentLog log = SegmentLog.open(dir, 100, 0, acks).start()) {
      // Ten at once (one group, one sync), then ten one by one (a segment every few).
      List<CompletableFuture<Long>> all = new ArrayList<>();
      for (int i = 1; i <= 10; i++) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        log.append(("record " + i).getBytes(StandardCharsets.UTF_8), f);
        all.add(f);
      }
      for (int i = 0; i < 10; i++) {
        assertThat(all.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(i + 1L);
      }
      for (int i = 11; i <= 20; i++) {
        assertThat(append(log, "record " + i)).isEqualTo(i);
      }
      assertThat(new ArrayList<>(acks.order)).isSorted().hasSize(20);
      assertThat(log.segmentCount()).isGreaterThan(2);
    }
    try (SegmentLog log = SegmentLog.open(dir, 100, 0, new Acks())) {
      assertThat(texts(log.readAfter(0))).hasSize(20).startsWith("record 1", "record 2");
      assertThat(texts(log.readAfter(17))).containsExactly("record 18", "record 19", "record 20");
      assertThat(log.nextPosition()).isEqualTo(21);
      log.start();
      assertThat(append(log, "record 21")).isEqualTo(21);
    }
  }

  @Test
  void aTornLastRecord_isCutOff_andTheNextAppendFollowsTheLastWholeOne() throws Exception {
    try (SegmentLog log = SegmentLog.open(dir, 1 << 20, 0, new Acks()).start()) {
      append(log, "one");
      append(log, "two");
    }
    Path segment = only(dir);
    long whole = Files.size(segment);
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.APPEND)) {
      // A crash mid-write: a header promising 1000 bytes, and 10 of them.
      ByteBuffer b = ByteBuffer.allocate(SegmentLog.HEADER + 10);
      b.putInt(1000).putInt(0).putLong(3).flip();
      ch.write(b);
    }
    try (SegmentLog log = SegmentLog.open(dir, 1 << 20, 0, new Acks())) {
      assertThat(Files.size(segment)).isEqualTo(whole);
      assertThat(texts(log.readAfter(0))).containsExactly("one", "two");
      log.start();
      assertThat(append(log, "three")).isEqualTo(3);
    }
    try (SegmentLog log = SegmentLog.open(dir, 1 << 20, 0, new Acks())) {
      assertThat(texts(log.readAfter(0))).containsExactly("one", "two", "three");
    }
  }

  @Test
  void corruptionBeforeTheLastSegment_refusesToOpen_sayingWhere() throws Exception {
    try (SegmentLog log = SegmentLog.open(dir, 40, 0, new Acks()).start()) {
      for (int i = 0; i < 6; i++) {
        append(log, "a record of some length " + i);
      }
    }
    Path first;
    try (Stream<Path> s = Files.list(dir)) {
      first = s.sorted().findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(first);
    bytes[SegmentLog.HEADER + 2] ^= 0x40;
    Files.write(first, bytes);
    assertThatThrownBy(() -> SegmentLog.open(dir, 40, 0, new Acks()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(first.getFileName().toString())
        .hasMessageContaining("checksum");
  }

  @Test
  void anEmptyLog_continuesAfterTheStoresPosition_andLoadedSegmentsAreDeleted() throws Exception {
    try (SegmentLog log = SegmentLog.open(dir, 60, 41, new Acks()).start()) {
      assertThat(append(log, "first after 41")).isEqualTo(42);
      for (int i = 0; i < 10; i++) {
        append(log, "more records " + i);
      }
      int before = log.segmentCount();
      assertThat(before).isGreaterThan(3);
      log.deleteThrough(46);
      assertThat(log.segmentCount()).isLessThan(before);
      assertThat(texts(log.readAfter(46))).hasSize(6).first().isEqualTo("more records 4");
      log.deleteThrough(Long.MAX_VALUE);
      assertThat(log.segmentCount()).isEqualTo(1); // the one being written stays
    }
  }

  static Path only(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> all = s.toList();
      assertThat(all).hasSize(1);
      return all.get(0);
    }
  }
}
