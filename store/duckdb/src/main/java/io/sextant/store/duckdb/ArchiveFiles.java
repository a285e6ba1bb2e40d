package io.sextant.store.duckdb;

import io.sextant.store.spi.AttributeKey;
import io.sextant.store.spi.FieldType;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where the Parquet archive keeps its files (docs/adr/0020-parquet-archive.md): {@code
 * <dir>/sextant_tenant=<t>/date=YYYY-MM-DD/hour=HH/part-<source>-<first>.parquet}, Hive-style, so
 * DuckDB (or any engine, or an object store's prefix listing) reads a tenant's day or hour without
 * opening the rest. A write in progress is listed in {@code <dir>/_pending/<source>} before any of
 * its files takes its final name, so a crash between the files and the commit of what they hold can
 * be undone exactly.
 */
final class ArchiveFiles {
  static final long HOUR_NANOS = 3_600_000_000_000L;

  /** Every archive file, for DuckDB's {@code read_parquet}. */
  static final String GLOB = "sextant_tenant=*/date=*/hour=*/part-*.parquet";

  static final String PENDING = "_pending";

  private ArchiveFiles() {}

  /** The directory of {@code tenant}'s events of the hour starting at {@code hour}·1h. */
  static Path bucket(Path root, String tenant, long hour) {
    ZonedDateTime t = Instant.ofEpochSecond(hour * 3600).atZone(ZoneOffset.UTC);
    return root.resolve("sextant_tenant=" + tenant)
        .resolve("date=" + t.toLocalDate())
        .resolve(String.format("hour=%02d", t.getHour()));
  }

  static String fileName(String source, long first) {
    return "part-" + source + "-" + first + ".parquet";
  }

  /** The name a file is written under before it is complete and synced; the glob skips it. */
  static Path temporary(Path file) {
    return file.resolveSibling("." + file.getFileName() + ".tmp");
  }

  /** Forces {@code path}'s content (a file) or its entries (a directory) to the disk. */
  static void sync(Path path) throws IOException {
    boolean directory = Files.isDirectory(path);
    try (FileChannel c =
        FileChannel.open(path, directory ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
      c.force(true);
    }
  }

  static final String KEYS = "_keys";

  /**
   * The attribute keys {@code source} has written for {@code tenant}, one {@code origin type key} a
   * line: the reader's catalog, without opening the Parquet files (each also lists its keys in its
   * own metadata). One file per source, so writers of different sources never race.
   */
  static Path keysFile(Path root, String tenant, String source) {
    return keysOf(root, tenant).resolve(source);
  }

  /** The directory of {@code tenant}'s keys files. */
  static Path keysOf(Path root, String tenant) {
    return root.resolve(KEYS).resolve("sextant_tenant=" + tenant);
  }

  /**
   * {@code keys} as the lines of a keys file or of a file's metadata: {@code origin type key}, the
   * key URL-encoded, each ending in a newline.
   */
  static String keyLines(Iterable<AttributeKey> keys) {
    StringBuilder out = new StringBuilder();
    for (AttributeKey k : keys) {
      out.append(k.origin().name())
          .append(' ')
          .append(k.type().name())
          .append(' ')
          .append(URLEncoder.encode(k.key(), StandardCharsets.UTF_8))
          .append('\n');
    }
    return out.toString();
  }

  /**
   * The key of one line {@link #keyLines} wrote; empty for a line that is not one.
   *
   * @throws IllegalArgumentException when its origin, type or encoding is not one it writes
   */
  static Optional<AttributeKey> parseKeyLine(String line) {
    String[] parts = line.split(" ", 3);
    if (parts.length != 3) {
      return Optional.empty();
    }
    return Optional.of(
        new AttributeKey(
            URLDecoder.decode(parts[2], StandardCharsets.UTF_8),
            AttributeKey.Origin.valueOf(parts[0]),
            FieldType.valueOf(parts[1])));
  }

  /** Adds {@code lines} to {@code tenant}'s keys of {@code source}, durably, if any is new. */
  static void addKeys(Path root, String tenant, String source, Collection<String> lines)
      throws IOException {
    Path file = keysFile(root, tenant, source);
    Set<String> all = new TreeSet<>();
    if (Files.exists(file)) {
      all.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
    }
    int before = all.size();
    for (String l : lines) {
      if (!l.isBlank()) {
        all.add(l);
      }
    }
    if (all.size() == before && Files.exists(file)) {
      return;
    }
    Files.createDirectories(file.getParent());
    Path tmp = temporary(file);
    Files.write(tmp, all, StandardCharsets.UTF_8);
    sync(tmp);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    sync(file.getParent());
    sync(file.getParent().getParent());
    sync(root.resolve(KEYS).getParent());
  }

  /** A write in progress: the first position it holds and its files, relative to the root. */
  record Pending(long first, List<Path> files) {}

  /** Records {@code pending} for {@code source}, durably, before its files are renamed in. */
  static void writePending(Path root, String source, Pending pending) throws IOException {
    Path dir = root.resolve(PENDING);
    Files.createDirectories(dir);
    StringBuilder text = new StringBuilder().append(pending.first()).append('\n');
    for (Path f : pending.files()) {
      text.append(f.toString().replace('\\', '/')).append('\n');
    }
    Path file = dir.resolve(source);
    Path tmp = temporary(file);
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    sync(tmp);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    sync(dir);
  }

  static Optional<Pending> readPending(Path root, String source) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(root.resolve(PENDING).resolve(source), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (lines.isEmpty()) {
      // Written but not synced before a crash: its files were never renamed in.
      return Optional.of(new Pending(Long.MIN_VALUE, List.of()));
    }
    List<Path> files = new ArrayList<>();
    for (String l : lines.subList(1, lines.size())) {
      if (!l.isBlank()) {
        files.add(Path.of(l));
      }
    }
    return Optional.of(new Pending(Long.parseLong(lines.get(0).strip()), files));
  }

  static void clearPending(Path root, String source) throws IOException {
    Files.deleteIfExists(root.resolve(PENDING).resolve(source));
  }
}
