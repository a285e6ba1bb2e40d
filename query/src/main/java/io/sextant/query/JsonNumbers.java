package io.sextant.query;

import java.util.Arrays;

/** How a number attribute reads as text, the same way in every engine. */
final class JsonNumbers {
  private JsonNumbers() {}

  /** A double as JSON text: integral values keep one fraction digit ({@code 5.0}), as stored. */
  static String text(double d) {
    return Double.toString(d);
  }

  /**
   * The numbers of a JSON array of numbers as ingest stores them ({@code [0.005,0.01,1]}); an
   * IllegalArgumentException when {@code json} is not one.
   */
  static double[] doubles(Object json) {
    String[] parts = elements(json);
    double[] out = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Double.parseDouble(parts[i]);
    }
    return out;
  }

  /** The whole numbers of a JSON array ({@code [3,0,12]}); counts beyond 2^63 read as the max. */
  static long[] longs(Object json) {
    String[] parts = elements(json);
    long[] out = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Long.parseLong(parts[i]);
      } catch (NumberFormatException e) {
        out[i] = Long.parseUnsignedLong(parts[i]) < 0 ? Long.MAX_VALUE : 0;
      }
      if (out[i] < 0) {
        throw new IllegalArgumentException("negative count " + parts[i]);
      }
    }
    return out;
  }

  private static String[] elements(Object json) {
    if (!(json instanceof String s)) {
      throw new IllegalArgumentException("not a JSON array: " + json);
    }
    String t = s.strip();
    if (t.length() < 2 || t.charAt(0) != '[' || t.charAt(t.length() - 1) != ']') {
      throw new IllegalArgumentException("not a JSON array: " + s);
    }
    String inner = t.substring(1, t.length() - 1).strip();
    if (inner.isEmpty()) {
      return new String[0];
    }
    return Arrays.stream(inner.split(",")).map(String::strip).toArray(String[]::new);
  }
}
