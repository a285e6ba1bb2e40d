package io.sextant.topology;

/**
 * Calls from one node to another, measured on the caller's side (its client or producer spans),
 * except queue-to-consumer edges, measured on the consumer spans.
 */
public record Edge(String from, String to, Red red) {}
