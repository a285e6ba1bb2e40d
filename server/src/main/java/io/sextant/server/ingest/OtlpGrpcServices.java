package io.sextant.server.ingest;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.sextant.ingest.DecodeResult;
import io.sextant.ingest.MalformedRequestException;
import io.sextant.ingest.otlp.OtlpDecoder;
import io.sextant.ingest.otlp.OtlpResponses;
import io.sextant.pipeline.Overloaded;
import io.sextant.server.ingest.IngestCounters.Signal;
import io.sextant.server.security.RequestTenant;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * OTLP/gRPC {@code TraceService/Export}, {@code LogsService/Export} and {@code
 * MetricsService/Export}. Messages travel as raw bytes and are decoded by our own OTLP decoder, so
 * one bad span is rejected alone instead of failing the whole request in the generated parser
 * (docs/adr/0006-otlp-decoding.md).
 */
public final class OtlpGrpcServices {
  private OtlpGrpcServices() {}

  static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  public static ServerServiceDefinition traces(OtlpDecoder decoder, IngestGate gate) {
    return service(
        "opentelemetry.proto.collector.trace.v1.TraceService", Signal.TRACES, decoder, gate);
  }

  public static ServerServiceDefinition logs(OtlpDecoder decoder, IngestGate gate) {
    return service("opentelemetry.proto.collector.logs.v1.LogsService", Signal.LOGS, decoder, gate);
  }

  public static ServerServiceDefinition metrics(OtlpDecoder decoder, IngestGate gate) {
    return service(
        "opentelemetry.proto.collector.metrics.v1.MetricsService", Signal.METRICS, decoder, gate);
  }

  private static ServerServiceDefinition service(
      String name, Signal signal, OtlpDecoder decoder, IngestGate gate) {
    MethodDescriptor<byte[], byte[]> export =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(name, "Export"))
            .setRequestMarshaller(BYTES)
            .setResponseMarshaller(BYTES)
            .build();
    return ServerServiceDefinition.builder(name)
        .addMethod(
            export,
            ServerCalls.asyncUnaryCall(
                (byte[] request, StreamObserver<byte[]> response) ->
                    export(signal, decoder, gate, request, response)))
        .build();
  }

  private static void export(
      Signal signal,
      OtlpDecoder decoder,
      IngestGate gate,
      byte[] request,
      StreamObserver<byte[]> response) {
    DecodeResult decoded;
    try {
      decoded =
          switch (signal) {
            case TRACES -> decoder.decodeTraces(request);
            case LOGS -> decoder.decodeLogs(request);
            case METRICS -> decoder.decodeMetrics(request);
          };
    } catch (MalformedRequestException e) {
      gate.counters().requestsMalformed.increment();
      response.onError(
          Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    try {
      gate.accept(signal, decoded, RequestTenant.of(ServiceRequestContext.current()))
          .whenComplete(
              (ok, failure) -> {
                if (failure == null) {
                  response.onNext(
                      switch (signal) {
                        case TRACES ->
                            OtlpResponses.traces(decoded.rejected(), decoded.rejectionMessage());
                        case LOGS ->
                            OtlpResponses.logs(decoded.rejected(), decoded.rejectionMessage());
                        case METRICS ->
                            OtlpResponses.metrics(decoded.rejected(), decoded.rejectionMessage());
                      });
                  response.onCompleted();
                } else {
                  response.onError(
                      retryable(
                          Code.UNAVAILABLE,
                          "the events could not be stored; retry: "
                              + OtlpHttpService.rootMessage(failure),
                          5));
                }
              });
    } catch (Overloaded e) {
      response.onError(retryable(Code.RESOURCE_EXHAUSTED, e.getMessage(), e.retryAfterSeconds()));
    }
  }

  /** A status with RetryInfo: OTLP clients retry RESOURCE_EXHAUSTED only when it is present. */
  private static RuntimeException retryable(Code code, String message, int seconds) {
    com.google.rpc.Status status =
        com.google.rpc.Status.newBuilder()
            .setCode(code.getNumber())
            .setMessage(message)
            .addDetails(
                Any.pack(
                    RetryInfo.newBuilder()
                        .setRetryDelay(Duration.newBuilder().setSeconds(seconds))
                        .build()))
            .build();
    return StatusProto.toStatusRuntimeException(status);
  }
}
