package io.sextant.store.testkit;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
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

/**
 * Realistic events for the contract suites and the benchmarks. Everything is drawn from the {@link
 * Random} passed in, so the same seed gives the same events, field for field; nothing reads the
 * clock.
 */
public final class Fixtures {
  /** 2025-01-01T00:00:00Z in nanoseconds: the fixed "now" of the fixtures. */
  public static final long T0 = 1_735_689_600_000_000_000L;

  /** How many log records {@link #trace} adds to the spans it is asked for. */
  public static final int LOGS_PER_TRACE = 2;

  /** The services traces run through; every trace starts at the first. */
  public static final List<String> SERVICES =
      List.of("frontend", "checkout", "cart", "payment", "inventory", "shipping");

  private static final List<String> VERSIONS =
      List.of("3.2.0", "1.14.2", "2.0.1", "0.9.7", "1.3.0", "4.1.0");

  /** HTTP routes each service serves, as "METHOD route". */
  private static final List<List<String>> ROUTES =
      List.of(
          List.of("GET /", "GET /product/{id}", "POST /cart", "POST /checkout"),
          List.of("POST /api/checkout", "GET /api/checkout/{orderId}"),
          List.of("GET /api/cart/{userId}", "POST /api/cart/{userId}/items"),
          List.of("POST /api/charge", "POST /api/refund"),
          List.of("GET /api/stock/{sku}", "POST /api/reservations"),
          List.of("GET /api/quote", "POST /api/shipments"));

  private static final int INSTANCES = 3;
  private static final Resource[][] RESOURCES = new Resource[SERVICES.size()][INSTANCES];

  static {
    for (int s = 0; s < SERVICES.size(); s++) {
      for (int i = 0; i < INSTANCES; i++) {
        RESOURCES[s][i] = resource(SERVICES.get(s), VERSIONS.get(s), i);
      }
    }
  }

  private static final String OTEL_VERSION = "2.15.0-alpha";
  private static final Scope HTTP_SCOPE =
      new Scope("io.opentelemetry.armeria-1.3", OTEL_VERSION, Attributes.empty());
  private static final Scope JDBC_SCOPE =
      new Scope("io.opentelemetry.jdbc", OTEL_VERSION, Attributes.empty());
  private static final Scope LETTUCE_SCOPE =
      new Scope("io.opentelemetry.lettuce-5.1", OTEL_VERSION, Attributes.empty());
  private static final Scope KAFKA_SCOPE =
      new Scope("io.opentelemetry.kafka-clients-2.6", OTEL_VERSION, Attributes.empty());
  private static final Scope APP_SCOPE =
      new Scope("io.sextant.demo", "1.0.0", Attributes.of("code.language", "java"));

  /** W3C sampled, plus OTLP's "parent is (not) remote" bits. */
  private static final int FLAGS_LOCAL_PARENT = 0x101;

  private static final int FLAGS_REMOTE_PARENT = 0x301;

  private Fixtures() {}

  /** A random trace id, never all zeros. */
  public static TraceId traceId(Random rnd) {
    long high;
    long low;
    do {
      high = rnd.nextLong();
      low = rnd.nextLong();
    } while (high == 0 && low == 0);
    return new TraceId(high, low);
  }

  /** A random span id, never zero. */
  public static SpanId spanId(Random rnd) {
    long v;
    do {
      v = rnd.nextLong();
    } while (v == 0);
    return new SpanId(v);
  }

  /**
   * The resource of one instance of {@code service}: service.name, service.version,
   * service.instance.id, host.name and deployment.environment.
   */
  public static Resource resource(String service) {
    int s = SERVICES.indexOf(service);
    return s >= 0 ? RESOURCES[s][0] : resource(service, "1.0.0", 0);
  }

  private static Resource resource(String service, String version, int instance) {
    return new Resource(
        Attributes.of(
            "service.name",
            service,
            "service.version",
            version,
            "service.instance.id",
            service + "-" + instance,
            "host.name",
            "ip-10-0-" + (SERVICES.indexOf(service) + 1) + "-" + (10 + instance),
            "deployment.environment",
            "production"));
  }

  /** An INTERNAL span of {@code service} lasting 1 ms, to adjust and build. */
  public static Event.Builder span(
      String service, TraceId traceId, SpanId spanId, long startUnixNano) {
    return Event.span(traceId, spanId)
        .timeUnixNano(startUnixNano)
        .resource(resource(service))
        .scope(APP_SCOPE)
        .name("work")
        .spanKind(SpanKind.INTERNAL)
        .durationNanos(1_000_000)
        .flags(FLAGS_LOCAL_PARENT);
  }

