package io.sextant.model;

import java.util.Objects;

/** A causal link from a span to a span of another (or the same) trace. */
public record SpanLink(TraceId traceId, SpanId spanId, String traceState, Attributes attributes) {
  public SpanLink {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(spanId, "spanId");
    traceState = traceState == null ? "" : traceState;
    attributes = attributes == null ? Attributes.empty() : attributes;
  }
}
