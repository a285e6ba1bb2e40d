package io.sextant.bench.ingest;

import java.util.ArrayList;
import java.util.List;
import zipkin2.Endpoint;
import zipkin2.Span;
import zipkin2.codec.SpanBytesEncoder;

/**
 * Zipkin v2 JSON bodies of the same spans: kind, {@code localEndpoint.serviceName}, tags as
 * strings, microsecond timestamps; an error span carries the {@code error} tag, as Brave sends it.
 * Zipkin has no resource, so the OTLP resource attributes are not sent.
 */
final class ZipkinBodies {
  private static final Endpoint[] ENDPOINTS = endpoints();

  private static Endpoint[] endpoints() {
    Endpoint[] e = new Endpoint[Catalog.SERVICES.length];
    for (int i = 0; i < e.length; i++) {
      e[i] = Endpoint.newBuilder().serviceName(Catalog.SERVICES[i]).build();
    }
    return e;
  }

  static List<Span> spans(List<GeneratedSpan> spans) {
    List<Span> out = new ArrayList<>(spans.size());
    for (GeneratedSpan s : spans) {
      Span.Builder b =
          Span.newBuilder()
              .traceId(s.traceIdHigh(), s.traceIdLow())
              .id(s.spanId())
              .parentId(s.parentId())
              .name(s.name())
              .localEndpoint(ENDPOINTS[s.service()])
              .timestamp(s.startNanos() / 1_000)
              .duration(Math.max(1, (s.endNanos() - s.startNanos()) / 1_000));
      switch (s.kind()) {
        case SERVER -> b.kind(Span.Kind.SERVER);
        case CLIENT -> b.kind(Span.Kind.CLIENT);
        case INTERNAL -> {}
      }
      for (GeneratedSpan.Attribute a : s.attributes()) {
        b.putTag(a.key(), String.valueOf(a.value()));
      }
      if (s.error()) {
        b.putTag("error", "internal error");
      }
      out.add(b.build());
    }
    return out;
  }

  static byte[] json(List<GeneratedSpan> spans) {
    return SpanBytesEncoder.JSON_V2.encodeList(spans(spans));
  }
}
