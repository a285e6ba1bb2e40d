package io.sextant.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Ids and the one hex parser: exact round trips, and nothing but ASCII hex digits. */
class IdsTest {
  @Test
  void traceId_roundTripsThroughHexAndBytes_andReadsEitherCase() {
    TraceId id = TraceId.fromHex("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(id.toHex()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(TraceId.fromHex("4BF92F3577B34DA6A3CE929D0E0E4736")).isEqualTo(id);
    assertThat(TraceId.fromBytes(Hex.bytes(id.toHex()))).isEqualTo(id);
    // Zipkin's 64-bit ids are the low half.
    assertThat(TraceId.fromHex("a3ce929d0e0e4736").toHex())
        .isEqualTo("0000000000000000a3ce929d0e0e4736");
  }

  @Test
  void spanId_roundTrips() {
    SpanId id = SpanId.fromHex("00f067aa0ba902b7");
    assertThat(id.toHex()).isEqualTo("00f067aa0ba902b7");
    assertThat(SpanId.fromBytes(Hex.bytes("00f067aa0ba902b7"))).isEqualTo(id);
  }

  @Test
  void idsRefuse_wrongLengths_andDigitsThatAreNotAsciiHex() {
    assertThatThrownBy(() -> TraceId.fromHex("ab")).hasMessageContaining("32 hex digits");
    assertThatThrownBy(() -> TraceId.fromBytes(new byte[15])).hasMessageContaining("16 bytes");
    // U+0663 is an Arabic-Indic three, which Character.digit would take.
    assertThatThrownBy(() -> SpanId.fromHex("00f067aa0ba902b\u0663"))
        .hasMessageContaining("not a hex digit");
    assertThatThrownBy(() -> SpanId.fromHex("00f067aa0ba902bg"))
        .hasMessageContaining("not a hex digit");
  }

  @Test
  void hexBytes_isNullForAnythingButAnEvenNumberOfAsciiHexDigits() {
    assertThat(Hex.bytes("")).isEmpty();
    assertThat(Hex.bytes("0aFf")).containsExactly(0x0a, 0xff);
    assertThat(Hex.bytes("abc")).isNull();
    assertThat(Hex.bytes("zz")).isNull();
    assertThat(Hex.bytes("\u0663\u0663")).isNull();
    assertThat(Hex.bytes("\uff10\uff11")).isNull(); // fullwidth digits
  }

  @Test
  void tenantNames_followTheirGrammar() {
    assertThat(Tenant.check("acme-prod_1")).isEqualTo("acme-prod_1");
    assertThat(Tenant.problem("")).isEqualTo("a tenant name is empty");
    assertThat(Tenant.problem("x".repeat(Tenant.MAX_LENGTH + 1))).contains("longer than");
    assertThat(Tenant.problem("a b")).isNotNull();
    assertThat(Tenant.problem("é")).isNotNull();
    assertThatThrownBy(() -> Tenant.check("a/b")).isInstanceOf(IllegalArgumentException.class);
  }
}
