package io.sextant.query;

import io.sextant.query.memory.MemoryEngine;
import io.sextant.query.sql.SqlEngine;
import io.sextant.store.spi.EventStore;

/**
 * Picks the engine for a store. Apart from {@link Engine}, so that the question model knows no
 * engine: nothing else in this package refers to the packages of the engines.
 */
public final class Engines {
  private Engines() {}

  /**
   * The engine for {@code store}: SQL in the store's dialect when it speaks SQL, else evaluation in
   * memory over the events it lists (a QueryException on the first question when it can do
   * neither).
   */
  public static Engine of(EventStore store) {
    if (store.sql().isPresent()) {
      return SqlEngine.of(store, store.sql().get());
    }
    return new MemoryEngine(store);
  }
}
