package io.sextant.query;

/** How a number attribute reads as text, the same way in every engine. */
final class JsonNumbers {
  private JsonNumbers() {}

  /** A double as JSON text: integral values keep one fraction digit ({@code 5.0}), as stored. */
  static String text(double d) {
    return Double.toString(d);
  }
}
