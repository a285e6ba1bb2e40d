package io.sextant.server.security;

import java.util.Locale;

/**
 * What an API token may do (docs/security.md). {@code admin} may do everything; {@code triage} may
 * run probes and triages and read (a triage's answer is built from stored data anyway); {@code
 * read} may ask questions (GET on the API, and the read-only POSTs {@code /api/v1/query} and {@code
 * /api/v1/compare}); {@code ingest} may send telemetry to the OTLP and Zipkin ports.
 */
public enum Scope {
  INGEST,
  READ,
  TRIAGE,
  ADMIN;

  /** Whether a token with this scope may do what {@code needed} guards. */
  public boolean covers(Scope needed) {
    return this == needed || this == ADMIN || (this == TRIAGE && needed == READ);
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Scope parse(String text) {
    try {
      return valueOf(text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown scope \"" + text.strip() + "\"; scopes are ingest, read, triage and admin");
    }
  }
}
