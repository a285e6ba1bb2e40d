package io.sextant.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at the probes file every {@link #EVERY} and calls {@code onChange} when its modification
 * time or size changed since the last look (polling works on every file system, bind mounts and
 * editors that replace the file included; a WatchService misses some of them). When {@code
 * onChange} answers false (it could not reload now), the change is handled again at the next look.
 */
final class ProbeFileWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProbeFileWatch.class);

  /** How often the file is looked at. */
  static final Duration EVERY = Duration.ofSeconds(2);

  private final Path file;
  private final BooleanSupplier onChange;
  private final ScheduledExecutorService looks =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofVirtual().name("probes-file-watch").factory());
  private volatile Stamp last;

  private record Stamp(FileTime modified, long size) {}

  ProbeFileWatch(Path file, BooleanSupplier onChange) {
    this.file = file;
    this.onChange = onChange;
    this.last = stamp();
  }

  ProbeFileWatch start() {
    looks.scheduleWithFixedDelay(
        this::look, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  private Stamp stamp() {
    try {
      return new Stamp(Files.getLastModifiedTime(file), Files.size(file));
    } catch (IOException e) {
      return null; // gone for now (an editor replacing it): looked at again next time
    }
  }

  private void look() {
    Stamp now = stamp();
    if (now == null || Objects.equals(now, last)) {
      return;
    }
    try {
      if (onChange.getAsBoolean()) {
        last = now;
      }
    } catch (RuntimeException e) {
      last = now; // a file that does not load: said once, looked at again when it changes
      log.warn("the probes file {} changed but could not be reloaded: {}", file, e.getMessage());
    }
  }

  @Override
  public void close() {
    looks.shutdownNow();
  }
}
