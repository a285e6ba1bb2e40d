package io.sextant.triage.probe;

/**
 * One run of a probe.
 *
 * @param startUnixNano when the request was sent
 * @param status the HTTP status, or 0 when no answer came
 * @param reason why it failed, or null when it passed
 * @param traceId the W3C trace id it was sent with (32 hex)
 */
public record ProbeRun(
    String probe,
    long startUnixNano,
    boolean passed,
    String reason,
    int status,
    double durationMillis,
    String traceId) {}
