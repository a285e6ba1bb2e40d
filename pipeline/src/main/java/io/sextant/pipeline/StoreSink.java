package io.sextant.pipeline;

/**
 * A sink that ends in the process's own store: the group commit ({@link BatchingWriter}), or the
 * segment log with its loader ({@link LogSink}). The server starts it, reads its figures for the
 * status endpoint and closes it, whichever it is.
 */
public interface StoreSink extends EventSink, AutoCloseable {
  StoreSink start();

  /** Counters for the status endpoint. */
  BatchingWriter.Stats stats();

  /** Stores or keeps safe what was accepted, then stops. */
  @Override
  void close();
}
