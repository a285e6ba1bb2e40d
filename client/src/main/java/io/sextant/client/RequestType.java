package io.sextant.client;

import java.util.Locale;

/**
 * What a request is for. {@link #TRACE} marks a tracer bullet: it travels the production system
 * like any request but makes no destructive change (shared/seeds/002_9ac0f58f1a23b615.txt).
 */
public enum RequestType {
  STANDARD,
  TRACE;

  /** The type named by {@code text}, case-insensitively; anything else, or null, is STANDARD. */
  public static RequestType parse(String text) {
    if (text == null) {
      return STANDARD;
    }
    return text.trim().toUpperCase(Locale.ROOT).equals("TRACE") ? TRACE : STANDARD;
  }
}
