package io.sextant.query.text;

import io.sextant.query.QueryException;
import io.sextant.query.text.QueryTextToken.Kind;
import java.util.List;

/** A cursor over the tokens of a text query, and the "expected …, found …" errors. */
final class QueryTextTokens {
  private final List<QueryTextToken> tokens;
  private int next;

  QueryTextTokens(List<QueryTextToken> tokens) {
    this.tokens = tokens;
  }

  QueryTextToken peek() {
    return tokens.get(next);
  }

  /** The token after {@link #peek()}, or the end. */
  QueryTextToken peekAfter() {
    return tokens.get(Math.min(next + 1, tokens.size() - 1));
  }

  QueryTextToken previous() {
    return tokens.get(Math.max(next - 1, 0));
  }

  /** Consumes and returns the next token; the end is never consumed. */
  QueryTextToken advance() {
    QueryTextToken t = tokens.get(next);
    if (!t.is(Kind.END)) {
      next++;
    }
    return t;
  }

  /** Consumes the next token if it is of {@code kind}. */
  boolean accept(Kind kind) {
    if (peek().is(kind)) {
      advance();
      return true;
    }
    return false;
  }

  /** Consumes the next token if it is the word {@code keyword}, in any case. */
  boolean acceptWord(String keyword) {
    if (peek().isWord(keyword)) {
      advance();
      return true;
    }
    return false;
  }

  /** Consumes the word {@code keyword} or fails: "expected 'by' after 'order' at …". */
  void expectWord(String keyword, String context) {
    if (!acceptWord(keyword)) {
      throw expected("'" + keyword + "' " + context, peek());
    }
  }

  QueryException expected(String what, QueryTextToken found) {
    return new QueryException(expectedMessage(what, found), found.position());
  }

  /** "expected ')' at 12, found end of input; the '(' at position 3 is not closed". */
  QueryException unclosed(String what, QueryTextToken open, QueryTextToken found) {
    return new QueryException(
        expectedMessage(what, found)
            + "; the '(' at position "
            + open.position()
            + " is not closed",
        found.position());
  }

  static String expectedMessage(String what, QueryTextToken found) {
    return "expected " + what + " at position " + found.position() + ", found " + found.describe();
  }
}
