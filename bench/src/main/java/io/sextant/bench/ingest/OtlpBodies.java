package io.sextant.bench.ingest;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** OTLP {@code ExportTraceServiceRequest} bodies: one ResourceSpans per service of a request. */
final class OtlpBodies {
  private static final InstrumentationScope SCOPE =
      InstrumentationScope.newBuilder()
          .setName("io.opentelemetry.armeria-1.3")
          .setVersion("2.10.0-alpha")
          .build();

  private final Map<Long, Resource> resources = new HashMap<>();

  ExportTraceServiceRequest request(List<GeneratedSpan> spans) {
    Map<Integer, ScopeSpans.Builder> byService = new LinkedHashMap<>();
    Map<Integer, Integer> hostOf = new HashMap<>();
    for (GeneratedSpan s : spans) {
      byService
          .computeIfAbsent(s.service(), k -> ScopeSpans.newBuilder().setScope(SCOPE))
          .addSpans(span(s));
      hostOf.putIfAbsent(s.service(), s.host());
    }
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    byService.forEach(
        (service, scope) ->
            request.addResourceSpans(
                ResourceSpans.newBuilder()
                    .setResource(resource(service, hostOf.get(service)))
                    .addScopeSpans(scope)));
    return request.build();
  }

  /** The OTLP/HTTP body: the serialised request. */
  byte[] http(List<GeneratedSpan> spans) {
    return request(spans).toByteArray();
  }

  /** The gRPC body: one uncompressed length-prefixed message (flag 0, 4-byte big-endian size). */
  byte[] grpc(List<GeneratedSpan> spans) {
    byte[] message = request(spans).toByteArray();
    return ByteBuffer.allocate(5 + message.length)
        .put((byte) 0)
        .putInt(message.length)
        .put(message)
        .array();
  }

  private Resource resource(int service, int host) {
    return resources.computeIfAbsent(
        ((long) service << 32) | host,
        k ->
            Resource.newBuilder()
                .addAttributes(kv("service.name", Catalog.SERVICES[service]))
                .addAttributes(kv("service.version", Catalog.serviceVersion(service)))
                .addAttributes(kv("host.name", Catalog.hostName(host)))
                .addAttributes(kv("deployment.environment.name", Catalog.environment(service)))
                .build());
  }

  private static Span span(GeneratedSpan s) {
    Span.Builder b =
        Span.newBuilder()
            .setTraceId(
                ByteString.copyFrom(
                    ByteBuffer.allocate(16)
                        .putLong(s.traceIdHigh())
                        .putLong(s.traceIdLow())
                        .array()))
            .setSpanId(id(s.spanId()))
            .setName(s.name())
            .setKind(
                switch (s.kind()) {
                  case SERVER -> Span.SpanKind.SPAN_KIND_SERVER;
                  case CLIENT -> Span.SpanKind.SPAN_KIND_CLIENT;
                  case INTERNAL -> Span.SpanKind.SPAN_KIND_INTERNAL;
                })
            .setStartTimeUnixNano(s.startNanos())
            .setEndTimeUnixNano(s.endNanos());
    if (s.parentId() != 0) {
      b.setParentSpanId(id(s.parentId()));
    }
    for (GeneratedSpan.Attribute a : s.attributes()) {
      b.addAttributes(
          a.value() instanceof Long l
              ? KeyValue.newBuilder()
                  .setKey(a.key())
                  .setValue(AnyValue.newBuilder().setIntValue(l))
                  .build()
              : kv(a.key(), (String) a.value()));
    }
    if (s.error()) {
      b.setStatus(
          Status.newBuilder()
              .setCode(Status.StatusCode.STATUS_CODE_ERROR)
              .setMessage("internal error"));
    }
    return b.build();
  }

  private static ByteString id(long v) {
    return ByteString.copyFrom(ByteBuffer.allocate(8).putLong(v).array());
  }

  /** A string attribute. */
  static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }
}
