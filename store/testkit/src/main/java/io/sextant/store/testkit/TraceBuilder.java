package io.sextant.store.testkit;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Scope;
import io.sextant.model.SpanEvent;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.SpanLink;
import io.sextant.model.StatusCode;
import io.sextant.model.TraceId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The state of one trace being generated: its ids, its user and the spans so far. */
final class TraceBuilder {
  /** HTTP routes each service serves, as "METHOD route". */
  private static final List<List<String>> ROUTES =
      List.of(
          List.of("GET /", "GET /product/{id}", "POST /cart", "POST /checkout"),
          List.of("POST /api/checkout", "GET /api/checkout/{orderId}"),
          List.of("GET /api/cart/{userId}", "POST /api/cart/{userId}/items"),
          List.of("POST /api/charge", "POST /api/refund"),
          List.of("GET /api/stock/{sku}", "POST /api/reservations"),
          List.of("GET /api/quote", "POST /api/shipments"));

  private static final Scope HTTP_SCOPE =
      new Scope("io.opentelemetry.armeria-1.3", Fixtures.OTEL_VERSION, Attributes.empty());
  private static final Scope JDBC_SCOPE =
      new Scope("io.opentelemetry.jdbc", Fixtures.OTEL_VERSION, Attributes.empty());
  private static final Scope LETTUCE_SCOPE =
      new Scope("io.opentelemetry.lettuce-5.1", Fixtures.OTEL_VERSION, Attributes.empty());
  private static final Scope KAFKA_SCOPE =
      new Scope("io.opentelemetry.kafka-clients-2.6", Fixtures.OTEL_VERSION, Attributes.empty());

  private final Random rnd;
  private final TraceId traceId;
  private final String userId;
  private final String sessionId;
  private final String traceState;
  private final int[] instanceOf = new int[Fixtures.SERVICES.size()];
  private final List<Event> spans = new ArrayList<>();
  private final List<Integer> serviceOf = new ArrayList<>();

  /** Spans that may have children: SERVER, CONSUMER and INTERNAL ones. */
  private final List<Integer> parents = new ArrayList<>();

  TraceBuilder(Random rnd) {
    this.rnd = rnd;
    this.traceId = Fixtures.traceId(rnd);
    this.userId = "u-" + rnd.nextInt(1_000_000);
    this.sessionId = Long.toHexString(rnd.nextLong());
    this.traceState = rnd.nextInt(10) == 0 ? "rojo=00f067aa0ba902b7" : "";
    for (int s = 0; s < instanceOf.length; s++) {
      instanceOf[s] = rnd.nextInt(Fixtures.INSTANCES);
    }
  }

  List<Event> build(long start, int count) {
    root(start);
    while (spans.size() < count) {
      int parent = parents.get(rnd.nextInt(parents.size()));
      int room = count - spans.size();
      int r = rnd.nextInt(10);
      if (r < 5 && room >= 2) {
        httpCall(parent);
      } else if (r < 8) {
        databaseCall(parent);
      } else if (r < 9 && room >= 2) {
        message(parent);
      } else {
        internal(parent);
      }
    }
    List<Event> out = new ArrayList<>(spans);
    for (int i = 0; i < Fixtures.LOGS_PER_TRACE; i++) {
      out.add(log(spans.get(rnd.nextInt(spans.size()))));
    }
    return out;
  }

  private void root(long start) {
    String route = pick(rnd, ROUTES.get(0));
    boolean error = rnd.nextInt(20) == 0;
    long duration = 20_000_000 + rnd.nextLong(280_000_000);
    Attributes attributes =
        Attributes.of(
            "http.request.method",
            method(route),
            "http.route",
            path(route),
            "http.response.status_code",
            error ? 500L : 200L,
            "url.scheme",
            "https",
            "client.address",
            "203.0.113." + rnd.nextInt(256),
            "user_agent.original",
            rnd.nextBoolean() ? "Mozilla/5.0 (X11; Linux x86_64)" : "curl/8.5",
            "user_id",
            userId,
            "session_id",
            sessionId,
            "user.premium",
            rnd.nextInt(5) == 0,
            "app.cart.total",
            rnd.nextInt(100_000) / 100.0);
    add(
        0,
        Event.span(traceId, Fixtures.spanId(rnd))
            .timeUnixNano(start)
            .durationNanos(duration)
            .scope(HTTP_SCOPE)
            .name(route)
            .spanKind(SpanKind.SERVER)
            .attributes(attributes)
            .flags(Fixtures.FLAGS_LOCAL_PARENT),
        error,
        true);
  }

