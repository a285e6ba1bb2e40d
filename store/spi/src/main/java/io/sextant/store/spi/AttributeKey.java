package io.sextant.store.spi;

/**
 * An attribute key the store has seen, where it was seen and with which value type. A key seen with
 * two types, or both on resources and on spans, is reported once per combination.
 *
 * @param key the attribute key, e.g. {@code http.route}
 * @param origin whether the key was on a resource or on the span or log record itself
 * @param type the type of the values seen under this key from this origin
 */
public record AttributeKey(String key, Origin origin, FieldType type) {
  public enum Origin {
    /** A span or log record attribute. */
    RECORD,
    /** A resource attribute ({@code service.name}, {@code host.name}, …). */
    RESOURCE
  }
}
