package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash matrix (docs/security.md): the packaged server, as its own process over one data
 * directory, is killed with SIGKILL at a random moment of each iteration while clients send spans
 * and retention deletes old ones (checked every second) and the store checkpoints (every ~120k
 * rows, and after deletes). At the end every acknowledged request's spans are there exactly once.
 *
 * <p>Black-box on purpose: it starts {@code sextant serve} and speaks only OTLP/HTTP and the API,
 * so it holds for any write path. {@code -Dcrash.iterations=100} for the long local run (10 in CI);
 * {@code -Dcrash.seed=N} repeats a run's kill moments.
 */
class CrashMatrixIT {
  static final int SPANS = 50;
  static final long HOUR_NANOS = 3_600_000_000_000L;

  @TempDir Path dir;

  @Test
  void sigkillAtRandomMoments_duringIngestRetentionAndCheckpoints_losesAndDoublesNothing()
      throws Exception {
    int iterations = Integer.getInteger("crash.iterations", 10);
    long seed = Long.getLong("crash.seed", System.nanoTime());
    Random random = new Random(seed);
    Path data = dir.resolve("data");
    ConcurrentLinkedQueue<String> acked = new ConcurrentLinkedQueue<>();
    AtomicLong next = new AtomicLong();
    long started = System.nanoTime();
    int spansAcked = 0;
    for (int i = 0; i < iterations; i++) {
      int[] ports = TestServer.freePorts(4);
      Process server = start(data, ports);
      int moment = 0;
      int before = acked.size();
      AtomicBoolean sending = new AtomicBoolean(true);
      List<Thread> clients = new ArrayList<>();
      try {
        for (int c = 0; c < 3; c++) {
          boolean old = c == 2; // one client sends spans two hours old, for retention to delete
          clients.add(
              Thread.ofPlatform()
                  .start(
                      () -> {
                        while (sending.get()) {
                          String trace = String.format("%032x", next.incrementAndGet());
                          try {
                            TestServer.Reply r =
                                TestServer.post(
                                    "http://127.0.0.1:" + ports[1] + "/v1/traces",
                                    "application/x-protobuf",
                                    request(trace, old));
                            if (r.status() == 200 && !old) {
                              acked.add(trace);
                            }
                          } catch (Exception e) {
                            return; // killed under us: not acknowledged
                          }
                        }
                      }));
        }
        moment = 100 + random.nextInt(1500);
        Thread.sleep(moment); // the random moment
        server.destroyForcibly(); // SIGKILL: no shutdown hook, no checkpoint
        server.waitFor();
      } finally {
        sending.set(false);
        for (Thread t : clients) {
          t.join(30_000);
        }
        server.destroyForcibly();
      }
      spansAcked += (acked.size() - before) * SPANS;
      System.out.printf(
          "CrashMatrixIT: kill %d/%d %d ms into the load, %d requests acknowledged in all%n",
          i + 1, iterations, moment, acked.size());
    }
    long killing = (System.nanoTime() - started) / 1_000_000;

    int[] again = TestServer.freePorts(4);
    Process last = start(data, again);
    int checked = 0;
    try {
      int api = again[3];
      for (String trace : acked) {
        HttpResponse<String> r =
            TestServer.HTTP.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + api + "/api/v1/traces/" + trace))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("trace %s (seed %d)", trace, seed).isEqualTo(200);
        assertThat(TestServer.JSON.readTree(r.body()).get("events"))
            .as("spans of acknowledged trace %s, exactly once (seed %d)", trace, seed)
            .hasSize(SPANS);
        checked++;
      }
    } finally {
      last.destroy();
      last.waitFor();
    }
    assertThat(acked).as("requests acknowledged").isNotEmpty();
    System.out.printf(
        "CrashMatrixIT: seed %d, %d SIGKILLs in %d ms, %d requests (%d spans) acknowledged,"
            + " %d traces checked: all present exactly once%n",
        seed, iterations, killing, acked.size(), spansAcked, checked);
  }

  private static byte[] request(String trace, boolean old) {
    List<Span> spans = new ArrayList<>();
    long shift = old ? 2 * HOUR_NANOS : 0;
    for (int s = 0; s < SPANS; s++) {
      Span.Builder b = Otlp.span(trace, String.format("%016x", s + 1), "op" + s);
      spans.add(
          b.setStartTimeUnixNano(b.getStartTimeUnixNano() - shift)
              .setEndTimeUnixNano(b.getEndTimeUnixNano() - shift)
              .build());
    }
    return Otlp.request(old ? "crash-old" : "crash", spans).toByteArray();
  }

  private Process start(Path data, int[] ports) throws Exception {
    return ServerProcess.start(
        dir,
        data,
        ports,
        List.of("-Xmx512m", "-XX:TieredStopAtLevel=1"),
        "--memory-limit=512MB",
        "--retention=1h",
        "--retention-check-every=1s");
  }
}
