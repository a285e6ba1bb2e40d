package io.sextant.topology.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.sextant.query.Engines;
import io.sextant.query.Filter;
import io.sextant.query.Op;
import io.sextant.query.Question;
import io.sextant.store.spi.MemoryEventStore;
import io.sextant.store.spi.TimeRange;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Polls real HTTP endpoints on loopback: one in the seed format with a failing dependency, one
 * Spring Boot actuator answer, one that hangs, one that refuses connections.
 */
class HealthPollerTest {
  HttpServer server;
  String base;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    answer(
        "/health",
        503,
        "{\"service\":\"cart\",\"healthy\":false,\"workload\":{\"healthy\":true},"
            + "\"dependencies\":[{\"name\":\"cart-db\",\"healthy\":false,\"detail\":\"refused\"},"
            + "{\"name\":\"cache\",\"healthy\":true}]}");
    answer(
        "/actuator/health",
        200,
        "{\"status\":\"UP\",\"components\":{\"db\":{\"status\":\"UP\"},"
            + "\"diskSpace\":{\"status\":\"OUT_OF_SERVICE\"}}}");
    server.createContext(
        "/hung",
        ex -> {
          try {
            Thread.sleep(3_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          ex.close();
        });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void answer(String path, int status, String body) {
    server.createContext(
        path,
        ex -> {
          byte[] b = body.getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(status, b.length);
          ex.getResponseBody().write(b);
          ex.close();
        });
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Polls every 10 s (the tests call pollAll themselves), each target within 500 ms. */
  private static HealthPoller poller(List<HealthTarget> targets, HealthPoller.Sink sink) {
    return new HealthPoller(
        targets,
        Duration.ofSeconds(10),
        Duration.ofMillis(500),
        HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build(),
        Clock.systemUTC(),
        sink);
  }

  @Test
  void pollAll_readsBothFormats_timesOut_andStoresQueryableHistory() throws Exception {
    MemoryEventStore store = new MemoryEventStore();
    List<HealthTarget> targets =
        List.of(
            new HealthTarget("cart", URI.create(base + "/health")),
            new HealthTarget("billing", URI.create(base + "/actuator/health")),
            new HealthTarget("search", URI.create(base + "/hung")),
            HealthTarget.parse("legacy=http://127.0.0.1:" + closedPort() + "/health"));
    try (HealthPoller poller = poller(targets, store::write)) {
      List<HealthResult> results = poller.pollAll();
      poller.pollAll();

      assertThat(results)
          .extracting(r -> r.target().service() + "=" + r.healthy())
          .containsExactly("cart=false", "billing=true", "search=false", "legacy=false");
      assertThat(results.get(0).dependencies())
          .containsExactly(
              new HealthResult.Dependency("cart-db", false, "refused"),
              new HealthResult.Dependency("cache", true, null));
      assertThat(results.get(1).dependencies())
          .extracting(d -> d.name() + "=" + d.healthy())
          .containsExactly("db=true", "diskSpace=false");
      assertThat(results.get(2).error()).contains("500 ms");
      assertThat(results.get(3).error()).isNotBlank();
      assertThat(poller.latest()).hasSize(4);

      // Two polls of cart-db, both unhealthy, are in the store as error events.
      var answer =
          Engines.of(store)
              .run(
                  Question.over(new TimeRange(0, Long.MAX_VALUE))
                      .where(
                          Filter.and(
                              Filter.Predicate.of("health.check", Op.EQ, "cart-db"),
                              Filter.Predicate.of("error", Op.EQ, true)))
                      .by("service.name")
                      .build());
      assertThat(answer.rows()).containsExactly(List.of("cart", 2L));
    }
  }

  @Test
  void pollAll_pollsTheTargetsAtOnce_soHungOnesCostOneTimeoutTogether() throws Exception {
    List<HealthTarget> targets = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      targets.add(new HealthTarget("hung-" + i, URI.create(base + "/hung")));
    }
    targets.add(new HealthTarget("cart", URI.create(base + "/health")));
    try (HealthPoller poller = poller(targets, events -> {})) {
      long t0 = System.nanoTime();
      List<HealthResult> results = poller.pollAll();
      long millis = (System.nanoTime() - t0) / 1_000_000;
      assertThat(results)
          .extracting(r -> r.target().service())
          .containsExactly("hung-0", "hung-1", "hung-2", "hung-3", "cart");
      assertThat(results.subList(0, 4)).allMatch(r -> !r.healthy() && r.error().contains("500 ms"));
      assertThat(millis).isLessThan(4 * 500); // one after another would take 4 timeouts
    }
  }

  @Test
  void aSpringCheckThatHangs_isAskedPartByPart_soAHungDatabaseIsToldFromAHungService()
      throws Exception {
    java.util.concurrent.atomic.AtomicBoolean dbHangs =
        new java.util.concurrent.atomic.AtomicBoolean();
    com.sun.net.httpserver.HttpHandler hangOrUp =
        ex -> {
          if (dbHangs.get()) {
            try {
              Thread.sleep(3_000);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            ex.close();
            return;
          }
          byte[] b =
              (ex.getRequestURI().getPath().endsWith("/db")
                      ? "{\"status\":\"UP\",\"details\":{\"database\":\"PostgreSQL\"}}"
                      : "{\"status\":\"UP\",\"components\":{\"db\":{\"status\":\"UP\"},"
                          + "\"ping\":{\"status\":\"UP\"}}}")
                  .getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, b.length);
          ex.getResponseBody().write(b);
          ex.close();
        };
    server.createContext("/orders/actuator/health", hangOrUp);
    server.createContext("/orders/actuator/health/db", hangOrUp);
    java.util.concurrent.atomic.AtomicInteger pings =
        new java.util.concurrent.atomic.AtomicInteger();
    server.createContext(
        "/orders/actuator/health/ping",
        ex -> {
          pings.incrementAndGet();
          byte[] b = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, b.length);
          ex.getResponseBody().write(b);
          ex.close();
        });
    HealthTarget orders = new HealthTarget("orders", URI.create(base + "/orders/actuator/health"));
    try (HealthPoller poller = poller(List.of(orders), events -> {})) {
      HealthResult before = poller.pollAll().get(0);
      assertThat(before.healthy()).isTrue();
      assertThat(before.answered()).isTrue();
      assertThat(poller.pollAll().get(0).healthy()).isTrue();
      assertThat(pings.get())
          .as("a healthy target is asked once per poll, not part by part")
          .isZero();

      dbHangs.set(true);
      HealthResult now = poller.pollAll().get(0);
      assertThat(now.healthy()).isFalse();
      assertThat(now.error()).contains("500 ms");
      assertThat(now.answered()).as("its ping answers: the process is up").isTrue();
      assertThat(now.refused()).isFalse();
      assertThat(now.dependencies())
          .extracting(d -> d.name() + "=" + d.healthy())
          .containsExactly("db=false", "ping=true");
      assertThat(now.dependencies().get(0).detail()).contains("500 ms");
      assertThat(pings.get()).isEqualTo(1);
    }
  }

  @Test
  void aRefusedCheckSaysSo() throws Exception {
    HealthTarget gone =
        HealthTarget.parse("gone=http://127.0.0.1:" + closedPort() + "/actuator/health");
    try (HealthPoller poller = poller(List.of(gone), events -> {})) {
      HealthResult r = poller.pollAll().get(0);
      assertThat(r.answered()).isFalse();
      assertThat(r.refused()).as(r.error()).isTrue();
    }
  }
}
