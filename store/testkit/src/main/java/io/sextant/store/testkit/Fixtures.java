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

  static final int INSTANCES = 3;
  static final Resource[][] RESOURCES = new Resource[SERVICES.size()][INSTANCES];

  static {
    for (int s = 0; s < SERVICES.size(); s++) {
      for (int i = 0; i < INSTANCES; i++) {
        RESOURCES[s][i] = resource(SERVICES.get(s), VERSIONS.get(s), i);
      }
    }
  }

  static final String OTEL_VERSION = "2.15.0-alpha";
  static final Scope APP_SCOPE =
      new Scope("io.sextant.demo", "1.0.0", Attributes.of("code.language", "java"));

  /** W3C sampled, plus OTLP's "parent is (not) remote" bits. */
  static final int FLAGS_LOCAL_PARENT = 0x101;

  static final int FLAGS_REMOTE_PARENT = 0x301;

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

  static Scope loggerScope(String service) {
    return new Scope("io.sextant.demo." + service, "", Attributes.empty());
  }
}
