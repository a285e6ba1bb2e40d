/**
 * The storage contract every Sextant store implements, and {@link
 * io.sextant.store.spi.MemoryEventStore}, the small reference store the contract suite ({@code
 * store/testkit}) is checked against first.
 */
package io.sextant.store.spi;
