package io.sextant.bench.springsys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One PostgreSQL server process (Debian's packages): its own data directory, port and socket
 * directory. Run as the {@code postgres} user when this JVM is root (postgres refuses root), with
 * {@code setpriv}, which execs, so the process started is the postmaster itself.
 */
final class PgCluster {
  private final String name;
  private final String database;
  private final Path dir;
  private final Path logs;
  private final int port;
  private volatile Process postmaster;

  PgCluster(String name, String database, Path dir, Path logs, int port) {
    this.name = name;
    this.database = database;
    this.dir = dir;
    this.logs = logs;
    this.port = port;
  }

  String name() {
    return name;
  }

  String database() {
    return database;
  }

  int port() {
    return port;
  }

  /** The newest /usr/lib/postgresql/N/bin, or an error that says which package to install. */
  static Path bin() {
    Path root = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(root)) {
      try (Stream<Path> s = Files.list(root)) {
        var found =
            s.map(p -> p.resolve("bin"))
                .filter(p -> Files.isExecutable(p.resolve("postgres")))
                .max(
                    Comparator.comparingInt(
                        p -> {
                          try {
                            return Integer.parseInt(p.getParent().getFileName().toString());
                          } catch (NumberFormatException e) {
                            return 0;
                          }
                        }));
        if (found.isPresent()) {
          return found.get();
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException(
        "springsys needs PostgreSQL server binaries in /usr/lib/postgresql/*/bin:"
            + " apt-get install postgresql");
  }

  static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static List<String> asPostgres(List<String> cmd) {
    if (!root()) {
      return cmd;
    }
    List<String> c =
        new ArrayList<>(
            List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
    c.addAll(cmd);
    return c;
  }

  /** initdb (trust authentication, no fsync), then start, create role shop and the database. */
  void create() throws IOException, InterruptedException {
    Files.createDirectories(dir);
    if (root()) {
      run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
    }
    Path data = dir.resolve("data");
    run(
        asPostgres(
            List.of(
                bin().resolve("initdb").toString(),
                "-D",
                data.toString(),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions")));
    start();
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("create role shop login superuser password 'shop'");
      s.execute("create database " + database + " owner shop");
    } catch (SQLException e) {
      throw new IOException(name + ": cannot create the database: " + e.getMessage(), e);
    }
  }

  /** Runs SQL against the database, straight to the server (not through its proxy). */
  void sql(List<String> statements) throws SQLException {
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/" + database, "shop", "shop");
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  /** Starts the postmaster and waits until it accepts connections (30 s at most). */
  synchronized void start() throws IOException, InterruptedException {
    Path sock = dir.resolve("sock");
    Files.createDirectories(sock);
    if (root()) {
      run(List.of("chown", "postgres:postgres", sock.toString()));
    }
    ProcessBuilder pb =
        new ProcessBuilder(
            asPostgres(
                List.of(
                    bin().resolve("postgres").toString(),
                    "-D",
                    dir.resolve("data").toString(),
                    "-p",
                    Integer.toString(port),
                    "-k",
                    sock.toString(),
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    "shared_buffers=16MB",
                    "-c",
                    "max_connections=50",
                    "-c",
                    "fsync=off",
                    "-c",
                    "synchronous_commit=off",
                    "-c",
                    "full_page_writes=off",
                    "-c",
                    "max_wal_senders=0",
                    "-c",
                    "wal_level=minimal",
                    "-c",
                    "autovacuum=off",
                    "-c",
                    "logging_collector=off")));
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(name + ".log").toFile()));
    postmaster = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      if (!postmaster.isAlive()) {
        throw new IOException(
            name
                + ": postgres exited with "
                + postmaster.exitValue()
                + ": "
                + Files.readString(logs.resolve(name + ".log")));
      }
      try (Connection c =
          DriverManager.getConnection(
              "jdbc:postgresql://127.0.0.1:" + port + "/postgres?connectTimeout=2",
              "postgres",
              "")) {
        return;
      } catch (SQLException e) {
        if (System.nanoTime() > deadline) {
          throw new IOException(name + ": postgres did not accept connections in 30 s", e);
        }
        Thread.sleep(100);
      }
    }
  }

  /** The postmaster's pid (or -1 when it is not running). */
  long postmasterPid() {
    Process p = postmaster;
    return p != null && p.isAlive() ? p.pid() : -1;
  }

  /** The postmaster and every process it forked (backends, checkpointer, walwriter, …). */
  List<Long> pids() {
    Process p = postmaster;
    List<Long> out = new ArrayList<>();
    if (p != null && p.isAlive()) {
      out.add(p.pid());
      p.descendants().forEach(h -> out.add(h.pid()));
    }
    return out;
  }

  /** SIGKILL to the postmaster only; its children notice and exit by themselves. */
  void killPostmaster() {
    Process p = postmaster;
    if (p != null) {
      p.destroyForcibly();
    }
  }

  boolean running() {
    Process p = postmaster;
    return p != null && p.isAlive();
  }

  /** After a kill: clears what is left of the old server, then starts it again. */
  synchronized void restart() throws IOException, InterruptedException {
    Process p = postmaster;
    if (p != null) {
      List<ProcessHandle> left = p.descendants().toList();
      p.destroyForcibly();
      left.forEach(ProcessHandle::destroyForcibly);
      p.waitFor(10, TimeUnit.SECONDS);
    }
    // Backends of a killed postmaster exit when they notice; wait for every one still holding the
    // data directory (postgres refuses to start while one is attached to the old shared memory).
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline && stillHeld()) {
      Thread.sleep(100);
    }
    start();
  }

  private boolean stillHeld() {
    return ProcessHandle.allProcesses()
        .anyMatch(
            h ->
                h.info()
                    .arguments()
                    .map(a -> String.join(" ", a).contains(dir.resolve("data").toString()))
                    .orElse(false));
  }

  /** Stops every process of the server for good (SIGKILL, then they are reaped). */
  void destroy() {
    Process p = postmaster;
    if (p != null) {
      List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
      // A frozen process gets SIGKILL all the same; SIGCONT first lets it be reaped at once.
      Signals.send("CONT", all.stream().map(ProcessHandle::pid).toList());
      Signals.send("CONT", List.of(p.pid()));
      p.destroyForcibly();
      all.forEach(ProcessHandle::destroyForcibly);
      try {
        p.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
  }
}
