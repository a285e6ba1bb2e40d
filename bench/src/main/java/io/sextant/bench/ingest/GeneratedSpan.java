package io.sextant.bench.ingest;

import java.util.List;

/**
 * One span of the load, neutral between OTLP and Zipkin. Attribute values are {@link String} or
 * {@link Long}.
 */
record GeneratedSpan(
    int service,
    int host,
    long traceIdHigh,
    long traceIdLow,
    long spanId,
    long parentId,
    String name,
    Kind kind,
    long startNanos,
    long endNanos,
    boolean error,
    List<Attribute> attributes) {

  enum Kind {
    SERVER,
    CLIENT,
    INTERNAL
  }

  record Attribute(String key, Object value) {}
}
