package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Span;
import io.sextant.store.clickhouse.LocalClickHouse;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} on a sharded ClickHouse store, configured the way an operator does (the cluster and
 * shards from the environment, {@code SEXTANT_CLICKHOUSE_CLUSTER} and {@code
 * SEXTANT_CLICKHOUSE_SHARDS}): what it acknowledges lands on both shards, each span once, and its
 * API counts it.
 */
class ShardedServeIT {
  @TempDir Path dir;

  @Test
  void serve_onAClusterOfTwoShards_spreadsWhatItAcknowledges_andAnswersOverBoth() throws Exception {
    Path base =
        Path.of("target", "clickhouse-it", "sharded-serve-" + ProcessHandle.current().pid());
    int[] http = {LocalClickHouse.freePort(), LocalClickHouse.freePort()};
    int[] tcp = {LocalClickHouse.freePort(), LocalClickHouse.freePort()};
    String cluster = LocalClickHouse.cluster("shop_cluster", tcp);
    Process server = null;
    try (LocalClickHouse one =
            LocalClickHouse.start(base.resolve("one"), http[0], tcp[0], cluster);
        LocalClickHouse two = LocalClickHouse.start(base.resolve("two"), http[1], tcp[1], "")) {
      int[] ports = TestServer.freePorts(4);
      server =
          ServerProcess.start(
              Map.of(
                  "SEXTANT_CLICKHOUSE_CLUSTER",
                  "shop_cluster",
                  "SEXTANT_CLICKHOUSE_SHARDS",
                  one.url() + "," + two.url()),
              Files.createDirectories(dir.resolve("logs")),
              dir.resolve("data"),
              ports,
              List.of("-Xmx256m"),
              "--store=clickhouse",
              "--clickhouse=" + one.url(),
              "--clickhouse-database=sharded");
      int requests = 20;
      for (int n = 0; n < requests; n++) {
        List<Span> spans = new ArrayList<>();
        String trace = String.format("5a4d0000%024x", n);
        for (int i = 0; i < 10; i++) {
          spans.add(Otlp.span(trace, String.format("%016x", i + 1), "op " + i).build());
        }
        byte[] body = Otlp.request("shop", spans).toByteArray();
        TestServer.Reply r =
            TestServer.post(
                "http://127.0.0.1:" + ports[1] + "/v1/traces", "application/x-protobuf", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        if (n == 0) { // sent twice: counted once
          assertThat(
                  TestServer.post(
                          "http://127.0.0.1:" + ports[1] + "/v1/traces",
                          "application/x-protobuf",
                          body)
                      .status())
              .isEqualTo(200);
        }
      }
      long expected = requests * 10L;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      long counted = -1;
      while (System.nanoTime() < deadline) {
        TestServer.Reply q =
            TestServer.post(
                "http://127.0.0.1:" + ports[3] + "/api/v1/query",
                "application/json",
                "{\"q\":\"where kind = span | count() | last 1h\"}"
                    .getBytes(StandardCharsets.UTF_8));
        counted = q.status() == 200 ? q.json().at("/rows/0/0").asLong() : -1;
        if (counted == expected) {
          break;
        }
        Thread.sleep(200);
      }
      assertThat(counted).isEqualTo(expected);
      long first = count(one.url(), "SELECT count() FROM sharded.events_local FINAL");
      long second = count(two.url(), "SELECT count() FROM sharded.events_local FINAL");
      assertThat(first).isPositive();
      assertThat(second).isPositive();
      assertThat(first + second).isEqualTo(expected);
    } finally {
      if (server != null) {
        server.destroy();
        if (!server.waitFor(30, TimeUnit.SECONDS)) {
          server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  private static long count(URI clickhouse, String sql) throws Exception {
    HttpResponse<String> r =
        TestServer.HTTP.send(
            HttpRequest.newBuilder(clickhouse.resolve("/"))
                .POST(HttpRequest.BodyPublishers.ofString(sql))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Long.parseLong(r.body().strip());
  }
}
