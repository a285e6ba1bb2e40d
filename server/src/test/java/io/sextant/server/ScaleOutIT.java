package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Span;
import io.sextant.pipeline.kafka.KafkaSettings;
import io.sextant.pipeline.local.LocalKafka;
import io.sextant.store.clickhouse.ClickHouseConfig;
import io.sextant.store.clickhouse.ClickHouseEventStore;
import io.sextant.store.clickhouse.LocalClickHouse;
import io.sextant.store.spi.EventStore;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale-out roles as separate nodes over a real Kafka broker and a real ClickHouse server
 * (docs/scale-out.md): a collector, writers (one of them its own process, killed with -9 under
 * load) and a query node answer what was acknowledged, each event once; with Kafka down the
 * collector answers 429 and recovers; with ClickHouse down the writers wait, say so, show their
 * lag, and catch up.
 */
class ScaleOutIT {
  static final int SPANS_PER_REQUEST = 10;

  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();
  private LocalClickHouse clickhouse;
  private Path clickhouseDir;
  private int[] clickhousePorts;

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    if (clickhouse != null) {
      clickhouse.close();
    }
  }

  private <T extends AutoCloseable> T opened(T c) {
    open.add(c);
    return c;
  }

  private LocalKafka kafka() {
    return opened(LocalKafka.start(dir.resolve("kafka"), List.of(), 2));
  }

  private void startClickHouse() throws Exception {
    if (clickhouseDir == null) {
      clickhouseDir =
          Path.of(
              "target",
              "clickhouse-it",
              "scaleout-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
      clickhousePorts = new int[] {LocalClickHouse.freePort(), LocalClickHouse.freePort()};
    }
    clickhouse = LocalClickHouse.start(clickhouseDir, clickhousePorts[0], clickhousePorts[1], "");
  }

  private Supplier<EventStore> store() {
    URI url = clickhouse.url();
    return () ->
        ClickHouseEventStore.open(new ClickHouseConfig(url, "scaleout", Duration.ofSeconds(30)));
  }

  private ServerConfig config() {
    return TestServer.ports(ServerConfig.defaults(dir.resolve("node-" + System.nanoTime())));
  }

  private static void await(BooleanSupplier done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  private static byte[] request(int n) {
    List<Span> spans = new ArrayList<>();
    String trace = String.format("5ca1e000%024x", n);
    for (int i = 0; i < SPANS_PER_REQUEST; i++) {
      spans.add(Otlp.span(trace, String.format("%016x", i + 1), "op " + i).build());
    }
    return Otlp.request("shop", spans).toByteArray();
  }

  private static TestServer.Reply send(ServerConfig collector, int n) throws Exception {
    return TestServer.post(
        "http://127.0.0.1:" + collector.otlpHttpPort() + "/v1/traces",
        "application/x-protobuf",
        request(n));
  }

  private static TestServer.Reply get(ServerConfig node, String path) throws Exception {
    var r =
        TestServer.HTTP.send(
            java.net.http.HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + node.apiPort() + path))
                .timeout(Duration.ofSeconds(30))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    return new TestServer.Reply(r.statusCode(), r.body(), null);
  }

  /** The query node's count of stored spans (ClickHouse counts each event once). */
  private static long spans(ServerConfig query) {
    try {
      TestServer.Reply r =
          TestServer.post(
              "http://127.0.0.1:" + query.apiPort() + "/api/v1/query",
              "application/json",
              "{\"q\":\"where kind = span | count() | last 1h\"}".getBytes(StandardCharsets.UTF_8));
      return r.status() == 200 ? r.json().at("/rows/0/0").asLong() : -1;
    } catch (Exception e) {
      return -1;
    }
  }

  private Process writerProcess(LocalKafka kafka) throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    return ServerProcess.start(
        logs,
        dir.resolve("writer-process"),
        TestServer.freePorts(4),
        List.of("-Xmx256m"),
        "--role=writer",
        "--kafka=" + kafka.bootstrap(),
        "--store=clickhouse",
        "--clickhouse=" + clickhouse.url(),
        "--clickhouse-database=scaleout");
  }

  @Test
  void collectorWritersAndQuery_answerWhatWasAcknowledged_once_throughAWriterKilledUnderLoad()
      throws Exception {
    LocalKafka kafka = kafka();
    startClickHouse();
    KafkaSettings settings = KafkaSettings.of(kafka.bootstrap(), KafkaSettings.DEFAULT_TOPIC);
    ServerConfig c = config();
    opened(new CollectorNode(c, settings).start());
    ServerConfig w = config();
    opened(new WriterNode(w, settings, store()).start());
    ServerConfig q = config();
    opened(SextantServer.builder(q).store(store()).queryNode().build().start());
    Process killed = writerProcess(kafka);
    Process restarted = null;
    try {
      await(() -> spans(q) == 0, "the query node to answer");
      int acknowledged = 0;
      for (int n = 0; n < 300; n++) {
        if (n == 100) {
          killed.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // kill -9, mid-load
        }
        if (n == 200) {
          restarted = writerProcess(kafka);
        }
        TestServer.Reply r = send(c, n);
        if (r.status() == 200) {
          acknowledged++;
        } else {
          assertThat(r.status()).as(r.body()).isIn(429, 503);
        }
      }
      assertThat(acknowledged).isGreaterThan(250);
      long expected = (long) acknowledged * SPANS_PER_REQUEST;
      await(() -> spans(q) >= expected, "every acknowledged span to be stored");
      Thread.sleep(2_000); // a late redelivery would show now
      assertThat(spans(q)).isEqualTo(expected);
      TestServer.Reply trace = get(q, "/api/v1/traces/" + String.format("5ca1e000%024x", 150));
      assertThat(trace.status()).isEqualTo(200);
      assertThat(trace.json().path("events").size()).isEqualTo(SPANS_PER_REQUEST);

      TestServer.Reply status = get(c, "/api/v1/status");
      assertThat(status.json().path("role").asText()).isEqualTo("collector");
      assertThat(status.json().at("/kafka/sent_events").asLong()).isEqualTo(expected);
      assertThat(get(w, "/api/v1/status").json().path("role").asText()).isEqualTo("writer");
    } finally {
      killed.destroyForcibly();
      if (restarted != null) {
        restarted.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void whileKafkaIsDown_theCollectorAnswers429_andRecoversWhenItReturns() throws Exception {
    LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"), List.of(), 2);
    ServerConfig c = config();
    CollectorNode collector =
        new CollectorNode(c, KafkaSettings.of(kafka.bootstrap(), "events")).start();
    LocalKafka back = null;
    try {
      await(() -> get0(c, "/health") == 200, "the collector to reach Kafka");
      assertThat(send(c, 1).status()).isEqualTo(200);
      kafka.close();
      await(() -> get0(c, "/health") == 503, "the collector to notice Kafka is gone");
      TestServer.Reply refused = send(c, 2);
      assertThat(refused.status()).isEqualTo(429);
      assertThat(refused.retryAfter()).isNotNull();
      assertThat(get(c, "/api/v1/status").json().path("status").asText()).isEqualTo("degraded");
      back = kafka.restart();
      await(() -> get0(c, "/health") == 200, "the collector to see Kafka back");
      assertThat(send(c, 3).status()).isEqualTo(200);
    } finally {
      collector.close();
      (back != null ? back : kafka).close();
    }
  }

  private static int get0(ServerConfig node, String path) {
    try {
      return get(node, path).status();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void whileClickHouseIsDown_writersWait_showTheirLag_andCatchUp() throws Exception {
    LocalKafka kafka = kafka();
    startClickHouse();
    KafkaSettings settings = KafkaSettings.of(kafka.bootstrap(), KafkaSettings.DEFAULT_TOPIC);
    ServerConfig c = config();
    opened(new CollectorNode(c, settings).start());
    ServerConfig w = config();
    opened(new WriterNode(w, settings, store()).start());
    await(() -> get0(c, "/health") == 200, "the collector to reach Kafka");
    assertThat(send(c, 0).status()).isEqualTo(200);
    ServerConfig q = config();
    opened(SextantServer.builder(q).store(store()).queryNode().build().start());
    await(() -> spans(q) == SPANS_PER_REQUEST, "the first request to be stored");

    clickhouse.close();
    clickhouse = null;
    for (int n = 1; n <= 20; n++) {
      assertThat(send(c, n).status()).isEqualTo(200); // Kafka holds them
    }
    await(() -> get0(w, "/health") == 503, "the writer to say the store refuses");
    await(
        () -> {
          try {
            var s = get(w, "/api/v1/status").json();
            return s.at("/writer/store_refusing").asBoolean()
                && s.at("/writer/lag_messages").asLong() > 0;
          } catch (Exception e) {
            return false;
          }
        },
        "the writer's status to show the refusal and the lag");

    startClickHouse();
    await(() -> spans(q) == 21L * SPANS_PER_REQUEST, "the writer to catch up");
    await(() -> get0(w, "/health") == 200, "the writer to be healthy again");
    await(
        () -> {
          try {
            return get(w, "/api/v1/status").json().at("/writer/lag_messages").asLong() == 0;
          } catch (Exception e) {
            return false;
          }
        },
        "the lag to clear (measured once a second)");
  }
}
