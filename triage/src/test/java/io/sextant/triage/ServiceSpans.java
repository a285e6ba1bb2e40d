package io.sextant.triage;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.StatusCode;
import io.sextant.model.TraceId;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** The spans a test service's SDK would export for one request, in the request's trace. */
final class ServiceSpans {
  private ServiceSpans() {}

  /**
   * A server span and, when {@code database} is not null, a JDBC client span under it; nothing when
   * {@code traceparent} carries no trace.
   */
  static List<Event> of(String traceparent, String service, String database) {
    if (traceparent.length() < 35) {
      return List.of();
    }
    TraceId trace = TraceId.fromHex(traceparent.substring(3, 35));
    long now = System.currentTimeMillis() * 1_000_000L;
    Resource resource = new Resource(Attributes.of("service.name", service, "host.name", "node-1"));
    SpanId server = new SpanId(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
    Event serverSpan =
        Event.span(trace, server)
            .resource(resource)
            .name("GET /" + service)
            .spanKind(SpanKind.SERVER)
            .timeUnixNano(now)
            .durationNanos(database == null ? 500_000 : 5_000_000)
            .status(StatusCode.UNSET)
            .build();
    if (database == null) {
      return List.of(serverSpan);
    }
    return List.of(
        serverSpan,
        Event.span(trace, new SpanId(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE)))
            .parentSpanId(server)
            .resource(resource)
            .name("SELECT " + database)
            .spanKind(SpanKind.CLIENT)
            .timeUnixNano(now + 1_000_000)
            .durationNanos(2_000_000)
            .status(StatusCode.UNSET)
            .attributes(
                Attributes.of(
                    "db.system",
                    "postgresql",
                    "db.namespace",
                    database,
                    "server.address",
                    "10.0.0.7",
                    "server.port",
                    5432L))
            .build());
  }
}