  private void httpCall(int parent) {
    int callee = 1 + rnd.nextInt(Fixtures.SERVICES.size() - 1);
    String route = pick(rnd, ROUTES.get(callee));
    boolean error = rnd.nextInt(20) == 0;
    long status = error ? 500L : route.startsWith("POST") ? 201L : 200L;
    String host = Fixtures.SERVICES.get(callee) + ".svc.cluster.local";
    int client =
        add(
            serviceOf.get(parent),
            child(parent)
                .scope(HTTP_SCOPE)
                .name(method(route))
                .spanKind(SpanKind.CLIENT)
                .attributes(
                    Attributes.of(
                        "http.request.method",
                        method(route),
                        "url.full",
                        "http://" + host + ":8080" + path(route),
                        "server.address",
                        host,
                        "server.port",
                        8080L,
                        "peer.service",
                        Fixtures.SERVICES.get(callee),
                        "http.response.status_code",
                        status)),
            false,
            false);
    add(
        callee,
        child(client)
            .scope(HTTP_SCOPE)
            .name(route)
            .spanKind(SpanKind.SERVER)
            .attributes(
                Attributes.of(
                    "http.request.method", method(route),
                    "http.route", path(route),
                    "http.response.status_code", status,
                    "user_id", userId,
                    "session_id", sessionId))
            .flags(Fixtures.FLAGS_REMOTE_PARENT),
        error,
        true);
  }

  private void databaseCall(int parent) {
    int service = serviceOf.get(parent);
    boolean redis = Fixtures.SERVICES.get(service).equals("cart");
    boolean error = rnd.nextInt(20) == 0;
    Event.Builder span = child(parent).spanKind(SpanKind.CLIENT);
    if (redis) {
      String command = rnd.nextBoolean() ? "GET" : "HSET";
      span.scope(LETTUCE_SCOPE)
          .name(command)
          .attributes(
              Attributes.of(
                  "db.system",
                  "redis",
                  "db.operation.name",
                  command,
                  "server.address",
                  "redis.svc.cluster.local",
                  "server.port",
                  6379L,
                  "app.cache.hit",
                  rnd.nextBoolean()));
    } else {
      String table = Fixtures.SERVICES.get(service) + "_items";
      boolean select = rnd.nextInt(3) > 0;
      String operation = select ? "SELECT" : "UPDATE";
      span.scope(JDBC_SCOPE)
          .name(operation + " " + table)
          .attributes(
              Attributes.of(
                  "db.system",
                  "postgresql",
                  "db.namespace",
                  Fixtures.SERVICES.get(service),
                  "db.operation.name",
                  operation,
                  "db.query.text",
                  select
                      ? "SELECT * FROM " + table + " WHERE id = ?"
                      : "UPDATE " + table + " SET qty = qty - ? WHERE id = ?",
                  "server.address",
                  "postgres.svc.cluster.local",
                  "db.response.returned_rows",
                  select ? (long) rnd.nextInt(50) : 0L));
    }
    add(service, span, error, false);
  }

  private void message(int parent) {
    String orderId = "ord-" + rnd.nextInt(10_000_000);
    int producer =
        add(
            serviceOf.get(parent),
            child(parent)
                .scope(KAFKA_SCOPE)
                .name("orders publish")
                .spanKind(SpanKind.PRODUCER)
                .attributes(
                    Attributes.of(
                        "messaging.system", "kafka",
                        "messaging.destination.name", "orders",
                        "messaging.operation.type", "send",
                        "messaging.kafka.message.key", orderId)),
            false,
            false);
    int shipping = Fixtures.SERVICES.indexOf("shipping");
    SpanLink batchTrigger =
        new SpanLink(
            Fixtures.traceId(rnd),
            Fixtures.spanId(rnd),
            "",
            Attributes.of("messaging.batch.message_count", (long) (1 + rnd.nextInt(10))));
    add(
        shipping,
        child(producer)
            .scope(KAFKA_SCOPE)
            .name("orders process")
            .spanKind(SpanKind.CONSUMER)
            .attributes(
                Attributes.of(
                    "messaging.system", "kafka",
                    "messaging.destination.name", "orders",
                    "messaging.operation.type", "process",
                    "messaging.kafka.offset", (long) rnd.nextInt(1_000_000),
                    "messaging.kafka.message.key", orderId))
            .links(List.of(batchTrigger))
            .flags(Fixtures.FLAGS_REMOTE_PARENT),
        false,
        true);
  }

