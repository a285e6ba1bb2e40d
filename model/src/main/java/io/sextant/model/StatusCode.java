package io.sextant.model;

import java.util.Locale;

/** OTLP span status codes, in OTLP's numbering (ordinal = wire value). */
public enum StatusCode {
  UNSET,
  OK,
  ERROR;

  private static final StatusCode[] VALUES = values();

  public static StatusCode fromOtlp(int value) {
    return value >= 0 && value < VALUES.length ? VALUES[value] : UNSET;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
