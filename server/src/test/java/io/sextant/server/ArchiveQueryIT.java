package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.model.Event;
import io.sextant.store.duckdb.ParquetArchiveWriter;
import io.sextant.store.testkit.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server with {@code --archive}: a question whose range begins before the retention cutoff is
 * answered from the Parquet files; one within retention from the hot store.
 */
@Timeout(120)
class ArchiveQueryIT {
  @TempDir Path dir;

  @Test
  void aQuestionOlderThanRetention_isAnsweredFromTheArchive() throws Exception {
    // Events of 2025-01-01, long past the default 7 days, only in the archive.
    List<Event> events = Fixtures.traces(new Random(3), Fixtures.T0, 60_000_000_000L, 50, 3);
    Path archive = dir.resolve("archive");
    try (ParquetArchiveWriter w = ParquetArchiveWriter.open(archive)) {
      w.write("0", 0, events);
      w.committed("0");
    }
    ServerConfig config =
        TestServer.ports(ServerConfig.defaults(dir.resolve("data"))).withArchive(archive);
    try (TestServer server = new TestServer(config, UnaryOperator.identity())) {
      JsonNode old = ask(server, "count() | since 2025-01-01T00:00:00Z until 2025-01-02T00:00:00Z");
      assertThat(old.at("/rows").toString()).isEqualTo("[[" + events.size() + "]]");
      String service = events.get(0).resource().serviceName();
      JsonNode recent = ask(server, "where service.name = " + service + " | count() | last 1h");
      assertThat(recent.at("/rows").toString()).isEqualTo("[[0]]");
    }
  }

  @Test
  void retentionWithTheArchiveOn_movesOldEventsIntoIt_andTheyStayAnswerable() throws Exception {
    Path archive = dir.resolve("archive");
    ServerConfig c = TestServer.ports(ServerConfig.defaults(dir.resolve("data")));
    ServerConfig config =
        c.withRetention(Duration.ofHours(1), Duration.ofSeconds(1)).withArchive(archive);
    long now = System.currentTimeMillis() * 1_000_000L;
    long twoHoursAgo = now - 2 * 3_600_000_000_000L;
    List<io.opentelemetry.proto.trace.v1.Span> spans = new java.util.ArrayList<>();
    for (int i = 0; i < 25; i++) {
      long start = i < 20 ? twoHoursAgo + i * 1_000_000_000L : now - i * 1_000_000L;
      spans.add(
          Otlp.span(String.format("%032x", 0xA0 + i), String.format("%016x", 0xB0 + i), "work")
              .setStartTimeUnixNano(start)
              .setEndTimeUnixNano(start + 1_000_000)
              .build());
    }
    try (TestServer server = new TestServer(config, UnaryOperator.identity())) {
      TestServer.Reply sent =
          TestServer.post(
              "http://127.0.0.1:" + config.otlpHttpPort() + "/v1/traces",
              "application/x-protobuf",
              Otlp.request("mover", spans).toByteArray());
      assertThat(sent.status()).isEqualTo(200);
      java.time.Instant from = java.time.Instant.ofEpochSecond(twoHoursAgo / 1_000_000_000L - 60);
      String old =
          "where service.name = mover | count() | since "
              + from
              + " until "
              + from.plusSeconds(1800);
      long deadline = System.nanoTime() + 60_000_000_000L;
      String rows = "";
      while (System.nanoTime() < deadline && !rows.equals("[[20]]")) {
        rows = ask(server, old).at("/rows").toString();
        Thread.sleep(200);
      }
      assertThat(rows).as("the old spans, answered from the archive").isEqualTo("[[20]]");
      try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(archive)) {
        assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".parquet")))
            .isNotEmpty()
            .allMatch(n -> n.startsWith("part-hot-"));
      }
      JsonNode recent = ask(server, "where service.name = mover | count() | last 30m");
      assertThat(recent.at("/rows").toString()).isEqualTo("[[5]]");
    }
  }

  private static JsonNode ask(TestServer server, String q) throws Exception {
    TestServer.Reply r =
        TestServer.post(
            server.api("/api/v1/query"),
            "application/json",
            TestServer.JSON
                .writeValueAsString(java.util.Map.of("q", q))
                .getBytes(StandardCharsets.UTF_8));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }
}
