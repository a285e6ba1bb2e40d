package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server runs as its own process; it is killed with SIGKILL while clients are sending,
 * restarted on the same data directory, and every acknowledged span must be there.
 */
class CrashDurabilityIT {
  static final int SPANS_PER_REQUEST = 200;

  @TempDir Path dir;

  /** Both ingest paths: the group commit (the default) and the segment log. */
  @org.junit.jupiter.params.ParameterizedTest(name = "SEXTANT_INGEST_PATH={0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"commit", "log"})
  void sigkillAfterAcks_losesNoAcknowledgedSpan(String path) throws Exception {
    Path data = dir.resolve("data");
    int[] ports = TestServer.freePorts(4);
    this.path = path;
    Process first = startServer(data, ports);
    ConcurrentLinkedQueue<String> acked = new ConcurrentLinkedQueue<>();
    AtomicBoolean sending = new AtomicBoolean(true);
    AtomicInteger next = new AtomicInteger();
    List<Thread> clients = new ArrayList<>();
    try {
      for (int c = 0; c < 4; c++) {
        Thread t =
            Thread.ofPlatform()
                .start(
                    () -> {
                      while (sending.get()) {
                        String traceId = String.format("%032x", next.incrementAndGet());
                        try {
                          TestServer.Reply r =
                              TestServer.post(
                                  "http://127.0.0.1:" + ports[1] + "/v1/traces",
                                  "application/x-protobuf",
                                  request(traceId));
                          if (r.status() == 200) {
                            acked.add(traceId);
                          }
                        } catch (Exception e) {
                          return; // the server died under us: this request was not acknowledged
                        }
                      }
                    });
        clients.add(t);
      }
      long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
      while (System.nanoTime() < until && acked.size() < 20_000) {
        Thread.sleep(50);
      }
      first.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no checkpoint
      first.waitFor();
    } finally {
      sending.set(false);
      for (Thread t : clients) {
        t.join(30_000);
      }
      first.destroyForcibly();
    }
    assertThat(acked).as("requests acknowledged before the kill").isNotEmpty();
    System.out.printf(
        "CrashDurabilityIT: %d requests (%d spans) acknowledged before SIGKILL%n",
        acked.size(), acked.size() * SPANS_PER_REQUEST);

    int[] again = TestServer.freePorts(4);
    Process second = startServer(data, again);
    try {
      int apiPort = again[3];
      for (String traceId : acked) {
        HttpResponse<String> r =
            TestServer.HTTP.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + apiPort + "/api/v1/traces/" + traceId))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("trace %s after restart", traceId).isEqualTo(200);
        assertThat(TestServer.JSON.readTree(r.body()).get("events")).hasSize(SPANS_PER_REQUEST);
      }
    } finally {
      second.destroy();
      second.waitFor();
    }
  }

  private static byte[] request(String traceId) {
    List<Span> spans = new ArrayList<>();
    for (int s = 0; s < SPANS_PER_REQUEST; s++) {
      spans.add(Otlp.span(traceId, String.format("%016x", s + 1), "op" + s).build());
    }
    return Otlp.request("crash", spans).toByteArray();
  }

  private String path;

  private Process startServer(Path data, int[] ports) throws Exception {
    return ServerProcess.start(
        java.util.Map.of("SEXTANT_INGEST_PATH", path), dir, data, ports, List.of("-Xmx1g"));
  }
}
