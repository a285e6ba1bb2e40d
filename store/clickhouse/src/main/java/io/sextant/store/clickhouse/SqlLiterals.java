package io.sextant.store.clickhouse;

import java.util.List;

/** Statements with their parameters as literals, in ClickHouse's syntax. */
final class SqlLiterals {
  private SqlLiterals() {}

  /**
   * {@code statement} with each {@code ?} outside quotes replaced by its parameter as a literal:
   * 18.16 has no query parameters over HTTP. Strings are quoted with every quote and backslash
   * escaped, so a value never becomes SQL.
   */
  static String bind(String statement, List<?> params) {
    StringBuilder out = new StringBuilder(statement.length() + 16 * params.size());
    int next = 0;
    char quote = 0;
    for (int i = 0; i < statement.length(); i++) {
      char c = statement.charAt(i);
      if (quote != 0) {
        out.append(c);
        if (c == '\\' && i + 1 < statement.length()) {
          out.append(statement.charAt(++i));
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"' || c == '`') {
        quote = c;
        out.append(c);
      } else if (c == '?') {
        if (next >= params.size()) {
          throw new IllegalArgumentException("more placeholders than parameters: " + statement);
        }
        out.append(literal(params.get(next++)));
      } else {
        out.append(c);
      }
    }
    if (next != params.size()) {
      throw new IllegalArgumentException("more parameters than placeholders: " + statement);
    }
    return out.toString();
  }

  static String literal(Object v) {
    return switch (v) {
      case null -> "NULL";
      case String s -> {
        StringBuilder b = new StringBuilder("'");
        for (int i = 0; i < s.length(); i++) {
          char c = s.charAt(i);
          if (c == '\'' || c == '\\') {
            b.append('\\');
          }
          b.append(c);
        }
        yield b.append('\'').toString();
      }
      case Boolean b -> b ? "1" : "0";
      case Double d when d.isNaN() -> "nan";
      case Double d when d.isInfinite() -> d > 0 ? "inf" : "-inf";
      case Double d -> Double.toString(d);
      case Float f -> literal(f.doubleValue());
      case Long l -> Long.toString(l);
      case Integer n -> Integer.toString(n);
      default -> throw new IllegalArgumentException("cannot bind a " + v.getClass().getName());
    };
  }
}
