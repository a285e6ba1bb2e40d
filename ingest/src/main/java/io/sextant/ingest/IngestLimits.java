package io.sextant.ingest;

/**
 * What one ingest request may contain. Lengths count UTF-16 chars, which equals bytes for the ASCII
 * keys and values that dominate telemetry and is cheaper than re-encoding every string.
 *
 * <p>{@code maxBodyBytes} is enforced by the server while it reads the body, so that an oversized
 * body is refused (413) before it is buffered; the decoders trust the array they are given. {@code
 * maxValueLength} bounds attribute values (strings, and arrays, maps and bytes as rendered text);
 * span names and log bodies are bounded only by the body size.
 */
public record IngestLimits(
    int maxBodyBytes,
    int maxItemsPerRequest,
    int maxAttributesPerItem,
    int maxKeyLength,
    int maxValueLength) {

  /** Longest key or value quoted back in a rejection message. */
  private static final int QUOTED_LENGTH = 64;

  public static IngestLimits defaults() {
    return new IngestLimits(8 * 1024 * 1024, 10_000, 128, 256, 64 * 1024);
  }

  /** Returns this, or throws {@link IllegalArgumentException} naming the first bad value. */
  public IngestLimits validate() {
    positive("maxBodyBytes", maxBodyBytes);
    positive("maxItemsPerRequest", maxItemsPerRequest);
    positive("maxAttributesPerItem", maxAttributesPerItem);
    positive("maxKeyLength", maxKeyLength);
    positive("maxValueLength", maxValueLength);
    return this;
  }

  private static void positive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(
          "ingest limit " + name + " must be greater than 0, but is " + value);
    }
  }

  /**
   * The problem with an attribute set of {@code count} entries, or null. Problems are phrases that
   * complete "span 3 has …", so every decoder words a breach the same way.
   */
  public String attributeCountProblem(int count) {
    return count <= maxAttributesPerItem
        ? null
        : count + " attributes, more than the limit of " + maxAttributesPerItem;
  }

  /** The problem with an attribute key, or null; see {@link #attributeCountProblem}. */
  public String attributeKeyProblem(String key) {
    return key.length() <= maxKeyLength
        ? null
        : "an attribute key longer than " + maxKeyLength + " characters: " + quote(key);
  }

  /** The problem with an attribute value, or null; see {@link #attributeCountProblem}. */
  public String attributeValueProblem(String key, String value) {
    return value.length() <= maxValueLength
        ? null
        : "attribute " + quote(key) + " with a value longer than " + maxValueLength + " characters";
  }

  /** {@code text} in double quotes, shortened so that a message stays one readable line. */
  public static String quote(String text) {
    return text.length() <= QUOTED_LENGTH
        ? '"' + text + '"'
        : '"' + text.substring(0, QUOTED_LENGTH) + "...\"";
  }
}
