package io.sextant.triage;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.Server;
import io.sextant.model.Event;
import io.sextant.query.Engines;
import io.sextant.store.duckdb.DuckDbConfig;
import io.sextant.store.duckdb.DuckDbEventStore;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.StoreException;
import io.sextant.triage.probe.ProbeSuite;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Triage over a real DuckDB file and a real HTTP service whose spans reach the store 1.2 s after
 * each request, as an SDK's batch processor sends them: the probe's own result event, stored at
 * once with the run's trace id, must not pass for the system's trace.
 */
class TraceWaitTest {
  static final long EXPORT_DELAY_MS = 1200;

  @TempDir Path dir;

  final AtomicBoolean breakerOpen = new AtomicBoolean();
  final ScheduledExecutorService exporter = Executors.newSingleThreadScheduledExecutor();
  EventStore store;
  Server shop;

  @BeforeEach
  void start() throws Exception {
    store = DuckDbEventStore.open(DuckDbConfig.defaults(dir));
    shop =
        Server.builder()
            .http(new InetSocketAddress("127.0.0.1", 0))
            .service(
                "/shop",
                (ctx, req) -> {
                  String traceparent = req.headers().get("traceparent", "");
                  boolean refused = breakerOpen.get();
                  // An open breaker answers at once and calls nothing: a server span alone.
                  List<Event> spans =
                      ServiceSpans.of(traceparent, "shop", refused ? null : "shop-db");
                  exporter.schedule(() -> write(spans), EXPORT_DELAY_MS, TimeUnit.MILLISECONDS);
                  return HttpResponse.of(refused ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK);
                })
            .build();
    shop.start().join();
  }

  @AfterEach
  void stop() {
    shop.stop().join();
    exporter.shutdownNow();
    store.close();
  }

  synchronized void write(List<Event> events) {
    try {
      store.write(events);
    } catch (StoreException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aBreakersRefusalIsToldOnlyOnceTheSystemsSpansHaveArrived() throws Exception {
    ProbeSuite suite =
        ProbeSuite.parse(
            new ByteArrayInputStream(
                """
                defaults: {every: never, timeout: 3s}
                probes:
                  - {name: shop, request: {url: "${base}/shop"}}
                """
                    .getBytes(StandardCharsets.UTF_8)),
            "probes.yaml",
            Map.of("base", "http://127.0.0.1:" + shop.activeLocalPort()));
    Triage.Options options =
        new Triage.Options(
            2, Duration.ofSeconds(6), Duration.ofSeconds(7), 4, Duration.ofSeconds(20), 1);
    try (Triage triage =
        new Triage(
            suite,
            store,
            Engines.of(store),
            this::write,
            List::of,
            null,
            Clock.systemUTC(),
            options)) {
      for (int i = 0; i < 5; i++) {
        triage.runProbes(suite.probes(), 1);
      }
      assertThat(triage.awaitReady(3, Duration.ofSeconds(60))).isTrue();
      assertThat(triage.footprints().footprint("shop")).containsKey("shop");

      breakerOpen.set(true);
      TriageReport report = triage.triage(2, false);

      assertThat(report.probes().get(0).failures()).isEqualTo(2);
      assertThat(report.notes())
          .anyMatch(n -> n.contains("answered by their entry service without calling anything"));
      assertThat(report.ranking().matrix().probes())
          .as("no run left to triangulate from")
          .isEmpty();
    }
  }
}
