package io.sextant.store.clickhouse;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A ClickHouse server of its own, as a child process: Debian's {@code clickhouse-server} (18.16) or
 * a newer {@code clickhouse} binary, with a generated configuration and all its files under one
 * directory, listening on 127.0.0.1 only, on free ports. For tests and for trying the cluster on
 * one machine; {@link #close} stops it.
 */
public final class LocalClickHouse implements AutoCloseable {
  private final Process process;
  private final int httpPort;
  private final Path dir;

  private LocalClickHouse(Process process, int httpPort, Path dir) {
    this.process = process;
    this.httpPort = httpPort;
    this.dir = dir;
  }

  /** The server program, or an exception saying how to install it. */
  static List<String> command() {
    for (String p : List.of("/usr/sbin/clickhouse-server", "/usr/bin/clickhouse-server")) {
      if (Files.isExecutable(Path.of(p))) {
        return List.of(p);
      }
    }
    for (String p : List.of("/usr/bin/clickhouse", "/usr/local/bin/clickhouse")) {
      if (Files.isExecutable(Path.of(p))) {
        return List.of(p, "server");
      }
    }
    throw new IllegalStateException(
        "no ClickHouse server program: install Debian's clickhouse-server (apt-get install"
            + " clickhouse-server)");
  }

  /** Starts a server keeping its data under {@code dir}; waits until it answers (≤ 60 s). */
  public static LocalClickHouse start(Path dir) throws IOException, InterruptedException {
    return start(dir, "");
  }

  /**
   * Starts a server with {@code extraConfig} (XML elements inside the root, e.g. {@code
   * <remote_servers>}) added to its configuration.
   */
  public static LocalClickHouse start(Path dir, String extraConfig)
      throws IOException, InterruptedException {
    return start(dir, freePort(), freePort(), extraConfig);
  }

  /** Starts a server on the given ports (from {@link #freePort}), e.g. for a cluster's config. */
  public static LocalClickHouse start(Path dir, int http, int tcp, String extraConfig)
      throws IOException, InterruptedException {
    dir = dir.toAbsolutePath();
    Files.createDirectories(dir);
    Path config = dir.resolve("config.xml");
    Files.writeString(config, config(dir, http, tcp, extraConfig), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("users.xml"), USERS, StandardCharsets.UTF_8);
    List<String> cmd = new ArrayList<>(command());
    cmd.add("--config-file=" + config);
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("stdout.log").toFile())
            .start();
    LocalClickHouse server = new LocalClickHouse(p, http, dir);
    server.awaitReady(Duration.ofSeconds(60));
    return server;
  }

  /** The port of the native protocol (for {@code remote_servers} of a Distributed table). */
  public int tcpPort() throws IOException {
    String xml = Files.readString(dir.resolve("config.xml"));
    int at = xml.indexOf("<tcp_port>") + "<tcp_port>".length();
    return Integer.parseInt(xml.substring(at, xml.indexOf('<', at)));
  }

  /** The server's process id (the cluster script reads its CPU time from /proc). */
  public long pid() {
    return process.pid();
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + httpPort);
  }

  private void awaitReady(Duration within) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "ClickHouse exited with "
                + process.exitValue()
                + ": "
                + tail(dir.resolve("stdout.log"))
                + tail(dir.resolve("error.log")));
      }
      try {
        HttpURLConnection c = (HttpURLConnection) url().resolve("/ping").toURL().openConnection();
        c.setConnectTimeout(500);
        c.setReadTimeout(1000);
        if (c.getResponseCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    close();
    throw new IOException("ClickHouse did not answer within " + within.toSeconds() + " s");
  }

  private static String tail(Path log) {
    try {
      String s = Files.exists(log) ? Files.readString(log) : "";
      return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * A {@code <remote_servers>} element naming {@code cluster}, one shard per native port on
   * 127.0.0.1, for a Distributed table.
   */
  public static String cluster(String cluster, int... tcpPorts) {
    StringBuilder b = new StringBuilder("<remote_servers><").append(cluster).append('>');
    for (int port : tcpPorts) {
      b.append("<shard><replica><host>127.0.0.1</host><port>")
          .append(port)
          .append("</port></replica></shard>");
    }
    return b.append("</").append(cluster).append("></remote_servers>").toString();
  }

  /** A port free on 127.0.0.1 now. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String config(Path dir, int http, int tcp, String extra) {
    return """
        <?xml version="1.0"?>
        <yandex>
          <logger><level>warning</level><log>%1$s/server.log</log><errorlog>%1$s/error.log</errorlog><size>10M</size><count>1</count></logger>
          <listen_host>127.0.0.1</listen_host>
          <http_port>%2$d</http_port>
          <tcp_port>%3$d</tcp_port>
          <path>%1$s/data/</path>
          <tmp_path>%1$s/tmp/</tmp_path>
          <user_files_path>%1$s/user_files/</user_files_path>
          <format_schema_path>%1$s/format_schemas/</format_schema_path>
          <users_config>users.xml</users_config>
          <default_profile>default</default_profile>
          <default_database>default</default_database>
          <timezone>UTC</timezone>
          <mark_cache_size>268435456</mark_cache_size>
          <max_concurrent_queries>100</max_concurrent_queries>
          <compression><case><method>zstd</method></case></compression>
          %4$s
        </yandex>
        """
        .formatted(dir, http, tcp, extra);
  }

  private static final String USERS =
      """
      <?xml version="1.0"?>
      <yandex>
        <profiles><default><max_memory_usage>2000000000</max_memory_usage><log_queries>1</log_queries></default></profiles>
        <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
        <quotas><default></default></quotas>
      </yandex>
      """;

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
