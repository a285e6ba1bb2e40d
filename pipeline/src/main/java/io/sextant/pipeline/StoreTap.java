package io.sextant.pipeline;

import io.sextant.model.Event;
import java.util.List;

/**
 * Sees what a {@link StoreSink} stores: each request it takes, then, once, that the request's
 * events are in the store. The embedded server counts its SLOs' conditions this way as events
 * arrive, rather than asking the store again and again (docs/adr/0017-signals-metrics-slos.md).
 *
 * <p>The work is split so the sink's own thread, which every request waits on, does little: {@link
 * #taken} runs on the submitting thread and may look at every event; the action it returns runs on
 * the sink's thread, after the store's write of those events committed (the group commit's batch,
 * or the segment log's load; not when they are only in the log), and is meant to be small.
 */
public interface StoreTap {
  /** Sees nothing. */
  StoreTap NONE = events -> null;

  /**
   * Called once the sink has taken {@code events}, on the caller's thread; never for a request the
   * sink refused. Must not throw.
   *
   * @return what to do once {@code events} are in the store, or null for nothing: run at most once,
   *     and not at all when they could not be stored (the request then fails) or when the process
   *     stops before they were (the segment log loads them at the next start, and that process's
   *     tap sees them again)
   */
  Runnable taken(List<Event> events);
}
