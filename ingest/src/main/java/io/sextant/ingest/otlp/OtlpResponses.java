package io.sextant.ingest.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.nio.charset.StandardCharsets;

/**
 * Bodies of OTLP export responses. {@code partial_success} is set when items were rejected, or when
 * there is a message with none rejected (the spec's way to pass a warning); otherwise it is left
 * out, as the spec asks of a full success.
 */
public final class OtlpResponses {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace();

  private OtlpResponses() {}

  /** An ExportTraceServiceResponse, protobuf. */
  public static byte[] traces(long rejectedSpans, String errorMessage) {
    return tracesResponse(rejectedSpans, errorMessage).toByteArray();
  }

  /** An ExportLogsServiceResponse, protobuf. */
  public static byte[] logs(long rejectedLogRecords, String errorMessage) {
    return logsResponse(rejectedLogRecords, errorMessage).toByteArray();
  }

  /** An ExportTraceServiceResponse, OTLP JSON: {@code {}} when nothing was rejected. */
  public static byte[] tracesJson(long rejectedSpans, String errorMessage) {
    return json(tracesResponse(rejectedSpans, errorMessage));
  }

  /** An ExportLogsServiceResponse, OTLP JSON: {@code {}} when nothing was rejected. */
  public static byte[] logsJson(long rejectedLogRecords, String errorMessage) {
    return json(logsResponse(rejectedLogRecords, errorMessage));
  }

  /** An ExportMetricsServiceResponse, protobuf. */
  public static byte[] metrics(long rejectedDataPoints, String errorMessage) {
    return metricsResponse(rejectedDataPoints, errorMessage).toByteArray();
  }

  /** An ExportMetricsServiceResponse, OTLP JSON: {@code {}} when nothing was rejected. */
  public static byte[] metricsJson(long rejectedDataPoints, String errorMessage) {
    return json(metricsResponse(rejectedDataPoints, errorMessage));
  }

  private static ExportMetricsServiceResponse metricsResponse(long rejected, String message) {
    String text = text(rejected, message);
    if (rejected == 0 && text.isEmpty()) {
      return ExportMetricsServiceResponse.getDefaultInstance();
    }
    return ExportMetricsServiceResponse.newBuilder()
        .setPartialSuccess(
            ExportMetricsPartialSuccess.newBuilder()
                .setRejectedDataPoints(rejected)
                .setErrorMessage(text))
        .build();
  }

  private static ExportTraceServiceResponse tracesResponse(long rejected, String message) {
    String text = text(rejected, message);
    if (rejected == 0 && text.isEmpty()) {
      return ExportTraceServiceResponse.getDefaultInstance();
    }
    return ExportTraceServiceResponse.newBuilder()
        .setPartialSuccess(
            ExportTracePartialSuccess.newBuilder().setRejectedSpans(rejected).setErrorMessage(text))
        .build();
  }

  private static ExportLogsServiceResponse logsResponse(long rejected, String message) {
    String text = text(rejected, message);
    if (rejected == 0 && text.isEmpty()) {
      return ExportLogsServiceResponse.getDefaultInstance();
    }
    return ExportLogsServiceResponse.newBuilder()
        .setPartialSuccess(
            ExportLogsPartialSuccess.newBuilder()
                .setRejectedLogRecords(rejected)
                .setErrorMessage(text))
        .build();
  }

  private static String text(long rejected, String message) {
    if (rejected < 0) {
      throw new IllegalArgumentException("rejected count is negative: " + rejected);
    }
    return message == null ? "" : message;
  }

  private static byte[] json(MessageOrBuilder response) {
    try {
      // int64 counts print as JSON strings ("rejectedSpans":"2"), which OTLP JSON allows.
      return PRINTER.print(response).getBytes(StandardCharsets.UTF_8);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print an OTLP response as JSON", e); // no Any fields
    }
  }
}