  /** An INFO log record of {@code service} without trace context, to adjust and build. */
  public static Event.Builder log(String service, long timeUnixNano) {
    return Event.log()
        .timeUnixNano(timeUnixNano)
        .resource(resource(service))
        .scope(loggerScope(service))
        .severityNumber(9)
        .severityText("INFO")
        .body("request handled");
  }

  /**
   * One trace starting at {@code startUnixNano}: {@code spans} spans (a root SERVER span of the
   * first service, then HTTP calls as CLIENT/SERVER pairs across services, database calls, Kafka
   * PRODUCER/CONSUMER pairs and INTERNAL work, about one in twenty failing with an {@code
   * exception} event), then {@link #LOGS_PER_TRACE} log records in the context of its spans. Every
   * event lies within the root span, which lasts at most 300 ms.
   */
  public static List<Event> trace(Random rnd, long startUnixNano, int spans) {
    if (spans < 1) {
      throw new IllegalArgumentException("a trace needs at least one span, got " + spans);
    }
    return new TraceBuilder(rnd).build(startUnixNano, spans);
  }

  /** {@code traces} traces of {@code spansPerTrace} spans, starting {@code spacingNanos} apart. */
  public static List<Event> traces(
      Random rnd, long startUnixNano, long spacingNanos, int traces, int spansPerTrace) {
    List<Event> out = new ArrayList<>(traces * (spansPerTrace + LOGS_PER_TRACE));
    for (int i = 0; i < traces; i++) {
      out.addAll(trace(rnd, startUnixNano + i * spacingNanos, spansPerTrace));
    }
    return out;
  }

