package io.sextant.store.spi;

import io.sextant.model.Event;
import io.sextant.model.TraceId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where events live. Implementations do no I/O in their constructor or factory beyond what {@link
 * #check()} reports; a store that cannot reach its backend says so in {@code check()} instead of
 * failing start-up.
 *
 * <p>Thread-safety: {@code write} may be called from one thread at a time (the pipeline's writer);
 * reads may run concurrently with writes and with each other.
 */
public interface EventStore extends AutoCloseable {

  /**
   * Stores {@code batch}. When this returns normally every event of the batch is <b>durable</b>: it
   * survives a crash of this process (kill -9) or of the machine's power, as far as the backend can
   * promise. The batch is all-or-nothing: on an exception none of it may be visible later.
   *
   * <p><b>Idempotent</b>: writing an event that is already stored (a client's retry) does not
   * change what {@link #trace} returns; a span is identified by its trace id and span id, a log
   * record by all its fields. Aggregates such as {@link #services} may count such a duplicate.
   *
   * @throws StoreException when the batch could not be made durable; the caller must not
   *     acknowledge it
   */
  void write(List<Event> batch) throws StoreException;

  /**
   * Stores {@code batch} as {@link #write(List)} does and, in the same transaction, that everything
   * of a journal (the embedded server's segment log) up to {@code journalPosition} is now stored:
   * after a crash, {@link #journalPosition()} says where to resume, and nothing before it is
   * written twice. Stores that cannot do both at once refuse.
   */
  default void write(List<Event> batch, long journalPosition) throws StoreException {
    throw new StoreException("this store does not keep a journal position");
  }

  /**
   * {@code batch} made ready for {@link #writePrepared}; any thread may call it, many at once. The
   * default keeps the events.
   */
  default PreparedBatch prepare(List<Event> batch) {
    return PreparedBatch.of(batch);
  }

  /**
   * {@link #write(List, long)} of the events of {@code batches}, made ready by {@link #prepare}.
   */
  default void writePrepared(List<PreparedBatch> batches, long journalPosition)
      throws StoreException {
    List<Event> all = new ArrayList<>();
    for (PreparedBatch b : batches) {
      all.addAll(b.events());
    }
    write(all, journalPosition);
  }

  /** The journal position the last {@link #write(List, long)} stored; 0 when none; -1 unkept. */
  default long journalPosition() throws StoreException {
    return -1;
  }

  /**
   * Every event of one trace, spans and logs, ordered by time, then by span id; each event once
   * even if it was written more than once. An unknown trace gives an empty list.
   */
  List<Event> trace(TraceId traceId) throws StoreException;

  /**
   * The services that have events with a time in {@code range}, with the number of events each, the
   * most events first, ties by name. An empty range gives an empty list.
   */
  List<ServiceSummary> services(TimeRange range) throws StoreException;

  /**
   * Every attribute key of the stored events, resource and record attributes, with the types its
   * values came in; exact, not sampled, so the query engine can refuse an unknown key. Keys of
   * deleted events may stay listed.
   */
  List<AttributeKey> attributeKeys() throws StoreException;

  /** Read-only SQL over the events, for stores that speak SQL; the query engine prefers it. */
  default Optional<SqlAccess> sql() {
    return Optional.empty();
  }

  /**
   * Every event with a time in {@code range}, each once, for small stores without SQL (the
   * reference store), so the query engine can answer questions over them by evaluating in memory.
   * Stores that could not hold the answer in memory return empty.
   */
  default Optional<List<Event>> scan(TimeRange range) throws StoreException {
    return Optional.empty();
  }

  /**
   * A read-only view of {@code tenant}'s events: every read ({@link #trace}, {@link #services},
   * {@link #attributeKeys}, {@link #sql}, {@link #scan}, {@link #stats}) answers as if only that
   * tenant's events were stored, so nothing of another tenant (an event, a count, a key, a value)
   * reaches an answer. {@link #write} and {@link #deleteBefore} on the view are refused: ingest
   * writes to the store with each event's own tenant, and retention is the store's. Closing the
   * view does not close the store.
   *
   * @throws IllegalArgumentException when {@code tenant} is not a valid tenant name
   */
  EventStore forTenant(String tenant);

  /** Deletes every event whose time is before {@code cutoffUnixNano}; returns how many. */
  long deleteBefore(long cutoffUnixNano) throws StoreException;

  /** Counts and sizes for the status endpoint; cheap enough to call every few seconds. */
  StoreStats stats() throws StoreException;

  /** What this store can do; callers refuse rather than approximate what it cannot. */
  Capabilities capabilities();

  /** Whether the store can serve reads and writes now, with a sentence when it cannot. */
  Health check();

  /** Releases the backend; further calls fail. Idempotent. */
  @Override
  void close();
}
