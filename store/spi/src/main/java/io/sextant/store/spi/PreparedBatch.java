package io.sextant.store.spi;

import io.sextant.model.Event;
import java.util.List;

/**
 * A batch made ready for a store's write ahead of time, on whatever thread has the events ({@link
 * EventStore#prepare}): the DuckDB store builds its columns there, so its one writer thread only
 * hands them over. A store that prepares nothing keeps the events.
 */
public interface PreparedBatch {
  /**
   * The events, for stores that prepare nothing. A store's own prepared batch may have let them go
   * once its columns were built (the DuckDB store does, so that what waits to be loaded is only
   * columns): it throws then, and only that store reads it.
   */
  List<Event> events();

  /** How many events the batch holds. */
  default int size() {
    return events().size();
  }

  /** The events as they are, for stores that prepare nothing. */
  static PreparedBatch of(List<Event> events) {
    return () -> events;
  }
}