  private void internal(int parent) {
    add(
        serviceOf.get(parent),
        child(parent)
            .scope(Fixtures.APP_SCOPE)
            .name(rnd.nextBoolean() ? "price cart" : "validate order")
            .spanKind(SpanKind.INTERNAL)
            .attributes(
                Attributes.of(
                    "code.function",
                    rnd.nextBoolean() ? "priceCart" : "validate",
                    "app.items",
                    (long) (1 + rnd.nextInt(20)),
                    "app.cache.hit",
                    rnd.nextBoolean())),
        false,
        true);
  }

  /** A span inside {@code parent}'s time, with its parent and default flags set. */
  private Event.Builder child(int parent) {
    Event p = spans.get(parent);
    long offset = rnd.nextLong(Math.max(1, p.durationNanos() / 2));
    long room = p.durationNanos() - offset;
    long duration = 1 + rnd.nextLong(Math.max(1, room * 3 / 4));
    return Event.span(traceId, Fixtures.spanId(rnd))
        .parentSpanId(p.spanId())
        .timeUnixNano(p.timeUnixNano() + offset)
        .durationNanos(duration)
        .flags(Fixtures.FLAGS_LOCAL_PARENT);
  }

  /** Finishes a span for {@code service}, failing it when {@code error}; returns its index. */
  private int add(int service, Event.Builder span, boolean error, boolean canParent) {
    span.resource(Fixtures.RESOURCES[service][instanceOf[service]]).traceState(traceState);
    Event e = span.build();
    while (isTaken(e.spanId())) {
      e = e.toBuilder().spanId(Fixtures.spanId(rnd)).build();
    }
    if (error) {
      e = failed(e);
    }
    spans.add(e);
    serviceOf.add(service);
    if (canParent) {
      parents.add(spans.size() - 1);
    }
    return spans.size() - 1;
  }

  private boolean isTaken(SpanId id) {
    for (Event s : spans) {
      if (s.spanId().equals(id)) {
        return true;
      }
    }
    return false;
  }

  private Event failed(Event e) {
    boolean timeout = rnd.nextBoolean();
    String type =
        timeout ? "java.util.concurrent.TimeoutException" : "java.lang.IllegalStateException";
    String message = timeout ? "upstream timed out after 250 ms" : "inventory reservation lost";
    SpanEvent exception =
        new SpanEvent(
            e.timeUnixNano() + e.durationNanos() - 1,
            "exception",
            Attributes.of(
                "exception.type",
                type,
                "exception.message",
                message,
                "exception.stacktrace",
                type + ": " + message + "\n\tat io.sextant.demo.Handler.handle(Handler.java:87)\n",
                "exception.escaped",
                true));
    return e.toBuilder()
        .status(StatusCode.ERROR)
        .statusMessage(message)
        .events(List.of(exception))
        .build();
  }

  private Event log(Event span) {
    boolean error = span.status() == StatusCode.ERROR;
    String service = span.serviceName();
    return Event.log()
        .timeUnixNano(span.timeUnixNano() + rnd.nextLong(span.durationNanos()))
        .traceId(traceId)
        .spanId(span.spanId())
        .resource(span.resource())
        .scope(Fixtures.loggerScope(service))
        .severityNumber(error ? 17 : 9)
        .severityText(error ? "ERROR" : "INFO")
        .body(error ? "request failed: " + span.statusMessage() : span.name() + " handled")
        .attributes(
            Attributes.of(
                "thread.name",
                "armeria-common-worker-epoll-3-" + rnd.nextInt(8),
                "user_id",
                userId))
        .flags(1)
        .build();
  }

  private static <T> T pick(Random rnd, List<T> values) {
    return values.get(rnd.nextInt(values.size()));
  }

  private static String method(String route) {
    return route.substring(0, route.indexOf(' '));
  }

  private static String path(String route) {
    return route.substring(route.indexOf(' ') + 1);
  }
}
