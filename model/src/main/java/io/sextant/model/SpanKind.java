package io.sextant.model;

import java.util.Locale;

/** OTLP span kinds, in OTLP's numbering (ordinal = wire value). */
public enum SpanKind {
  UNSPECIFIED,
  INTERNAL,
  SERVER,
  CLIENT,
  PRODUCER,
  CONSUMER;

  private static final SpanKind[] VALUES = values();

  /** Maps an OTLP wire value; unknown values become {@link #UNSPECIFIED}, as the spec asks. */
  public static SpanKind fromOtlp(int value) {
    return value >= 0 && value < VALUES.length ? VALUES[value] : UNSPECIFIED;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
