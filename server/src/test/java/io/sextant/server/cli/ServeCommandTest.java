package io.sextant.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.store.clickhouse.ClickHouseConfig;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ServeCommandTest {
  @Test
  void mapOptions_areParsed_andAbsentByDefault() {
    ServeCommand none = new ServeCommand();
    new CommandLine(none).parseArgs();
    assertThat(none.declared).isNull();
    assertThat(none.health == null ? java.util.List.<String>of() : none.health)
        .allMatch(String::isBlank);
    assertThat(none.healthEvery).isEqualTo("15s");

    ServeCommand set = new ServeCommand();
    new CommandLine(set)
        .parseArgs(
            "--declared",
            "deps.yaml",
            "--health",
            "cart=http://127.0.0.1:8081/health,web=http://127.0.0.1:8082/actuator/health",
            "--health-every",
            "5s");
    assertThat(set.declared).isEqualTo(Path.of("deps.yaml"));
    assertThat(set.health)
        .containsExactly(
            "cart=http://127.0.0.1:8081/health", "web=http://127.0.0.1:8082/actuator/health");
  }

  @Test
  void securityOptions_areParsed_andANonLoopbackBindWithoutTokens_isOneSentence(
      @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    ServeCommand none = new ServeCommand();
    new CommandLine(none).parseArgs();
    assertThat(none.authTokens).isNull();
    assertThat(none.insecureNoAuth).isFalse();
    assertThat(none.redactDefaults).isTrue();
    assertThat(none.security().tokens().enabled()).isFalse();
    assertThat(none.security().redactor().rules()).isNotEmpty();

    ServeCommand set = new ServeCommand();
    new CommandLine(set)
        .parseArgs(
            "--allowed-hosts",
            "sextant.internal,.corp.example",
            "--cors-origins",
            "https://shop.example",
            "--redact-defaults",
            "false",
            "--insecure-no-auth");
    assertThat(set.security().allowedHosts()).containsExactly("sextant.internal", ".corp.example");
    assertThat(set.security().corsOrigins()).containsExactly("https://shop.example");
    assertThat(set.security().redactor().rules()).isEmpty();
    assertThat(set.insecureNoAuth).isTrue();

    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    java.io.PrintStream old = System.err;
    System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
    int code;
    try {
      code =
          new CommandLine(new ServeCommand())
              .execute("--bind", "0.0.0.0", "--data-dir", dir.toString());
    } finally {
      System.setErr(old);
    }
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8).strip())
        .startsWith("sextant: --bind 0.0.0.0 is reachable from other machines")
        .doesNotContain("Exception")
        .doesNotContain("\n");
  }

  @Test
  void archiveOptions_areParsed_andAnArchiverWithoutADirectory_isOneSentence(
      @org.junit.jupiter.api.io.TempDir Path dir) {
    ServeCommand none = new ServeCommand();
    new CommandLine(none).parseArgs();
    assertThat(none.archive).isNull();
    assertThat(none.archiveEvery).isEqualTo("1m");

    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    java.io.PrintStream old = System.err;
    System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
    int code;
    try {
      code =
          new CommandLine(new ServeCommand())
              .execute(
                  "--role", "archiver", "--kafka", "127.0.0.1:1", "--data-dir", dir.toString());
    } finally {
      System.setErr(old);
    }
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8).strip())
        .isEqualTo(
            "sextant: --role archiver needs --archive DIR, the directory of the Parquet files");
  }

  @Test
  void clickHouseOptions_makeOneServer_orAClusterOfShards() {
    ServeCommand one = new ServeCommand();
    new CommandLine(one).parseArgs("--clickhouse", "http://10.0.0.5:8123");
    ClickHouseConfig single = one.clickHouse();
    assertThat(single.url()).isEqualTo(URI.create("http://10.0.0.5:8123"));
    assertThat(single.cluster()).isNull();
    assertThat(single.shards()).isEmpty();

    ServeCommand sharded = new ServeCommand();
    new CommandLine(sharded)
        .parseArgs(
            "--clickhouse",
            "http://127.0.0.1:8123",
            "--clickhouse-database",
            "events",
            "--clickhouse-cluster",
            "sextant",
            "--clickhouse-shards",
            "http://127.0.0.1:8123, http://127.0.0.1:9123");
    ClickHouseConfig cluster = sharded.clickHouse();
    assertThat(cluster.cluster()).isEqualTo("sextant");
    assertThat(cluster.database()).isEqualTo("events");
    assertThat(cluster.shards())
        .containsExactly(URI.create("http://127.0.0.1:8123"), URI.create("http://127.0.0.1:9123"));
  }

  @Test
  void aHalfGivenClickHouseCluster_orABadShardUrl_isOneSentence() {
    assertThat(refusal("--clickhouse-cluster", "sextant"))
        .isEqualTo(
            "--clickhouse-cluster sextant needs --clickhouse-shards http://host:8123,… (every"
                + " shard's HTTP interface)");
    assertThat(refusal("--clickhouse-shards", "http://127.0.0.1:8123"))
        .startsWith("--clickhouse-shards needs --clickhouse-cluster");
    assertThat(refusal("--clickhouse-cluster", "sextant", "--clickhouse-shards", "127.0.0.1:8123"))
        .isEqualTo("--clickhouse-shards is http://host:port, not 127.0.0.1:8123");
    assertThat(refusal("--clickhouse-cluster", "no-dash", "--clickhouse-shards", "http://a:1"))
        .contains("cluster needs a name of letters, digits and _");
  }

  private static String refusal(String... args) {
    ServeCommand c = new ServeCommand();
    new CommandLine(c).parseArgs(args);
    try {
      c.clickHouse();
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    throw new AssertionError("accepted " + java.util.Arrays.toString(args));
  }
}
