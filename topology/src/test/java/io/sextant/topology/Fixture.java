package io.sextant.topology;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.StatusCode;
import io.sextant.model.TraceId;
import io.sextant.store.spi.TimeRange;
import java.util.ArrayList;
import java.util.List;

/** Hand-built spans for map tests: a few traces across services, a database, a queue and hosts. */
final class Fixture {
  static final long T0 = 1_700_000_000_000_000_000L;
  static final TimeRange WINDOW = new TimeRange(T0, T0 + 60_000_000_000L);
  static final long MS = 1_000_000L;

  private final List<Event> events = new ArrayList<>();
  private long nextSpan = 1;

  List<Event> events() {
    return events;
  }

  /** A span of {@code service}; returns its id. */
  SpanId span(
      TraceId trace,
      SpanId parent,
      String service,
      SpanKind kind,
      String name,
      long time,
      long duration,
      boolean error,
      Object... attributes) {
    SpanId id = new SpanId(nextSpan++);
    events.add(
        Event.span(trace, id)
            .parentSpanId(parent)
            .timeUnixNano(time)
            .resource(new Resource(Attributes.of("service.name", service)))
            .name(name)
            .spanKind(kind)
            .durationNanos(duration)
            .status(error ? StatusCode.ERROR : StatusCode.OK)
            .attributes(Attributes.of(attributes))
            .build());
    return id;
  }

  /**
   * Twenty requests: web → checkout (HTTP), checkout → payments (H2) and → orders (Kafka) →
   * shipping, shipping → tax-legacy (no spans of its own), web → api.example.net (outside).
   */
  static Fixture shop() {
    Fixture f = new Fixture();
    for (int i = 0; i < 20; i++) {
      TraceId trace = new TraceId(0, 1000 + i);
      long t = T0 + i * 1_000_000_000L;
      SpanId root = f.span(trace, null, "web", SpanKind.SERVER, "GET /buy", t, 200 * MS, false);
      SpanId call =
          f.span(
              trace,
              root,
              "web",
              SpanKind.CLIENT,
              "POST /checkout",
              t + MS,
              (20 + i) * MS,
              i % 5 == 0,
              "peer.service",
              "checkout",
              "server.address",
              "127.0.0.1",
              "server.port",
              8081L);
      SpanId served =
          f.span(
              trace,
              call,
              "checkout",
              SpanKind.SERVER,
              "POST /checkout",
              t + 2 * MS,
              (18 + i) * MS,
              i % 5 == 0);
      f.span(
          trace,
          served,
          "checkout",
          SpanKind.CLIENT,
          "INSERT payments",
          t + 3 * MS,
          (2 + i * i) * MS,
          i % 4 == 0,
          "db.system",
          "h2",
          "db.namespace",
          "payments",
          "server.address",
          "127.0.0.1",
          "server.port",
          5433L);
      SpanId sent =
          f.span(
              trace,
              served,
              "checkout",
              SpanKind.PRODUCER,
              "publish orders",
              t + 4 * MS,
              (1 + i) * MS,
              false,
              "messaging.system",
              "kafka",
              "messaging.destination.name",
              "orders",
              "server.address",
              "127.0.0.1");
      SpanId consumed =
          f.span(
              trace,
              sent,
              "shipping",
              SpanKind.CONSUMER,
              "process orders",
              t + 10 * MS,
              (5 + 3 * i) * MS,
              i == 7,
              "messaging.system",
              "kafka",
              "messaging.destination.name",
              "orders");
      f.span(
          trace,
          consumed,
          "shipping",
          SpanKind.CLIENT,
          "GET /tax",
          t + 11 * MS,
          (30 + i) * MS,
          i % 2 == 1,
          "peer.service",
          "tax-legacy",
          "server.address",
          "10.0.0.9",
          "server.port",
          80L);
      f.span(
          trace,
          root,
          "web",
          SpanKind.CLIENT,
          "GET /rates",
          t + 12 * MS,
          (50 + 7 * i) * MS,
          false,
          "server.address",
          "api.example.net",
          "server.port",
          443L);
    }
    return f;
  }
}
