package io.sextant.triage.probe;

/**
 * One run of a probe.
 *
 * @param startUnixNano when the request was sent
 * @param status the HTTP status, or 0 when no answer came
 * @param reason why it failed, or null when it passed
 * @param traceId the W3C trace id it was sent with (32 hex)
 * @param rolledBack whether the answer carried {@value ProbeRunner#ROLLED_BACK_HEADER}{@code :
 *     rolled-back}: the system said it rolled back the writes of this tracer bullet
 */
public record ProbeRun(
    String probe,
    long startUnixNano,
    boolean passed,
    String reason,
    int status,
    double durationMillis,
    String traceId,
    boolean rolledBack) {

  /** A run whose answer did not say it rolled anything back. */
  public ProbeRun(
      String probe,
      long startUnixNano,
      boolean passed,
      String reason,
      int status,
      double durationMillis,
      String traceId) {
    this(probe, startUnixNano, passed, reason, status, durationMillis, traceId, false);
  }
}
