package io.sextant.server.ingest;

import io.sextant.ingest.DecodeResult;
import io.sextant.ingest.redact.Redactor;
import io.sextant.pipeline.BatchingWriter;
import io.sextant.pipeline.Overloaded;
import java.util.concurrent.CompletableFuture;

/**
 * The one path from a decoded request to an acknowledgement, shared by every protocol: submit the
 * accepted events and complete when they are durable. Protocols only translate the outcome.
 */
public final class IngestGate {
  private final BatchingWriter writer;
  private final IngestCounters counters;
  private final Redactor redactor;

  public IngestGate(BatchingWriter writer, IngestCounters counters) {
    this(writer, counters, Redactor.none());
  }

  /** As above; {@code redactor} removes secrets from every event before it is queued. */
  public IngestGate(BatchingWriter writer, IngestCounters counters, Redactor redactor) {
    this.writer = writer;
    this.counters = counters;
    this.redactor = redactor;
  }

  /**
   * Completes when {@code decoded}'s events are durable (normally) or could not be stored
   * (exceptionally, with the store's reason).
   *
   * @throws Overloaded when the write queue is full; nothing of the request was taken
   */
  public CompletableFuture<Void> accept(IngestCounters.Signal signal, DecodeResult decoded)
      throws Overloaded {
    CompletableFuture<Void> durable;
    try {
      durable = writer.submit(redactor.apply(decoded.events()));
    } catch (Overloaded e) {
      counters.requestsOverloaded.increment();
      throw e;
    }
    return durable.whenComplete(
        (ok, failure) -> {
          if (failure == null) {
            counters.accepted(signal, decoded.events().size(), decoded.rejected());
          } else {
            counters.requestsFailed.increment();
          }
        });
  }

  public IngestCounters counters() {
    return counters;
  }
}
