package io.sextant.model;

/** The instrumentation scope (library) that emitted a span or log record. */
public record Scope(String name, String version, Attributes attributes) {
  public static final Scope EMPTY = new Scope("", "", Attributes.empty());

  public Scope {
    name = name == null ? "" : name;
    version = version == null ? "" : version;
    attributes = attributes == null ? Attributes.empty() : attributes;
  }
}
