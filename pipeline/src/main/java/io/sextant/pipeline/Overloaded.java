package io.sextant.pipeline;

/**
 * The write queue is full: the request was not accepted and nothing of it will be written. Ingest
 * answers 429 / RESOURCE_EXHAUSTED with {@link #retryAfterSeconds()} so the client retries later.
 */
public final class Overloaded extends Exception {
  private final int retryAfterSeconds;

  public Overloaded(String message, int retryAfterSeconds) {
    super(message, null, false, false);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
