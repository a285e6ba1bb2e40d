package io.sextant.query.text;

import java.util.Locale;

/**
 * One token of a text query, with where it starts. {@code text} is the token as written for words
 * and symbols, and the unescaped content for quoted strings and backticked names.
 */
record QueryTextToken(Kind kind, String text, int position) {

  enum Kind {
    /** A run of characters that are not spaces, quotes or symbols: a name, number or keyword. */
    WORD,
    /** A single- or double-quoted string. */
    STRING,
    /** A backticked name. */
    QUOTED_NAME,
    /** A comparison: =, ==, !=, <>, <, <=, >, >=. */
    COMPARISON,
    OPEN,
    CLOSE,
    COMMA,
    PIPE,
    END
  }

  boolean is(Kind k) {
    return kind == k;
  }

  /** Whether this is the unquoted word {@code keyword}, in any case. */
  boolean isWord(String keyword) {
    return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
  }

  String lower() {
    return text.toLowerCase(Locale.ROOT);
  }

  /** How the token reads in an error message: {@code 'foo'}, {@code end of input}. */
  String describe() {
    return switch (kind) {
      case END -> "end of input";
      case STRING -> "the string \"" + text + "\"";
      case QUOTED_NAME -> "`" + text + "`";
      default -> "'" + text + "'";
    };
  }
}
