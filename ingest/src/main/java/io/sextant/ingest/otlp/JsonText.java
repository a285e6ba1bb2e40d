package io.sextant.ingest.otlp;

/** Appends JSON literals, for OTLP arrays and key-value lists rendered as attribute text. */
final class JsonText {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private JsonText() {}

  static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /** JSON has no NaN or infinities; they become strings rather than invalid JSON. */
  static void number(StringBuilder out, double d) {
    if (Double.isFinite(d)) {
      out.append(d);
    } else {
      string(out, Double.toString(d));
    }
  }
}
