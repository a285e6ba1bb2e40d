package io.sextant.store.clickhouse;

import io.sextant.store.spi.EventStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Current ClickHouse for the integration tests named {@code Chdb*IT}: the engine that the npm
 * package {@code chdb} embeds (its version is pinned in {@code chdb-check/package-lock.json}),
 * behind the part of ClickHouse's HTTP interface the store uses ({@code chdb-check/server.mjs}), so
 * the store sends it exactly what it sends a server. One for all the tests of this JVM; each store
 * opens a database of its own. Every statement run is appended to {@code
 * target/chdb-statements.sql}. Needs {@code node} and {@code npm ci --prefix
 * store/clickhouse/chdb-check} (.ci/run does that).
 */
final class ChdbServer {
  /** The cluster of one shard (this engine itself) that the engine's configuration names. */
  static final String CLUSTER = "sextant";

  static final Path CHECK = Path.of("chdb-check");
  static final Path LOG = Path.of("target", "chdb-statements.sql");

  private static Process process;
  private static URI url;
  private static final AtomicInteger databases = new AtomicInteger();
  private static final Map<Path, String> names = new ConcurrentHashMap<>();

  private ChdbServer() {}

  static synchronized URI url() throws IOException {
    if (url != null) {
      return url;
    }
    String locked =
        version(CHECK.resolve("package-lock.json"), "\"node_modules/chdb\"\\s*:\\s*\\{\\s*");
    Path installed = CHECK.resolve("node_modules").resolve("chdb").resolve("package.json");
    String found = Files.exists(installed) ? version(installed, "") : null;
    if (!locked.equals(found)) {
      throw new IllegalStateException(
          "chdb "
              + locked
              + " is not installed (found "
              + found
              + "): run npm ci --prefix store/clickhouse/chdb-check");
    }
    Files.createDirectories(LOG.getParent());
    Files.deleteIfExists(LOG);
    Process p =
        new ProcessBuilder(
                List.of(
                    "node",
                    "server.mjs",
                    "--log",
                    LOG.toAbsolutePath().toString(),
                    "--cluster",
                    CLUSTER))
            .directory(CHECK.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    // Its standard input stays open while this JVM lives: closing it stops the engine.
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (line == null || !line.startsWith("listening ")) {
      p.destroyForcibly();
      throw new IOException("chdb-check/server.mjs did not start: " + line);
    }
    process = p;
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
    url = URI.create("http://127.0.0.1:" + line.substring("listening ".length()).strip());
    return url;
  }

  /** The "version" right after {@code before} in a JSON file, or an exception. */
  private static String version(Path json, String before) throws IOException {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(before + "\"version\"\\s*:\\s*\"([^\"]+)\"")
            .matcher(Files.readString(json));
    if (!m.find()) {
      throw new IllegalStateException("no version of chdb in " + json);
    }
    return m.group(1);
  }

  /** The store kept in {@code dir}: the same database again for the same directory. */
  static EventStore open(Path dir) throws IOException {
    String db = names.computeIfAbsent(dir, d -> "c" + databases.incrementAndGet());
    return ClickHouseEventStore.open(new ClickHouseConfig(url(), db, Duration.ofSeconds(60)));
  }

  /**
   * A store over {@code Distributed} tables on the cluster {@link #CLUSTER}, whose one shard is the
   * same engine: the *_local tables and the Distributed ones, as on a real cluster.
   */
  static ClickHouseConfig cluster() throws IOException {
    URI u = url();
    return new ClickHouseConfig(
        u, "s" + databases.incrementAndGet(), Duration.ofSeconds(60), CLUSTER, List.of(u));
  }
}
