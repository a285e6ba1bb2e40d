package io.sextant.query;

/**
 * One trace found by a search, over all of its events in the searched range: where it started (the
 * root span, or the earliest span when the root is missing), how long it took, its size and errors.
 */
public record TraceSummary(
    String traceId,
    String rootService,
    String rootName,
    long startUnixNano,
    long durationNanos,
    long spanCount,
    long errorCount) {}
