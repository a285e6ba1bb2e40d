package io.sextant.model;

/**
 * Hex digits, the one parser of them in Sextant: lower-case for ids written out, either case read,
 * and only ASCII digits ({@link Character#digit} would take Arabic-Indic or fullwidth digits, so
 * one id could be written in many ways).
 */
public final class Hex {
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private Hex() {}

  static void put(long value, char[] out, int offset) {
    for (int i = 15; i >= 0; i--) {
      out[offset + i] = DIGITS[(int) (value & 0xf)];
      value >>>= 4;
    }
  }

  /** Parses 16 hex digits at {@code offset}; throws on anything else. */
  static long parse(CharSequence s, int offset) {
    long v = 0;
    for (int i = 0; i < 16; i++) {
      char c = s.charAt(offset + i);
      int d = nibble(c);
      if (d < 0) {
        throw new IllegalArgumentException("not a hex digit: '" + c + "'");
      }
      v = (v << 4) | d;
    }
    return v;
  }

  /** The bytes an even number of hex digits spell; null when {@code s} is anything else. */
  public static byte[] bytes(CharSequence s) {
    if (s.length() % 2 != 0) {
      return null;
    }
    byte[] out = new byte[s.length() / 2];
    for (int i = 0; i < out.length; i++) {
      int high = nibble(s.charAt(2 * i));
      int low = nibble(s.charAt(2 * i + 1));
      if (high < 0 || low < 0) {
        return null;
      }
      out[i] = (byte) (high << 4 | low);
    }
    return out;
  }

  /** The value of one ASCII hex digit, either case; -1 for any other character. */
  static int nibble(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  static long fromBytes(byte[] b, int offset) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[offset + i] & 0xff);
    }
    return v;
  }
}
