package io.sextant.pipeline;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only log of records in segment files, made durable in groups: whatever is appended
 * while one {@code fsync} runs goes out with the next, so the cost of a sync is shared by every
 * request waiting for it (docs/adr/0021-segment-log.md). Each record gets a position, one more than
 * the last; a listener hears every durable record in position order, on the log's thread, which is
 * where a caller acknowledges it.
 *
 * <p>A record on disk is {@code length (4) · crc32c (4) · position (8) · payload}, the checksum
 * over the position and the payload. Segments are named by their first position ({@code
 * 00000000000000000001.seg}) and rolled past {@code segmentBytes}. On open, the last segment is
 * read to its last whole, checksummed record and cut there: a record torn by a crash was never
 * acknowledged. A bad record before the last segment's end is corruption, and opening fails with
 * where it is.
 */
public final class SegmentLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SegmentLog.class);
  static final int HEADER = 16;

  /** The largest record accepted: a request's events, far above any request limit. */
  static final int MAX_RECORD = 256 << 20;

  /** Hears each record once it is durable, in position order, on the log's thread. */
  public interface Listener {
    void durable(long position, Object attachment);

    /** The records of one group could not be made durable: none of them may be acknowledged. */
    void failed(Object attachment, IOException cause);
  }

  /** A record read back, for replay. */
  public record Record(long position, byte[] payload) {}

  private record Pending(byte[] payload, Object attachment) {}

  private final Path dir;
  private final long segmentBytes;
  private final Listener listener;
  // Every segment by its first position; the last one is being written.
  private final TreeMap<Long, Path> segments = new TreeMap<>();
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private FileChannel active;
  private long activeSize;
  private long next;
  private volatile boolean closing;
  private volatile IOException broken;

  private SegmentLog(Path dir, long segmentBytes, Listener listener) {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
    this.listener = listener;
    this.thread = Thread.ofPlatform().name("sextant-log").unstarted(this::run);
  }

  /**
   * Opens (creating if needed) the log in {@code dir}. An empty log starts at {@code after + 1}, so
   * positions continue past what a store already holds even when the log was removed.
   */
  public static SegmentLog open(Path dir, long segmentBytes, long after, Listener listener)
      throws IOException {
    Files.createDirectories(dir);
    SegmentLog l = new SegmentLog(dir, segmentBytes, listener);
    l.recover(after);
    return l;
  }

  private void recover(long after) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.seg")) {
      for (Path p : files) {
        String name = p.getFileName().toString();
        try {
          segments.put(Long.parseLong(name.substring(0, name.length() - 4)), p);
        } catch (NumberFormatException e) {
          throw new IOException("the log directory " + dir + " holds a stray file " + name);
        }
      }
    }
    next = after + 1;
    for (var e : segments.entrySet()) {
      boolean last = e.getKey().equals(segments.lastKey());
      long end = scan(e.getValue(), e.getKey(), last, null);
      if (last) {
        try (FileChannel ch = FileChannel.open(e.getValue(), StandardOpenOption.WRITE)) {
          if (ch.size() > end) {
            log.warn(
                "log segment {}: cut a torn record at byte {} ({} bytes after it)",
                e.getValue().getFileName(),
                end,
                ch.size() - end);
            ch.truncate(end);
            ch.force(true);
          }
        }
      }
    }
    if (segments.isEmpty()) {
      roll();
    } else {
      Path last = segments.lastEntry().getValue();
      active = FileChannel.open(last, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      activeSize = active.size();
    }
  }

  /**
   * Reads {@code file} (whose first record is at {@code first}); returns where its last whole
   * record ends, advancing {@link #next}. A bad record is corruption unless {@code last}, where it
   * is a torn tail. With {@code into}, collects the records after {@code into}'s position.
   */
  private long scan(Path file, long first, boolean last, ReadAfter into) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      long at = 0;
      long expected = first;
      ByteBuffer header = ByteBuffer.allocate(HEADER);
      while (at < size) {
        String bad = null;
        byte[] payload = null;
        header.clear();
        if (size - at < HEADER) {
          bad = "a header cut short";
        } else {
          ch.read(header, at);
          header.flip();
          int length = header.getInt();
          int crc = header.getInt();
          long position = header.getLong();
          if (length < 0 || length > MAX_RECORD || size - at - HEADER < length) {
            bad = "a length of " + length + " with " + (size - at - HEADER) + " bytes left";
          } else {
            payload = new byte[length];
            ch.read(ByteBuffer.wrap(payload), at + HEADER);
            if (crc(position, payload) != crc) {
              bad = "a checksum that does not match";
            } else if (position != expected) {
              bad = "position " + position + " where " + expected + " was due";
            }
          }
          if (bad == null) {
            if (into != null && position > into.after) {
              into.records.add(new Record(position, payload));
            }
            at += HEADER + length;
            expected = position + 1;
            continue;
          }
        }
        if (!last) {
          throw new IOException("log segment " + file + " is corrupt at byte " + at + ": " + bad);
        }
        break;
      }
      next = Math.max(next, expected);
      return at;
    }
  }

  private record ReadAfter(long after, List<Record> records) {}

  /** Every durable record after {@code position}, in order: what a loader has yet to load. */
  public List<Record> readAfter(long position) throws IOException {
    ReadAfter into = new ReadAfter(position, new ArrayList<>());
    Long from = segments.floorKey(position + 1);
    for (var e : segments.tailMap(from == null ? segments.firstKey() : from, true).entrySet()) {
      long saved = next;
      scan(e.getValue(), e.getKey(), e.getKey().equals(segments.lastKey()), into);
      next = saved;
    }
    return into.records();
  }

  /** The position the next record will get. */
  public synchronized long nextPosition() {
    return next;
  }

  public SegmentLog start() {
    thread.start();
    return this;
  }

  /**
   * Appends {@code payload}; the listener hears {@code attachment} with its position once it is
   * durable, or that it failed.
   *
   * @throws IOException when the log is closing or broken (a failed write it could not undo)
   */
  public void append(byte[] payload, Object attachment) throws IOException {
    if (payload.length > MAX_RECORD) {
      throw new IOException("a record of " + payload.length + " bytes is over the log's limit");
    }
    IOException b = broken;
    if (b != null) {
      throw new IOException("the log cannot be written: " + b.getMessage(), b);
    }
    if (closing) {
      throw new IOException("the log is closing");
    }
    queue.add(new Pending(payload, attachment));
  }

  private void run() {
    List<Pending> group = new ArrayList<>();
    while (!(closing && queue.isEmpty())) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        group.add(first);
        long bytes = first.payload().length;
        Pending more;
        while (bytes < (16 << 20) && (more = queue.poll()) != null) {
          group.add(more);
          bytes += more.payload().length;
        }
        writeGroup(group);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } finally {
        group.clear();
      }
    }
  }

  private void writeGroup(List<Pending> group) {
    long firstPosition;
    synchronized (this) {
      firstPosition = next;
    }
    long before = activeSize;
    try {
      if (broken != null) {
        throw broken;
      }
      ByteBuffer[] buffers = new ByteBuffer[group.size() * 2];
      long total = 0;
      long position = firstPosition;
      for (int i = 0; i < group.size(); i++) {
        byte[] payload = group.get(i).payload();
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        h.putInt(payload.length).putInt(crc(position, payload)).putLong(position).flip();
        buffers[2 * i] = h;
        buffers[2 * i + 1] = ByteBuffer.wrap(payload);
        total += HEADER + payload.length;
        position++;
      }
      long written = 0;
      while (written < total) {
        written += active.write(buffers);
      }
      active.force(false);
      activeSize += total;
      synchronized (this) {
        next = position;
      }
    } catch (IOException e) {
      undo(before, e);
      for (Pending p : group) {
        listener.failed(p.attachment(), e);
      }
      return;
    }
    long position = firstPosition;
    for (Pending p : group) {
      listener.durable(position++, p.attachment());
    }
    if (activeSize >= segmentBytes) {
      try {
        roll();
      } catch (IOException e) {
        broken = e;
        log.error("cannot start a new log segment: {}", e.getMessage());
      }
    }
  }

  /** Cuts a failed write back off the segment, so the next record follows a whole one. */
  private void undo(long size, IOException cause) {
    try {
      active.truncate(size);
      active.force(false);
      activeSize = size;
    } catch (IOException e) {
      broken = cause;
      log.error("log write failed and could not be undone, refusing appends: {}", e.getMessage());
    }
  }

  private void roll() throws IOException {
    if (active != null) {
      active.close();
    }
    long first;
    synchronized (this) {
      first = next;
    }
    Path file = dir.resolve(String.format("%020d.seg", first));
    active =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    activeSize = active.size();
    synchronized (this) {
      segments.put(first, file);
    }
    // The new file's name must survive a crash too.
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  /**
   * Deletes the segments whose every record is at or before {@code position} (loaded and safe in
   * the store); never the one being written.
   */
  public void deleteThrough(long position) {
    List<Path> gone = new ArrayList<>();
    synchronized (this) {
      while (segments.size() > 1) {
        var first = segments.firstEntry();
        Long second = segments.higherKey(first.getKey());
        if (second == null || second - 1 > position) {
          break;
        }
        gone.add(first.getValue());
        segments.pollFirstEntry();
      }
    }
    for (Path p : gone) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        log.warn("cannot delete loaded log segment {}: {}", p, e.getMessage());
      }
    }
  }

  /**
   * After {@link #close}: deletes every segment, the last one too, when all their records are at or
   * before {@code position} (a clean stop with everything loaded leaves no log behind).
   */
  public void dropAllThrough(long position) {
    if (!closing) {
      throw new IllegalStateException("the log is still open");
    }
    synchronized (this) {
      if (next - 1 > position) {
        return;
      }
    }
    List<Path> gone;
    synchronized (this) {
      gone = new ArrayList<>(segments.values());
      segments.clear();
    }
    for (Path p : gone) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        log.warn("cannot delete loaded log segment {}: {}", p, e.getMessage());
      }
    }
  }

  /** How many segment files the log holds (for tests and status). */
  public synchronized int segmentCount() {
    return segments.size();
  }

  static int crc(long position, byte[] payload) {
    CRC32C c = new CRC32C();
    ByteBuffer p = ByteBuffer.allocate(8).putLong(position).flip();
    c.update(p);
    c.update(payload);
    return (int) c.getValue();
  }

  /** Writes what was appended, then stops. */
  @Override
  public void close() {
    closing = true;
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Pending p;
    while ((p = queue.poll()) != null) {
      listener.failed(p.attachment(), new IOException("the log closed before writing"));
    }
    try {
      if (active != null) {
        active.close();
      }
    } catch (IOException e) {
      log.warn("closing the log failed: {}", e.getMessage());
    }
  }
}
