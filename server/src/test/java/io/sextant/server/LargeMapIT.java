package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.StatusCode;
import io.sextant.model.TraceId;
import io.sextant.store.spi.EventStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generated map of 1,000 services and 5,000 edges (four calls per edge, each a client span and
 * its server child: 40,000 spans) is built and served by {@code GET /api/v1/map}; prints the build
 * time and the response size recorded in bench/topology/README.md.
 */
class LargeMapIT {
  static final int SERVICES = 1_000;
  static final int CALLEES = 5;
  static final int CALLS_PER_EDGE = 4;
  static final long MS = 1_000_000L;

  @TempDir Path dir;

  @Test
  void thousandServicesAndFiveThousandEdges_areBuiltAndServed() throws Exception {
    AtomicReference<EventStore> store = new AtomicReference<>();
    try (TestServer server =
        new TestServer(
            TestServer.ports(ServerConfig.defaults(dir)),
            s -> {
              store.set(s);
              return s;
            })) {
      // Recent spans: older ones would fall to the store's retention.
      long t0 = (System.currentTimeMillis() - 900_000) * MS;
      List<Event> batch = new ArrayList<>();
      long span = 1;
      long trace = 1;
      for (int a = 0; a < SERVICES; a++) {
        Resource caller = resource(a);
        for (int k = 1; k <= CALLEES; k++) {
          int b = (a + k * 7) % SERVICES;
          for (int c = 0; c < CALLS_PER_EDGE; c++) {
            TraceId t = new TraceId(0, trace++);
            long at = t0 + (span % 600) * 1_000 * MS;
            SpanId client = new SpanId(span++);
            batch.add(
                Event.span(t, client)
                    .resource(caller)
                    .name("GET /s" + b)
                    .spanKind(SpanKind.CLIENT)
                    .timeUnixNano(at)
                    .durationNanos((10 + c) * MS)
                    .status(c == 0 && k == 1 ? StatusCode.ERROR : StatusCode.OK)
                    .attributes(Attributes.of("peer.service", "svc-" + b))
                    .build());
            batch.add(
                Event.span(t, new SpanId(span++))
                    .parentSpanId(client)
                    .resource(resource(b))
                    .name("GET /s" + b)
                    .spanKind(SpanKind.SERVER)
                    .timeUnixNano(at + MS)
                    .durationNanos((8 + c) * MS)
                    .build());
          }
        }
        if (batch.size() >= 10_000) {
          store.get().write(batch);
          batch.clear();
        }
      }
      store.get().write(batch);

      String window = "/api/v1/map?from=" + t0 / MS + "&to=" + (t0 / MS + 600_000);
      long started = System.nanoTime();
      TestServer.Reply first = server.get(window);
      long firstMillis = (System.nanoTime() - started) / 1_000_000;
      assertThat(first.status()).as(first.body()).isEqualTo(200);
      started = System.nanoTime();
      TestServer.Reply cached = server.get(window);
      long cachedMillis = (System.nanoTime() - started) / 1_000_000;

      JsonNode json = first.json();
      assertThat(json.path("nodes").size())
          .as(first.body().substring(0, Math.min(300, first.body().length())))
          .isEqualTo(SERVICES);
      assertThat(json.path("edges").size()).isEqualTo(SERVICES * CALLEES);
      assertThat(json.at("/edges/0/calls").asLong()).isEqualTo(CALLS_PER_EDGE);
      assertThat(cached.body()).isEqualTo(first.body());
      System.out.printf(
          "large map: %d nodes, %d edges from %d spans; build %d ms (server), first response %d"
              + " ms, cached %d ms; response %,d bytes%n",
          json.path("nodes").size(),
          json.path("edges").size(),
          SERVICES * CALLEES * CALLS_PER_EDGE * 2,
          json.path("build_ms").asLong(),
          firstMillis,
          cachedMillis,
          first.bytes().length);
    }
  }

  private static Resource resource(int i) {
    return new Resource(Attributes.of("service.name", "svc-" + i));
  }
}
