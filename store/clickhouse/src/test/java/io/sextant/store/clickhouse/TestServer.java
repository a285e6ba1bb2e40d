package io.sextant.store.clickhouse;

import io.sextant.store.spi.EventStore;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One ClickHouse server for all the integration tests of this JVM (about 2 s to start), under
 * target/; each store opens a database of its own, named by the test's directory.
 */
final class TestServer {
  private static LocalClickHouse server;
  private static final AtomicInteger databases = new AtomicInteger();
  private static final java.util.Map<Path, String> names =
      new java.util.concurrent.ConcurrentHashMap<>();

  private TestServer() {}

  static synchronized LocalClickHouse get() throws Exception {
    if (server == null) {
      Path dir = Path.of("target", "clickhouse-it", "server-" + ProcessHandle.current().pid());
      server = LocalClickHouse.start(dir);
      LocalClickHouse s = server;
      Runtime.getRuntime().addShutdownHook(new Thread(s::close));
    }
    return server;
  }

  /** The store kept in {@code dir}: the same database again for the same directory. */
  static EventStore open(Path dir) throws Exception {
    String db = names.computeIfAbsent(dir, d -> "t" + databases.incrementAndGet());
    return ClickHouseEventStore.open(
        new ClickHouseConfig(get().url(), db, java.time.Duration.ofSeconds(60)));
  }
}
