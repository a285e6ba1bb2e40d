package io.sextant.demo.service;

/** A call to another component failed: answered 502 to our own caller. */
public final class DownstreamException extends RuntimeException {
  private final String target;

  public DownstreamException(String target, String message) {
    super(message, null, false, false);
    this.target = target;
  }

  public String target() {
    return target;
  }
}
