package io.sextant.bench.ingest;

import com.google.protobuf.InvalidProtocolBufferException;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaders;
import com.linecorp.armeria.common.MediaType;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.util.Arrays;

/** The three ways the load is sent, and what counts as a durable acknowledgement for each. */
enum Target {
  OTLP_HTTP("otlp-http", "/v1/traces", "application/x-protobuf", "h1c"),
  OTLP_GRPC(
      "otlp-grpc",
      "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
      "application/grpc",
      "h2c"),
  ZIPKIN("zipkin", "/api/v2/spans", "application/json", "h1c"),
  /** OTLP/HTTP protobuf metrics: gauge points ({@link MetricGenerator}) instead of spans. */
  OTLP_METRICS("otlp-metrics", "/v1/metrics", "application/x-protobuf", "h1c");

  static final int GRPC_OK = 0;
  static final int GRPC_RESOURCE_EXHAUSTED = 8;

  final String label;
  final String defaultPath;
  final MediaType contentType;
  final String defaultScheme;

  Target(String label, String defaultPath, String contentType, String defaultScheme) {
    this.label = label;
    this.defaultPath = defaultPath;
    this.contentType = MediaType.parse(contentType);
    this.defaultScheme = defaultScheme;
  }

  static Target of(String label) {
    for (Target t : values()) {
      if (t.label.equals(label)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown target \"" + label + "\"; use otlp-http, otlp-grpc, zipkin or otlp-metrics");
  }

  /** What a response means. */
  sealed interface Outcome {
    /** Acknowledged; {@code rejectedSpans} were refused by the server's partial success. */
    record Ok(long rejectedSpans) implements Outcome {}

    /** 429 / RESOURCE_EXHAUSTED: the server asks for a retry; nothing was kept. */
    record Retry() implements Outcome {}

    /** Anything else; {@code kind} names it for the error counts, e.g. {@code http_503}. */
    record Failed(String kind) implements Outcome {}
  }

  Outcome classify(AggregatedHttpResponse res) {
    int status = res.status().code();
    return switch (this) {
      case OTLP_HTTP, OTLP_METRICS -> {
        if (status == 200) {
          byte[] body = res.content().array();
          yield new Outcome.Ok(this == OTLP_HTTP ? rejectedSpans(body) : rejectedPoints(body));
        }
        yield status == 429 ? new Outcome.Retry() : new Outcome.Failed("http_" + status);
      }
      case ZIPKIN -> {
        if (status == 202) {
          yield new Outcome.Ok(0);
        }
        yield status == 429 ? new Outcome.Retry() : new Outcome.Failed("http_" + status);
      }
      case OTLP_GRPC -> {
        if (status != 200) {
          yield status == 429 ? new Outcome.Retry() : new Outcome.Failed("http_" + status);
        }
        String grpc = grpcStatus(res.trailers());
        if (grpc == null) {
          grpc = grpcStatus(res.headers()); // a trailers-only response
        }
        if (grpc == null) {
          yield new Outcome.Failed("grpc_no_status");
        }
        int code = Integer.parseInt(grpc.trim());
        if (code == GRPC_OK) {
          byte[] body = res.content().array();
          yield new Outcome.Ok(
              body.length > 5 ? rejectedSpans(Arrays.copyOfRange(body, 5, body.length)) : 0);
        }
        yield code == GRPC_RESOURCE_EXHAUSTED
            ? new Outcome.Retry()
            : new Outcome.Failed("grpc_" + code);
      }
    };
  }

  private static String grpcStatus(HttpHeaders headers) {
    return headers.get("grpc-status");
  }

  private static long rejectedPoints(byte[] response) {
    if (response.length == 0) {
      return 0;
    }
    try {
      return io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse.parseFrom(
              response)
          .getPartialSuccess()
          .getRejectedDataPoints();
    } catch (InvalidProtocolBufferException e) {
      return 0;
    }
  }

  private static long rejectedSpans(byte[] response) {
    if (response.length == 0) {
      return 0;
    }
    try {
      return ExportTraceServiceResponse.parseFrom(response).getPartialSuccess().getRejectedSpans();
    } catch (InvalidProtocolBufferException e) {
      return 0;
    }
  }
}
