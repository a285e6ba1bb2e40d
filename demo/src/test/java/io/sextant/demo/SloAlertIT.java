package io.sextant.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.sextant.demo.fault.FaultKind;
import io.sextant.server.slo.SloConfig;
import io.sextant.topology.ComponentId;
import io.sextant.topology.NodeKind;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's shipped SLOs, with windows scaled 60× (a minute is a second, so the 1 h/5 m page looks
 * at the last 60 s and 5 s): a database fault under live traffic fires the checkout SLO's page,
 * whose webhook, caught by a real HTTP receiver, carries triage's first suspect; clearing the fault
 * resolves it.
 *
 * <p>{@code -Dsextant.sloTimeScale=1} runs the workbook's own windows instead, for the time to page
 * at real scale (bench/README.md): the waits stretch with the scale, and the run takes about 15
 * minutes.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES) // the waits inside bound a 60× run to minutes
class SloAlertIT {
  static final double SCALE = Double.parseDouble(System.getProperty("sextant.sloTimeScale", "60"));

  /** A wait that is {@code seconds} at 60×, longer as the windows grow. */
  static long scaled(long seconds) {
    return (long) (seconds * Math.max(1, 60 / SCALE));
  }

  @TempDir Path dir;

  @Test
  void aFaultPagesWithTheSuspect_andClearingItResolves() throws Exception {
    ObjectMapper json = new ObjectMapper();
    BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        x -> {
          received.add(json.readTree(x.getRequestBody().readAllBytes()));
          x.sendResponseHeaders(204, -1);
          x.close();
        });
    receiver.start();
    try (Demo demo = Demo.start(DemoConfig.forTests(dir).withRate(5))) {
      demo.pollDatabaseHealth();
      assertThat(demo.sextant().triage().awaitReady(3, Duration.ofSeconds(120)))
          .as("footprints learned")
          .isTrue();
      URI hook = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
      var slos =
          demo.sextant()
              .startSlos(
                  Demo.slos()
                      .withUiUrl(demo.apiUrl())
                      .withWebhooks(List.of(new SloConfig.Webhook(hook, SloConfig.Format.JSON)))
                      .withTimeScale(SCALE));
      // The 1 h window (60 s here) may still hold the demo's warm-up: wait until the checkout
      // page is quiet and its 5 m window clean, then forget what warm-up sent.
      long quiet = System.nanoTime() + TimeUnit.SECONDS.toNanos(scaled(120));
      while (true) {
        var s =
            slos.statuses().stream()
                .filter(x -> x.slo().name().equals("checkout"))
                .findFirst()
                .orElseThrow();
        if (!s.paging() && s.burnRates()[0] == 0 && s.error() == null) {
          break;
        }
        assertThat(System.nanoTime())
            .as("checkout quiet within " + scaled(120) + " s: " + s)
            .isLessThan(quiet);
        Thread.sleep(500);
      }
      Thread.sleep(2_000);
      received.clear();

      long t0 = System.nanoTime();
      demo.faults().add(FaultKind.DOWN, "payments-db", 0, 0, 0);
      JsonNode firing = next(received, "checkout", "page", "firing");
      long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
      System.out.printf(
          "checkout page fired %d s after the fault (time scale %s): %s; first suspect %s%n",
          seconds,
          SCALE,
          firing.path("summary").asText(),
          firing.path("triage").path("suspects").path(0));
      assertThat(firing.path("link").asText()).startsWith(demo.apiUrl() + "/explore?q=");
      JsonNode suspects = firing.path("triage").path("suspects");
      assertThat(suspects.size()).as(firing.toString()).isGreaterThan(0);
      JsonNode first = suspects.get(0).path("components").get(0);
      assertThat(
              new ComponentId(
                      NodeKind.valueOf(
                          first.path("kind").asText().toUpperCase(java.util.Locale.ROOT)),
                      first.path("name").asText(),
                      first.path("system").isNull() ? null : first.path("system").asText(),
                      first.path("address").isNull() ? null : first.path("address").asText())
                  .matches("payments-db"))
          .as(firing.path("triage").toString())
          .isTrue();

      demo.faults().clearAll();
      long cleared = System.nanoTime();
      JsonNode resolved = next(received, "checkout", "page", "resolved");
      assertThat(resolved.path("id").asText()).isEqualTo(firing.path("id").asText());
      System.out.printf(
          "checkout page resolved %d s after the fault was cleared%n",
          (System.nanoTime() - cleared) / 1_000_000_000L);
    } finally {
      receiver.stop(0);
    }
  }

  /** The next payload for this SLO, severity and status, skipping the others. */
  static JsonNode next(BlockingQueue<JsonNode> q, String slo, String severity, String status)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(scaled(90));
    while (System.nanoTime() < deadline) {
      JsonNode p = q.poll(1, TimeUnit.SECONDS);
      if (p != null
          && p.path("slo").asText().equals(slo)
          && p.path("severity").asText().equals(severity)
          && p.path("status").asText().equals(status)) {
        return p;
      }
    }
    throw new AssertionError(
        "no " + status + " " + severity + " alert for " + slo + " in " + scaled(90) + " s");
  }
}
