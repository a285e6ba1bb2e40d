package io.sextant.topology;

import java.util.Locale;

/** What a node of the map is. */
public enum NodeKind {
  /** Emits spans of its own, or is named by its callers ({@code peer.service}) but does not. */
  SERVICE,
  DATABASE,
  CACHE,
  /** A queue or topic ({@code messaging.destination.name}). */
  QUEUE,
  /** A host called by address only, with no span from its side. */
  EXTERNAL,
  /** A machine that services run on ({@code host.name}); triage may blame one, the map has none. */
  HOST;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
