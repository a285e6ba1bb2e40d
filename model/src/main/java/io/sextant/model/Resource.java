package io.sextant.model;

import java.util.Objects;

/** The entity that produced telemetry: a service instance, described by its attributes. */
public record Resource(Attributes attributes) {
  public static final String SERVICE_NAME = "service.name";

  /** OpenTelemetry's default when a resource names no service. */
  public static final String UNKNOWN_SERVICE = "unknown_service";

  public static final Resource EMPTY = new Resource(Attributes.empty());

  public Resource {
    Objects.requireNonNull(attributes, "attributes");
  }

  public String serviceName() {
    String name = attributes.getString(SERVICE_NAME);
    return name == null || name.isEmpty() ? UNKNOWN_SERVICE : name;
  }
}
