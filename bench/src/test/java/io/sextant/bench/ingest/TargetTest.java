package io.sextant.bench.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaders;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class TargetTest {
  private static AggregatedHttpResponse http(int status, byte[] body) {
    return AggregatedHttpResponse.of(HttpStatus.valueOf(status), MediaType.PROTOBUF, body);
  }

  private static AggregatedHttpResponse grpc(HttpData body, HttpHeaders trailers) {
    return AggregatedHttpResponse.of(
        ResponseHeaders.of(HttpStatus.OK, "content-type", "application/grpc"), body, trailers);
  }

  private static byte[] framed(byte[] message) {
    return ByteBuffer.allocate(5 + message.length)
        .put((byte) 0)
        .putInt(message.length)
        .put(message)
        .array();
  }

  private static byte[] partialSuccess(long rejected) {
    return ExportTraceServiceResponse.newBuilder()
        .setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(rejected))
        .build()
        .toByteArray();
  }

  @Test
  void otlpHttp_200IsAnAck_lessTheSpansItsPartialSuccessRejects() {
    assertThat(Target.OTLP_HTTP.classify(http(200, new byte[0])))
        .isEqualTo(new Target.Outcome.Ok(0));
    assertThat(Target.OTLP_HTTP.classify(http(200, partialSuccess(3))))
        .isEqualTo(new Target.Outcome.Ok(3));
  }

  @Test
  void otlpMetrics_200IsAnAck_lessThePointsItsPartialSuccessRejects() {
    byte[] rejected =
        ExportMetricsServiceResponse.newBuilder()
            .setPartialSuccess(ExportMetricsPartialSuccess.newBuilder().setRejectedDataPoints(4))
            .build()
            .toByteArray();
    assertThat(Target.OTLP_METRICS.classify(http(200, new byte[0])))
        .isEqualTo(new Target.Outcome.Ok(0));
    assertThat(Target.OTLP_METRICS.classify(http(200, rejected)))
        .isEqualTo(new Target.Outcome.Ok(4));
    assertThat(Target.OTLP_METRICS.classify(http(429, new byte[0])))
        .isInstanceOf(Target.Outcome.Retry.class);
    assertThat(Target.OTLP_METRICS.classify(http(500, new byte[0])))
        .isEqualTo(new Target.Outcome.Failed("http_500"));
  }

  @Test
  void http429_isRetried_andOtherFailuresAreNamedByStatus() {
    assertThat(Target.OTLP_HTTP.classify(http(429, new byte[0])))
        .isInstanceOf(Target.Outcome.Retry.class);
    assertThat(Target.ZIPKIN.classify(http(429, new byte[0])))
        .isInstanceOf(Target.Outcome.Retry.class);
    assertThat(Target.OTLP_HTTP.classify(http(503, new byte[0])))
        .isEqualTo(new Target.Outcome.Failed("http_503"));
    assertThat(Target.ZIPKIN.classify(http(400, new byte[0])))
        .isEqualTo(new Target.Outcome.Failed("http_400"));
  }

  @Test
  void zipkin_onlyA202IsAnAck() {
    assertThat(Target.ZIPKIN.classify(http(202, new byte[0]))).isEqualTo(new Target.Outcome.Ok(0));
    assertThat(Target.ZIPKIN.classify(http(200, new byte[0])))
        .isEqualTo(new Target.Outcome.Failed("http_200"));
  }

  @Test
  void grpc_theStatusTrailerDecides_notTheHttpStatus() {
    assertThat(
            Target.OTLP_GRPC.classify(
                grpc(HttpData.wrap(framed(partialSuccess(2))), HttpHeaders.of("grpc-status", "0"))))
        .isEqualTo(new Target.Outcome.Ok(2));
    assertThat(
            Target.OTLP_GRPC.classify(grpc(HttpData.empty(), HttpHeaders.of("grpc-status", "8"))))
        .isInstanceOf(Target.Outcome.Retry.class);
    assertThat(
            Target.OTLP_GRPC.classify(grpc(HttpData.empty(), HttpHeaders.of("grpc-status", "14"))))
        .isEqualTo(new Target.Outcome.Failed("grpc_14"));
    assertThat(Target.OTLP_GRPC.classify(grpc(HttpData.empty(), HttpHeaders.of())))
        .isEqualTo(new Target.Outcome.Failed("grpc_no_status"));
  }

  @Test
  void grpc_aTrailersOnlyResponseCarriesTheStatusInItsHeaders() {
    AggregatedHttpResponse trailersOnly =
        AggregatedHttpResponse.of(
            ResponseHeaders.builder(HttpStatus.OK)
                .contentType(MediaType.parse("application/grpc"))
                .add("grpc-status", "8")
                .build());
    assertThat(Target.OTLP_GRPC.classify(trailersOnly)).isInstanceOf(Target.Outcome.Retry.class);
  }
}
