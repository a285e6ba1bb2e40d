package io.sextant.store.spi;

/** A service and how many events it has in a time range. */
public record ServiceSummary(String name, long events) {}
