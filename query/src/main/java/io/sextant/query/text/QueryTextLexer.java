package io.sextant.query.text;

import io.sextant.query.QueryException;
import io.sextant.query.text.QueryTextToken.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Splits a text query into tokens. Words run until a space, a quote or one of {@code = ! < > ( ) ,
 * |}, so values such as {@code /api/v1/users}, {@code u-123} and {@code 2024-05-01T10:00:00Z} need
 * no quotes.
 */
final class QueryTextLexer {
  private static final String SYMBOLS = "=!<>(),|'\"`";
  private static final Set<String> TWO_CHAR_COMPARISONS = Set.of("==", "!=", "<>", "<=", ">=");

  private final String text;
  private int at;

  private QueryTextLexer(String text) {
    this.text = text;
  }

  /** The tokens of {@code text}, ending with one {@link Kind#END} at {@code text.length()}. */
  static List<QueryTextToken> tokenize(String text) {
    return new QueryTextLexer(text).all();
  }

  /** Whether {@code c} can be part of an unquoted word. */
  static boolean isWordChar(char c) {
    return !Character.isWhitespace(c) && SYMBOLS.indexOf(c) < 0;
  }

  private List<QueryTextToken> all() {
    List<QueryTextToken> tokens = new ArrayList<>();
    while (true) {
      while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
        at++;
      }
      if (at >= text.length()) {
        tokens.add(new QueryTextToken(Kind.END, "", text.length()));
        return tokens;
      }
      tokens.add(next());
    }
  }

  private QueryTextToken next() {
    int start = at;
    char c = text.charAt(at);
    switch (c) {
      case '(' -> {
        at++;
        return new QueryTextToken(Kind.OPEN, "(", start);
      }
      case ')' -> {
        at++;
        return new QueryTextToken(Kind.CLOSE, ")", start);
      }
      case ',' -> {
        at++;
        return new QueryTextToken(Kind.COMMA, ",", start);
      }
      case '|' -> {
        at++;
        return new QueryTextToken(Kind.PIPE, "|", start);
      }
      case '\'', '"' -> {
        return new QueryTextToken(Kind.STRING, quoted(c), start);
      }
      case '`' -> {
        return new QueryTextToken(Kind.QUOTED_NAME, quoted(c), start);
      }
      case '=', '!', '<', '>' -> {
        return comparison(start);
      }
      default -> {
        while (at < text.length() && isWordChar(text.charAt(at))) {
          at++;
        }
        return new QueryTextToken(Kind.WORD, text.substring(start, at), start);
      }
    }
  }

  private QueryTextToken comparison(int start) {
    String op = text.substring(start, Math.min(start + 2, text.length()));
    if (!TWO_CHAR_COMPARISONS.contains(op)) {
      op = text.substring(start, start + 1);
    }
    if (op.equals("!")) {
      throw new QueryException(
          "unexpected '!' at position " + start + "; write != for not equal", start);
    }
    at = start + op.length();
    return new QueryTextToken(Kind.COMPARISON, op, start);
  }

  /** Reads a quoted string or name starting at the opening {@code quote}, resolving escapes. */
  private String quoted(char quote) {
    int start = at;
    at++;
    StringBuilder out = new StringBuilder();
    while (at < text.length()) {
      char c = text.charAt(at);
      if (c == quote) {
        at++;
        return out.toString();
      }
      if (c == '\\') {
        out.append(escape());
      } else {
        out.append(c);
        at++;
      }
    }
    String what = quote == '`' ? "backticked name" : "string";
    throw new QueryException(
        "unterminated "
            + what
            + " starting at position "
            + start
            + "; close it with "
            + quote
            + " (write \\"
            + quote
            + " for a "
            + quote
            + " inside it)",
        start);
  }

  private char escape() {
    int start = at;
    if (at + 1 >= text.length()) {
      throw new QueryException(
          "unfinished escape at position " + start + "; write \\\\ for a backslash", start);
    }
    char e = text.charAt(at + 1);
    at += 2;
    return switch (e) {
      case '\\', '\'', '"', '`' -> e;
      case 'n' -> '\n';
      case 't' -> '\t';
      case 'r' -> '\r';
      case 'u' -> unicode(start);
      default ->
          throw new QueryException(
              "unknown escape '\\"
                  + e
                  + "' at position "
                  + start
                  + "; write \\\\ for a backslash, \\\" or \\' for a quote",
              start);
    };
  }

  private char unicode(int start) {
    if (at + 4 <= text.length()) {
      try {
        char c = (char) Integer.parseInt(text.substring(at, at + 4), 16);
        at += 4;
        return c;
      } catch (NumberFormatException e) {
        // fall through to the message below
      }
    }
    throw new QueryException(
        "expected four hex digits after \\u at position " + start + ", e.g. \\u00e9", start);
  }
}
