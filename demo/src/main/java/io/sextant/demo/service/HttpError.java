package io.sextant.demo.service;

/** An answer other than 200, with one sentence for the caller. */
public class HttpError extends RuntimeException {
  private final int status;

  public HttpError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
