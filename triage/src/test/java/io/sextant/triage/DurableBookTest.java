package io.sextant.triage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.Server;
import io.sextant.model.Event;
import io.sextant.query.Engine;
import io.sextant.query.Engines;
import io.sextant.store.duckdb.DuckDbConfig;
import io.sextant.store.duckdb.DuckDbEventStore;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.StoreException;
import io.sextant.triage.probe.ProbeRun;
import io.sextant.triage.probe.ProbeSuite;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Triage over a real DuckDB file and a real HTTP service that exports its spans to it: what the
 * book learned is the same after the store is closed and opened again.
 */
class DurableBookTest {
  @TempDir Path dir;

  final AtomicBoolean broken = new AtomicBoolean();
  final Object writeLock = new Object();
  volatile EventStore store;
  Server target;

  @BeforeEach
  void startTarget() {
    target =
        Server.builder()
            .http(new InetSocketAddress("127.0.0.1", 0))
            .service(
                "/shop",
                (ctx, req) -> {
                  if (broken.get()) {
                    return HttpResponse.of(HttpStatus.SERVICE_UNAVAILABLE);
                  }
                  export(req.headers().get("traceparent", ""), "shop", "shop-db");
                  return HttpResponse.of(HttpStatus.OK);
                })
            .service(
                "/buy",
                (ctx, req) -> {
                  export(req.headers().get("traceparent", ""), "orders", "orders-db");
                  return HttpResponse.of(
                      ResponseHeaders.builder(HttpStatus.OK)
                          .add("Sextant-Tracer-Bullet", "rolled-back")
                          .build());
                })
            .build();
    target.start().join();
  }

  @AfterEach
  void stopTarget() {
    target.stop().join();
  }

  void export(String traceparent, String service, String database) {
    write(ServiceSpans.of(traceparent, service, database));
  }

  void write(List<Event> events) {
    synchronized (writeLock) {
      try {
        store.write(events);
      } catch (StoreException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  ProbeSuite suite(String shopPath) throws Exception {
    String yaml =
        """
        defaults: {every: never, timeout: 3s}
        probes:
          - {name: shop, request: {url: "${base}%s"}}
          - {name: buy, request: {method: POST, url: "${base}/buy", body: {id: 7}}}
        """
            .formatted(shopPath);
    return ProbeSuite.parse(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)),
        "probes.yaml",
        Map.of("base", "http://127.0.0.1:" + target.activeLocalPort()));
  }

  /** One session of Sextant over the store in {@code dir}: the store, the book, the triage. */
  final class Session implements AutoCloseable {
    final Triage triage;
    final FootprintBook book;

    Session(ProbeSuite suite) throws Exception {
      store = DuckDbEventStore.open(DuckDbConfig.defaults(dir));
      Engine engine = Engines.of(store);
      Consumer<List<Event>> sink = DurableBookTest.this::write;
      DurableBook.Opened opened = DurableBook.open(suite, store, engine, sink, Clock.systemUTC());
      assertThat(opened.learned().get(60, TimeUnit.SECONDS)).isNotNegative();
      book = opened.book();
      triage =
          new Triage(
              suite,
              book,
              store,
              engine,
              sink,
              List::of,
              null,
              Clock.systemUTC(),
              Triage.Options.DEFAULTS);
    }

    List<ProbeRun> run(String probe, int repeats) {
      return triage.runProbes(List.of(triage.suite().get(probe)), repeats);
    }

    /** Waits until the probe has learned {@code n} healthy traces (each is read 3 s after). */
    void awaitLearned(String probe, int n) throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (book.healthyTraces(probe) < n && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(book.healthyTraces(probe)).isEqualTo(n);
    }

    @Override
    public void close() {
      triage.close();
      store.close();
    }
  }

  @Test
  void footprintsKnownCallsAndFlakeRatesSurviveARestart() throws Exception {
    Map<String, Map<String, Double>> footprints;
    Map<String, String> addresses;
    double shopMedian;
    try (Session first = new Session(suite("/shop"))) {
      broken.set(true);
      first.run("shop", 2); // the system is still starting: not flakiness
      broken.set(false);
      first.run("shop", 5);
      broken.set(true);
      first.run("shop", 1); // a flaky failure: counts
      broken.set(false);
      first.run("shop", 2);
      broken.set(true);
      List<ProbeRun> incident = first.run("shop", 2);
      first.book.explain("shop", incident.stream().map(ProbeRun::traceId).toList());
      broken.set(false);
      first.run("shop", 1);
      first.run("buy", 3);
      first.awaitLearned("shop", 8);
      first.awaitLearned("buy", 3);
      // runs 9 (2 starting and 2 explained left out), failures 1
      assertThat(first.book.flakeRate("shop")).isCloseTo(2 / 11.0, offset(1e-9));
      footprints = first.book.footprints();
      addresses = first.book.addresses();
      shopMedian = first.book.medianLatency("shop");
      assertThat(footprints.get("shop")).containsKey("shop").hasSizeGreaterThanOrEqualTo(3);
      assertThat(first.book.rolledBack("buy")).isEqualTo(3);
    }

    try (Session second = new Session(suite("/shop"))) {
      assertThat(second.book.footprints()).isEqualTo(footprints);
      assertThat(second.book.addresses()).isEqualTo(addresses);
      assertThat(second.book.healthyTraces("shop")).isEqualTo(8);
      assertThat(second.book.flakeRate("shop")).isCloseTo(2 / 11.0, offset(1e-9));
      assertThat(second.book.medianLatency("shop")).isCloseTo(shopMedian, offset(1e-6));
      assertThat(second.book.rolledBack("buy")).isEqualTo(3);
      assertThat(Audit.writeWarnings(second.triage.suite().probes(), second.book)).isEmpty();
      // Restarted with the system: its failures until it first passes again are not flakiness,
      // and the next start still knows that.
      broken.set(true);
      second.run("shop", 2);
      broken.set(false);
      second.run("shop", 2);
      second.awaitLearned("shop", 10);
      assertThat(second.book.flakeRate("shop")).isCloseTo(2 / 13.0, offset(1e-9));
    }

    try (Session third = new Session(suite("/shop"))) {
      assertThat(third.book.flakeRate("shop")).isCloseTo(2 / 13.0, offset(1e-9));
      assertThat(third.book.healthyTraces("shop")).isEqualTo(10);
    }

    // A probe whose request changed starts from nothing; the others keep what they learned.
    try (Session changed = new Session(suite("/shop?v=2"))) {
      assertThat(changed.book.healthyTraces("shop")).isZero();
      assertThat(changed.book.runs("shop")).isZero();
      assertThat(changed.book.footprint("buy")).isEqualTo(footprints.get("buy"));
    }
  }
}
