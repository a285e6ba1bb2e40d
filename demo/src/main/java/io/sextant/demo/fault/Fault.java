package io.sextant.demo.fault;

import java.time.Instant;

/** One active fault. {@code percent} and {@code millis} are 0 where the kind has none. */
public record Fault(
    String id,
    FaultKind kind,
    String target,
    int percent,
    int millis,
    int jitterMillis,
    Instant since) {}
