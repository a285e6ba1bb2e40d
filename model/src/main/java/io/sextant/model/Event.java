package io.sextant.model;

import java.util.List;
import java.util.Objects;

/**
 * One span, one log record or one metric data point, as a wide event. For spans {@code
 * timeUnixNano} is the start and {@code durationNanos} the length; for logs it is the record's time
 * (or, when the record has none, the time it was observed) and the span fields are empty; for
 * metric data points it is the point's time and neither the span nor the log fields mean anything.
 * {@code traceId}, {@code spanId} and {@code parentSpanId} may be null for logs and for root spans.
 * {@code tenant} is whose telemetry it is ({@link Tenant}): set by ingest from the sender's key or
 * header, never from the event's own content.
 */
public record Event(
    EventKind kind,
    long timeUnixNano,
    TraceId traceId,
    SpanId spanId,
    SpanId parentSpanId,
    Resource resource,
    Scope scope,
    String name,
    SpanKind spanKind,
    long durationNanos,
    StatusCode status,
    String statusMessage,
    int severityNumber,
    String severityText,
    String body,
    Attributes attributes,
    List<SpanEvent> events,
    List<SpanLink> links,
    String traceState,
    int flags,
    String tenant) {

  /** OTLP severity number from which a log record counts as an error (ERROR = 17..20). */
  public static final int SEVERITY_ERROR = 17;

  public Event {
    Objects.requireNonNull(kind, "kind");
    resource = resource == null ? Resource.EMPTY : resource;
    scope = scope == null ? Scope.EMPTY : scope;
    name = name == null ? "" : name;
    spanKind = spanKind == null ? SpanKind.UNSPECIFIED : spanKind;
    status = status == null ? StatusCode.UNSET : status;
    statusMessage = statusMessage == null ? "" : statusMessage;
    severityText = severityText == null ? "" : severityText;
    attributes = attributes == null ? Attributes.empty() : attributes;
    events = events == null ? List.of() : List.copyOf(events);
    links = links == null ? List.of() : List.copyOf(links);
    traceState = traceState == null ? "" : traceState;
    tenant = tenant == null ? Tenant.DEFAULT : Tenant.check(tenant);
    if (kind == EventKind.SPAN && (traceId == null || spanId == null)) {
      throw new IllegalArgumentException("a span needs a trace id and a span id");
    }
    if (durationNanos < 0) {
      throw new IllegalArgumentException("duration is negative: " + durationNanos);
    }
  }

  public String serviceName() {
    return resource.serviceName();
  }

  /** Derived: a span with status ERROR, or a log record of severity ERROR or worse. */
  public boolean isError() {
    return status == StatusCode.ERROR || severityNumber >= SEVERITY_ERROR;
  }

  public static Builder span(TraceId traceId, SpanId spanId) {
    return new Builder(EventKind.SPAN).traceId(traceId).spanId(spanId);
  }

  public static Builder log() {
    return new Builder(EventKind.LOG);
  }

  /** A metric data point: its values go in the attributes (docs/query.md, "Metrics"). */
  public static Builder metric() {
    return new Builder(EventKind.METRIC);
  }

  /** This event in {@code tenant}: what ingest does to each event of a request. */
  public Event withTenant(String tenant) {
    return tenant.equals(this.tenant)
        ? this
        : new Event(
            kind,
            timeUnixNano,
            traceId,
            spanId,
            parentSpanId,
            resource,
            scope,
            name,
            spanKind,
            durationNanos,
            status,
            statusMessage,
            severityNumber,
            severityText,
            body,
            attributes,
            events,
            links,
            traceState,
            flags,
            tenant);
  }

  public Builder toBuilder() {
    Builder b = new Builder(kind);
    b.timeUnixNano = timeUnixNano;
    b.traceId = traceId;
    b.spanId = spanId;
    b.parentSpanId = parentSpanId;
    b.resource = resource;
    b.scope = scope;
    b.name = name;
    b.spanKind = spanKind;
    b.durationNanos = durationNanos;
    b.status = status;
    b.statusMessage = statusMessage;
    b.severityNumber = severityNumber;
    b.severityText = severityText;
    b.body = body;
    b.attributes = attributes;
    b.events = events;
    b.links = links;
    b.traceState = traceState;
    b.flags = flags;
    b.tenant = tenant;
    return b;
  }

  /** Builds events field by field; everything not set takes the empty value. */
  public static final class Builder {
    private final EventKind kind;
    private long timeUnixNano;
    private TraceId traceId;
    private SpanId spanId;
    private SpanId parentSpanId;
    private Resource resource;
    private Scope scope;
    private String name;
    private SpanKind spanKind;
    private long durationNanos;
    private StatusCode status;
    private String statusMessage;
    private int severityNumber;
    private String severityText;
    private String body;
    private Attributes attributes;
    private List<SpanEvent> events;
    private List<SpanLink> links;
    private String traceState;
    private int flags;
    private String tenant;

    private Builder(EventKind kind) {
      this.kind = kind;
    }

    public Builder timeUnixNano(long v) {
      timeUnixNano = v;
      return this;
    }

    public Builder traceId(TraceId v) {
      traceId = v;
      return this;
    }

    public Builder spanId(SpanId v) {
      spanId = v;
      return this;
    }

    public Builder parentSpanId(SpanId v) {
      parentSpanId = v;
      return this;
    }

    public Builder resource(Resource v) {
      resource = v;
      return this;
    }

    public Builder scope(Scope v) {
      scope = v;
      return this;
    }

    public Builder name(String v) {
      name = v;
      return this;
    }

    public Builder spanKind(SpanKind v) {
      spanKind = v;
      return this;
    }

    public Builder durationNanos(long v) {
      durationNanos = v;
      return this;
    }

    public Builder status(StatusCode v) {
      status = v;
      return this;
    }

    public Builder statusMessage(String v) {
      statusMessage = v;
      return this;
    }

    public Builder severityNumber(int v) {
      severityNumber = v;
      return this;
    }

    public Builder severityText(String v) {
      severityText = v;
      return this;
    }

    public Builder body(String v) {
      body = v;
      return this;
    }

    public Builder attributes(Attributes v) {
      attributes = v;
      return this;
    }

    public Builder events(List<SpanEvent> v) {
      events = v;
      return this;
    }

    public Builder links(List<SpanLink> v) {
      links = v;
      return this;
    }

    public Builder traceState(String v) {
      traceState = v;
      return this;
    }

    public Builder flags(int v) {
      flags = v;
      return this;
    }

    public Builder tenant(String v) {
      tenant = v;
      return this;
    }

    public Event build() {
      return new Event(
          kind,
          timeUnixNano,
          traceId,
          spanId,
          parentSpanId,
          resource,
          scope,
          name,
          spanKind,
          durationNanos,
          status,
          statusMessage,
          severityNumber,
          severityText,
          body,
          attributes,
          events,
          links,
          traceState,
          flags,
          tenant);
    }
  }
}
