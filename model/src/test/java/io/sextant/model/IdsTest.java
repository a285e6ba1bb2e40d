package io.sextant.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class IdsTest {
  static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

  @Test
  void traceIdsRoundTripThroughHexAndBytes_inLowerCase() {
    TraceId id = TraceId.fromHex(TRACE.toUpperCase());
    assertThat(id.toHex()).isEqualTo(TRACE);
    assertThat(id.high()).isEqualTo(0x4bf92f3577b34da6L);
    assertThat(TraceId.fromBytes(HexFormat.of().parseHex(TRACE))).isEqualTo(id);
  }

  @Test
  void a64BitTraceIdIsLeftPaddedWithZeros_asZipkinAndOpenTelemetryDo() {
    TraceId id = TraceId.fromHex("a3ce929d0e0e4736");
    assertThat(id.toHex()).isEqualTo("0000000000000000a3ce929d0e0e4736");
    assertThat(id).isEqualTo(TraceId.fromHex("0000000000000000a3ce929d0e0e4736"));
  }

  @Test
  void spanIdsRoundTrip() {
    SpanId id = SpanId.fromHex("00f067aa0ba902b7");
    assertThat(id.toHex()).isEqualTo("00f067aa0ba902b7");
    assertThat(SpanId.fromBytes(HexFormat.of().parseHex("00f067aa0ba902b7"))).isEqualTo(id);
  }

  @Test
  void allZeroIdsAreInvalid_asW3cTraceContextSays() {
    assertThatThrownBy(() -> TraceId.fromHex("0".repeat(32))).hasMessageContaining("all zeros");
    assertThatThrownBy(() -> SpanId.fromHex("0".repeat(16))).hasMessageContaining("all zeros");
    assertThatThrownBy(() -> TraceId.fromBytes(new byte[16])).hasMessageContaining("all zeros");
  }

  @Test
  void wrongLengthsAreRefusedWithTheLengthSeen() {
    assertThatThrownBy(() -> TraceId.fromHex("ab")).hasMessageContaining("got 2 characters");
    assertThatThrownBy(() -> TraceId.fromHex(TRACE + "0")).hasMessageContaining("got 33");
    assertThatThrownBy(() -> SpanId.fromHex(TRACE)).hasMessageContaining("got 32");
    assertThatThrownBy(() -> TraceId.fromBytes(new byte[8])).hasMessageContaining("got 8");
    assertThatThrownBy(() -> SpanId.fromBytes(new byte[16])).hasMessageContaining("got 16");
  }

  @Test
  void onlyAsciiHexDigitsAreDigits() {
    assertThatThrownBy(() -> SpanId.fromHex("00f067aa0ba902bg"))
        .hasMessageContaining("not a hex digit: 'g'");
    // Character.digit reads these as 3 and 7: an id written with them is not the same id.
    assertThatThrownBy(() -> SpanId.fromHex("00f067aa0ba902b\u0663"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SpanId.fromHex("00f067aa0ba902b\uFF17"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SpanId.fromHex("-0f067aa0ba902b7"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
