package io.sextant.store.spi;

/** A store could not do what was asked; the message says what, for a person. */
public class StoreException extends Exception {
  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
