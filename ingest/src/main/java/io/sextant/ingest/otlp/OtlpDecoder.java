package io.sextant.ingest.otlp;

import io.sextant.ingest.DecodeResult;
import io.sextant.ingest.IngestLimits;
import io.sextant.ingest.MalformedRequestException;
import java.io.IOException;
import java.time.Clock;
import java.util.Objects;

/**
 * Decodes OTLP trace, log and metric export requests, protobuf or JSON, into events. Thread-safe:
 * each call keeps its state to itself. A request that cannot be read at all throws; an item with a
 * problem (bad id, invalid UTF-8, a limit) is rejected alone and counted in the result, which the
 * server reports as OTLP partial success ({@link OtlpResponses}).
 */
public final class OtlpDecoder {
  private final IngestLimits limits;
  private final Clock clock;

  /**
   * @param clock supplies the time of log records that carry neither a time nor an observed time
   */
  public OtlpDecoder(IngestLimits limits, Clock clock) {
    this.limits = limits.validate();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Decodes a protobuf ExportTraceServiceRequest. */
  public DecodeResult decodeTraces(byte[] protobuf) throws MalformedRequestException {
    return decode(new TraceRequestDecoder(limits, false), protobuf, "ExportTraceServiceRequest");
  }

  /** Decodes a protobuf ExportLogsServiceRequest. */
  public DecodeResult decodeLogs(byte[] protobuf) throws MalformedRequestException {
    return decode(
        new LogRequestDecoder(limits, false, clock), protobuf, "ExportLogsServiceRequest");
  }

  /** Decodes an ExportTraceServiceRequest in the OTLP/HTTP JSON encoding (hex ids). */
  public DecodeResult decodeTracesJson(byte[] json) throws MalformedRequestException {
    return decode(
        new TraceRequestDecoder(limits, true),
        OtlpJsonTranscoder.traces(json),
        "ExportTraceServiceRequest");
  }

  /** Decodes an ExportLogsServiceRequest in the OTLP/HTTP JSON encoding (hex ids). */
  public DecodeResult decodeLogsJson(byte[] json) throws MalformedRequestException {
    return decode(
        new LogRequestDecoder(limits, true, clock),
        OtlpJsonTranscoder.logs(json),
        "ExportLogsServiceRequest");
  }

  /** Decodes a protobuf ExportMetricsServiceRequest: one metric event per data point. */
  public DecodeResult decodeMetrics(byte[] protobuf) throws MalformedRequestException {
    try {
      return new MetricRequestDecoder(limits).decode(protobuf);
    } catch (IOException e) {
      throw new MalformedRequestException(
          "request body is not a valid OTLP ExportMetricsServiceRequest: " + reason(e));
    }
  }

  /** Decodes an ExportMetricsServiceRequest in the OTLP/HTTP JSON encoding. */
  public DecodeResult decodeMetricsJson(byte[] json) throws MalformedRequestException {
    return decodeMetrics(OtlpJsonTranscoder.metrics(json));
  }

  private static DecodeResult decode(OtlpRequestDecoder decoder, byte[] body, String message)
      throws MalformedRequestException {
    try {
      return decoder.decode(body);
    } catch (IOException e) { // InvalidProtocolBufferException: the only kind a byte array raises
      throw new MalformedRequestException(
          "request body is not a valid OTLP " + message + ": " + reason(e));
    }
  }

  /** Protobuf's messages are paragraphs meant for developers; clients get the gist. */
  private static String reason(IOException e) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("ended unexpectedly")) {
      return "truncated message";
    } else if (m.contains("negative size")) {
      return "a length is negative";
    } else if (m.contains("malformed varint")) {
      return "malformed varint";
    } else if (m.contains("invalid tag")) {
      return "a field tag is zero";
    } else if (m.contains("invalid wire type")) {
      return "invalid wire type";
    } else if (m.contains("end-group tag")) {
      return "an end-group tag without its start";
    } else if (m.contains("invalid UTF-8")) {
      return "a string is not valid UTF-8";
    }
    return m;
  }
}
