package io.sextant.model;

/** Lower-case hex for ids, without allocation beyond the result. */
final class Hex {
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private Hex() {}

  static void put(long value, char[] out, int offset) {
    for (int i = 15; i >= 0; i--) {
      out[offset + i] = DIGITS[(int) (value & 0xf)];
      value >>>= 4;
    }
  }

  /**
   * Parses 16 ASCII hex digits at {@code offset}; throws on anything else (Character.digit would
   * take Arabic-Indic or fullwidth digits, so one id could be written in many ways).
   */
  static long parse(CharSequence s, int offset) {
    long v = 0;
    for (int i = 0; i < 16; i++) {
      char c = s.charAt(offset + i);
      int d = c < 128 ? Character.digit(c, 16) : -1;
      if (d < 0) {
        throw new IllegalArgumentException("not a hex digit: '" + c + "'");
      }
      v = (v << 4) | d;
    }
    return v;
  }

  static long fromBytes(byte[] b, int offset) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[offset + i] & 0xff);
    }
    return v;
  }
}
