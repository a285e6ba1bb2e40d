package io.sextant.query;

/**
 * A question that cannot be answered as asked: an unknown column, an operator that does not fit the
 * column's type, a malformed text query. The message is one sentence for the person who asked;
 * {@link #position()} is where in the text query the problem is, or -1.
 */
public class QueryException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int position;

  public QueryException(String message) {
    this(message, -1);
  }

  public QueryException(String message, int position) {
    super(message);
    this.position = position;
  }

  /** Zero-based character offset into the text query, or -1 when the problem has no position. */
  public int position() {
    return position;
  }
}
