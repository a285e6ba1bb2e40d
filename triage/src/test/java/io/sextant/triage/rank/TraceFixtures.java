package io.sextant.triage.rank;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import io.sextant.model.SpanEvent;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.StatusCode;
import io.sextant.model.TraceId;
import io.sextant.triage.trace.TraceAnalysis;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Small hand-built traces. */
public final class TraceFixtures {
  private static final AtomicLong ids = new AtomicLong(1);

  private TraceFixtures() {}

  /** A builder of one trace's spans, times in milliseconds from the trace's start. */
  public static final class Trace {
    final TraceId traceId = new TraceId(7, ids.getAndIncrement());
    final List<Event> spans = new ArrayList<>();

    public SpanId span(
        SpanId parent,
        String service,
        String host,
        SpanKind kind,
        String name,
        long startMs,
        long endMs,
        boolean error,
        Object... attributes) {
      SpanId id = new SpanId(ids.getAndIncrement());
      spans.add(
          Event.span(traceId, id)
              .parentSpanId(parent)
              .resource(
                  new Resource(
                      host == null
                          ? Attributes.of("service.name", service)
                          : Attributes.of("service.name", service, "host.name", host)))
              .name(name)
              .spanKind(kind)
              .timeUnixNano(1_000_000_000_000L + startMs * 1_000_000)
              .durationNanos((endMs - startMs) * 1_000_000)
              .status(error ? StatusCode.ERROR : StatusCode.UNSET)
              .statusMessage(error ? name + " failed" : "")
              .attributes(Attributes.of(attributes))
              .build());
      return id;
    }

    /** Sets the status message of span {@code id}, which is in error. */
    public void message(SpanId id, String message) {
      spans.replaceAll(
          e -> e.spanId().equals(id) ? e.toBuilder().statusMessage(message).build() : e);
    }

    /** Records an exception event on span {@code id}, as the OpenTelemetry agent does. */
    public void exception(SpanId id, String type, String message, String stacktrace) {
      spans.replaceAll(
          e ->
              e.spanId().equals(id)
                  ? e.toBuilder()
                      .events(
                          List.of(
                              new SpanEvent(
                                  e.timeUnixNano(),
                                  "exception",
                                  Attributes.of(
                                      "exception.type",
                                      type,
                                      "exception.message",
                                      message,
                                      "exception.stacktrace",
                                      stacktrace))))
                      .build()
                  : e);
    }

    /** Adds a span made elsewhere (another trace's, re-parented). */
    public void add(Event span) {
      spans.add(span);
    }

    public List<Event> events() {
      return spans;
    }

    public TraceAnalysis analyse(Map<String, String> addressOf) {
      return TraceAnalysis.of(spans, addressOf);
    }
  }

  /** a (server) → b (server) → peer (client, no child), everything in error from the peer up. */
  public static TraceAnalysis failingCall(String a, String b, String peer) {
    Trace t = new Trace();
    SpanId root = t.span(null, a, null, SpanKind.SERVER, "GET /a", 0, 100, true);
    SpanId call = t.span(root, a, null, SpanKind.CLIENT, "GET", 5, 95, true);
    SpanId server = t.span(call, b, null, SpanKind.SERVER, "GET /b", 10, 90, true);
    t.span(server, b, null, SpanKind.CLIENT, "query", 20, 80, true, "peer.service", peer);
    return t.analyse(Map.of());
  }
}
