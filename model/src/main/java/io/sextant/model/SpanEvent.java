package io.sextant.model;

/** A timed annotation on a span, such as an {@code exception}. */
public record SpanEvent(long timeUnixNano, String name, Attributes attributes) {
  public SpanEvent {
    name = name == null ? "" : name;
    attributes = attributes == null ? Attributes.empty() : attributes;
  }
}
