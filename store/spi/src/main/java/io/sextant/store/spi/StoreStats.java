package io.sextant.store.spi;

/** How much a store holds: events, and bytes on disk (0 for stores that keep nothing on disk). */
public record StoreStats(long events, long bytesOnDisk) {}
