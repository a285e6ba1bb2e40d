/**
 * The live dependency map: services and the components that emit no spans (databases, caches,
 * queues, hosts outside), with rate, errors and duration per node and per edge, computed from the
 * stored spans of any time window through the query engine (docs/adr/0009-dependency-map.md).
 */
package io.sextant.topology;