  /**
   * A span that sets every field: resource, scope, span, event and link attributes of all four
   * types, unicode, empty strings and a value of about 10 KB, error status with a message, trace
   * state and flags.
   */
  public static Event spanWithEveryField(
      TraceId traceId, SpanId spanId, SpanId parentSpanId, long startUnixNano) {
    Resource resource =
        new Resource(
            Attributes.of(
                "service.name", "checkout",
                "service.version", "1.14.2",
                "service.namespace", "",
                "host.name", "ip-10-0-2-17",
                "deployment.environment", "production",
                "process.pid", 4242L,
                "host.cpu.ratio", 0.75,
                "k8s.pod.ready", true));
    Scope scope =
        new Scope(
            "io.opentelemetry.armeria-1.3",
            OTEL_VERSION,
            Attributes.of(
                "scope.kind", "server", "scope.level", 3L, "scope.weight", 0.5, "scope.on", false));
    Attributes attributes =
        Attributes.of(
            "http.request.method",
            "POST",
            "http.route",
            "/api/checkout/{cartId}",
            "http.response.status_code",
            402L,
            "user_id",
            "u-8843121",
            "session_id",
            "5f0c1e9ad3b2c476",
            "app.order.total",
            1299.95,
            "app.sample.ratio",
            1.0,
            "app.retry.count",
            -3L,
            "app.order.id",
            1_234_567_890_123L,
            "app.premium",
            true,
            "app.first_order",
            false,
            "app.note",
            "Zürich → 東京 ✓ 🚀 Ünïcödé",
            "app.empty",
            "",
            "app.payload",
            longText(10_000));
    List<SpanEvent> events =
        List.of(
            new SpanEvent(
                startUnixNano + 1_000,
                "exception",
                Attributes.of(
                    "exception.type",
                    "io.sextant.demo.PaymentDeclined",
                    "exception.message",
                    "card declined — carte refusée",
                    "exception.stacktrace",
                    "io.sextant.demo.PaymentDeclined: card declined\n"
                        + "\tat io.sextant.demo.Payments.charge(Payments.java:42)\n",
                    "exception.escaped",
                    true,
                    "retry.count",
                    2L,
                    "retry.backoff.seconds",
                    0.25)),
            new SpanEvent(startUnixNano + 2_000, "cache.miss", Attributes.empty()));
    List<SpanLink> links =
        List.of(
            new SpanLink(
                new TraceId(0x0af7651916cd43ddL, 0x8448eb211c80319cL),
                new SpanId(0xb7ad6b7169203331L),
                "rojo=00f067aa0ba902b7",
                Attributes.of(
                    "link.reason", "batch", "link.index", 1L, "link.weight", 0.5, "link.ok", true)),
            new SpanLink(traceId, new SpanId(0x00f067aa0ba902b7L), "", Attributes.empty()));
    return Event.span(traceId, spanId)
        .parentSpanId(parentSpanId)
        .timeUnixNano(startUnixNano)
        .resource(resource)
        .scope(scope)
        .name("POST /api/checkout/{cartId}")
        .spanKind(SpanKind.SERVER)
        .durationNanos(123_456_789)
        .status(StatusCode.ERROR)
        .statusMessage("payment declined: insufficient funds (51) — 残高不足")
        .attributes(attributes)
        .events(events)
        .links(links)
        .traceState("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
        .flags(FLAGS_REMOTE_PARENT)
        .build();
  }

  /** Text of exactly {@code length} chars, mixing ASCII, accents and emoji (surrogate pairs). */
  static String longText(int length) {
    String unit = "Lorem ipsum dolor sit amet, ünïcödé 東京 🚀; ";
    StringBuilder sb = new StringBuilder(length + unit.length());
    while (sb.length() < length) {
      sb.append(unit);
    }
    sb.setLength(length);
    // Never end on half a surrogate pair: that would not survive UTF-8.
    if (Character.isHighSurrogate(sb.charAt(length - 1))) {
      sb.setCharAt(length - 1, '.');
    }
    return sb.toString();
  }

  private static Scope loggerScope(String service) {
    return new Scope("io.sextant.demo." + service, "", Attributes.empty());
  }

  private static <T> T pick(Random rnd, List<T> values) {
    return values.get(rnd.nextInt(values.size()));
  }

  /** The state of one trace being generated: its ids, its user and the spans so far. */
  private static final class TraceBuilder {
    private final Random rnd;
    private final TraceId traceId;
    private final String userId;
    private final String sessionId;
    private final String traceState;
    private final int[] instanceOf = new int[SERVICES.size()];
    private final List<Event> spans = new ArrayList<>();
    private final List<Integer> serviceOf = new ArrayList<>();

    /** Spans that may have children: SERVER, CONSUMER and INTERNAL ones. */
    private final List<Integer> parents = new ArrayList<>();

    TraceBuilder(Random rnd) {
      this.rnd = rnd;
      this.traceId = traceId(rnd);
      this.userId = "u-" + rnd.nextInt(1_000_000);
      this.sessionId = Long.toHexString(rnd.nextLong());
      this.traceState = rnd.nextInt(10) == 0 ? "rojo=00f067aa0ba902b7" : "";
      for (int s = 0; s < instanceOf.length; s++) {
        instanceOf[s] = rnd.nextInt(INSTANCES);
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
      for (int i = 0; i < LOGS_PER_TRACE; i++) {
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
          Event.span(traceId, spanId(rnd))
              .timeUnixNano(start)
              .durationNanos(duration)
              .scope(HTTP_SCOPE)
              .name(route)
              .spanKind(SpanKind.SERVER)
              .attributes(attributes)
              .flags(FLAGS_LOCAL_PARENT),
          error,
          true);
    }

    private void httpCall(int parent) {
      int callee = 1 + rnd.nextInt(SERVICES.size() - 1);
      String route = pick(rnd, ROUTES.get(callee));
      boolean error = rnd.nextInt(20) == 0;
      long status = error ? 500L : route.startsWith("POST") ? 201L : 200L;
      String host = SERVICES.get(callee) + ".svc.cluster.local";
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
                          SERVICES.get(callee),
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
              .flags(FLAGS_REMOTE_PARENT),
          error,
          true);
    }

    private void databaseCall(int parent) {
      int service = serviceOf.get(parent);
      boolean redis = SERVICES.get(service).equals("cart");
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
        String table = SERVICES.get(service) + "_items";
        boolean select = rnd.nextInt(3) > 0;
        String operation = select ? "SELECT" : "UPDATE";
        span.scope(JDBC_SCOPE)
            .name(operation + " " + table)
            .attributes(
                Attributes.of(
                    "db.system",
                    "postgresql",
                    "db.namespace",
                    SERVICES.get(service),
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
      int shipping = SERVICES.indexOf("shipping");
      SpanLink batchTrigger =
          new SpanLink(
              Fixtures.traceId(rnd),
              spanId(rnd),
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
              .flags(FLAGS_REMOTE_PARENT),
          false,
          true);
    }

    private void internal(int parent) {
      add(
          serviceOf.get(parent),
          child(parent)
              .scope(APP_SCOPE)
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
      return Event.span(traceId, spanId(rnd))
          .parentSpanId(p.spanId())
          .timeUnixNano(p.timeUnixNano() + offset)
          .durationNanos(duration)
          .flags(FLAGS_LOCAL_PARENT);
    }

    /** Finishes a span for {@code service}, failing it when {@code error}; returns its index. */
    private int add(int service, Event.Builder span, boolean error, boolean canParent) {
      span.resource(RESOURCES[service][instanceOf[service]]).traceState(traceState);
      Event e = span.build();
      while (isTaken(e.spanId())) {
        e = e.toBuilder().spanId(spanId(rnd)).build();
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
                  type
                      + ": "
                      + message
                      + "\n\tat io.sextant.demo.Handler.handle(Handler.java:87)\n",
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
          .scope(loggerScope(service))
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
  }

  private static String method(String route) {
    return route.substring(0, route.indexOf(' '));
  }

  private static String path(String route) {
    return route.substring(route.indexOf(' ') + 1);
  }
}
