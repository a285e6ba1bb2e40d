package io.sextant.topology.health;

import java.net.URI;
import java.util.Objects;

/**
 * A health endpoint to poll: the service it speaks for and its URL, answering either the seed
 * format ({@code {"service","healthy","workload":{"healthy"},"dependencies":[{"name","healthy"}]}})
 * or Spring Boot's {@code /actuator/health} ({@code {"status":"UP","components":{…}}}).
 */
public record HealthTarget(String service, URI url) {
  public HealthTarget {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(url, "url");
    if (service.isBlank()) {
      throw new IllegalArgumentException("a health target needs a service name");
    }
    if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
      throw new IllegalArgumentException("health URL must be http:// or https://: " + url);
    }
  }

  /** {@code service=url}, as given on the command line. */
  public static HealthTarget parse(String text) {
    int eq = text.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException(
          "health target \""
              + text
              + "\" must be service=url, e.g. checkout=http://127.0.0.1:8080/health");
    }
    return new HealthTarget(
        text.substring(0, eq).trim(), URI.create(text.substring(eq + 1).trim()));
  }
}
