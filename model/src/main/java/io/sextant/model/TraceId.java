package io.sextant.model;

/**
 * A W3C / OTLP trace id: 16 bytes, never all zero. Shorter hex input (Zipkin's 64-bit ids) is
 * left-padded with zeros, as Zipkin and OpenTelemetry do.
 */
public record TraceId(long high, long low) {

  public TraceId {
    if (high == 0 && low == 0) {
      throw new IllegalArgumentException("trace id is all zeros");
    }
  }

  /** Parses 16 or 32 hex digits (case-insensitive). */
  public static TraceId fromHex(CharSequence hex) {
    int n = hex.length();
    if (n == 32) {
      return new TraceId(Hex.parse(hex, 0), Hex.parse(hex, 16));
    }
    if (n == 16) {
      return new TraceId(0, Hex.parse(hex, 0));
    }
    throw new IllegalArgumentException(
        "trace id must be 32 hex digits (or 16 for 64-bit ids), got " + n + " characters");
  }

  /** Reads 16 bytes, as OTLP protobuf carries them. */
  public static TraceId fromBytes(byte[] bytes) {
    if (bytes.length != 16) {
      throw new IllegalArgumentException("trace id must be 16 bytes, got " + bytes.length);
    }
    return new TraceId(Hex.fromBytes(bytes, 0), Hex.fromBytes(bytes, 8));
  }

  public String toHex() {
    char[] out = new char[32];
    Hex.put(high, out, 0);
    Hex.put(low, out, 16);
    return new String(out);
  }

  @Override
  public String toString() {
    return toHex();
  }
}
