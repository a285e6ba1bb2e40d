package io.sextant.model;

/** A W3C / OTLP span id: 8 bytes, never all zero. */
public record SpanId(long value) {

  public SpanId {
    if (value == 0) {
      throw new IllegalArgumentException("span id is all zeros");
    }
  }

  public static SpanId fromHex(CharSequence hex) {
    if (hex.length() != 16) {
      throw new IllegalArgumentException(
          "span id must be 16 hex digits, got " + hex.length() + " characters");
    }
    return new SpanId(Hex.parse(hex, 0));
  }

  public static SpanId fromBytes(byte[] bytes) {
    if (bytes.length != 8) {
      throw new IllegalArgumentException("span id must be 8 bytes, got " + bytes.length);
    }
    return new SpanId(Hex.fromBytes(bytes, 0));
  }

  public String toHex() {
    char[] out = new char[16];
    Hex.put(value, out, 0);
    return new String(out);
  }

  @Override
  public String toString() {
    return toHex();
  }
}
