/**
 * The immutable records every Sextant module speaks. A span and a log record are both an {@link
 * io.sextant.model.Event}: one wide, high-cardinality row (shared/DESIGN.md, "The event"). Shaped
 * after OTLP so that ingest is a mapping. Depends on the JDK only.
 */
package io.sextant.model;
