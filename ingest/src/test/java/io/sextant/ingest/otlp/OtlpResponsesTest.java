package io.sextant.ingest.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OtlpResponsesTest {

  @Test
  void traces_withRejections_setsPartialSuccess() throws Exception {
    ExportTraceServiceResponse response =
        ExportTraceServiceResponse.parseFrom(OtlpResponses.traces(2, "2 spans rejected; first: x"));

    assertThat(response.hasPartialSuccess()).isTrue();
    assertThat(response.getPartialSuccess().getRejectedSpans()).isEqualTo(2);
    assertThat(response.getPartialSuccess().getErrorMessage())
        .isEqualTo("2 spans rejected; first: x");
  }

  @Test
  void traces_withoutRejections_omitsPartialSuccess() throws Exception {
    byte[] body = OtlpResponses.traces(0, "");

    assertThat(body).isEmpty();
    assertThat(ExportTraceServiceResponse.parseFrom(body).hasPartialSuccess()).isFalse();
  }

  @Test
  void logs_withRejections_setsPartialSuccess() throws Exception {
    ExportLogsServiceResponse response =
        ExportLogsServiceResponse.parseFrom(OtlpResponses.logs(3, "bad records"));

    assertThat(response.getPartialSuccess().getRejectedLogRecords()).isEqualTo(3);
    assertThat(response.getPartialSuccess().getErrorMessage()).isEqualTo("bad records");
    assertThat(ExportLogsServiceResponse.parseFrom(OtlpResponses.logs(0, "")).hasPartialSuccess())
        .isFalse();
  }

  @Test
  void tracesJson_roundTripsThroughTheGeneratedParser() throws Exception {
    String json =
        new String(OtlpResponses.tracesJson(5, "5 spans \"rejected\""), StandardCharsets.UTF_8);
    ExportTraceServiceResponse.Builder parsed = ExportTraceServiceResponse.newBuilder();
    JsonFormat.parser().merge(json, parsed);

    assertThat(parsed.getPartialSuccess().getRejectedSpans()).isEqualTo(5);
    assertThat(parsed.getPartialSuccess().getErrorMessage()).isEqualTo("5 spans \"rejected\"");
  }

  @Test
  void logsJson_roundTripsThroughTheGeneratedParser() throws Exception {
    String json = new String(OtlpResponses.logsJson(1, "one"), StandardCharsets.UTF_8);
    ExportLogsServiceResponse.Builder parsed = ExportLogsServiceResponse.newBuilder();
    JsonFormat.parser().merge(json, parsed);

    assertThat(parsed.getPartialSuccess().getRejectedLogRecords()).isEqualTo(1);
    assertThat(parsed.getPartialSuccess().getErrorMessage()).isEqualTo("one");
  }

  @Test
  void json_withoutRejections_isAnEmptyObject() {
    assertThat(new String(OtlpResponses.tracesJson(0, ""), StandardCharsets.UTF_8)).isEqualTo("{}");
    assertThat(new String(OtlpResponses.logsJson(0, null), StandardCharsets.UTF_8)).isEqualTo("{}");
  }

  @Test
  void traces_warningWithoutRejections_keepsTheMessage() throws Exception {
    ExportTraceServiceResponse response =
        ExportTraceServiceResponse.parseFrom(OtlpResponses.traces(0, "slow down"));

    assertThat(response.hasPartialSuccess()).isTrue();
    assertThat(response.getPartialSuccess().getErrorMessage()).isEqualTo("slow down");
  }

  @Test
  void traces_negativeCount_isRefused() {
    assertThatThrownBy(() -> OtlpResponses.traces(-1, "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
