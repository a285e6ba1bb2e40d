package io.sextant.topology;

/**
 * A service seen with a new value of an identifying attribute: a deploy ({@code service.version}),
 * a move ({@code host.name}), or a service seen for the first time ({@code service.name}, no
 * previous value).
 *
 * @param timeUnixNano when the new value was first seen
 * @param previous the value seen most recently before it, or null for a new service
 */
public record Change(
    long timeUnixNano, String service, String attribute, String value, String previous) {}
