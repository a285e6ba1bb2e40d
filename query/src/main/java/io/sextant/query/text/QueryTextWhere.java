package io.sextant.query.text;

import io.sextant.query.DurationText;
import io.sextant.query.Filter;
import io.sextant.query.Op;
import io.sextant.query.QueryException;
import io.sextant.query.text.QueryTextToken.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code where} clause of a text query: conditions on columns, joined by {@code and} (which
 * binds tighter) and {@code or}, grouped with parentheses; and the column names and values that the
 * other clauses share.
 */
final class QueryTextWhere {
  static final Pattern INTEGER = Pattern.compile("-?\\d+");
  private static final Pattern COLUMN = Pattern.compile("[\\p{L}\\p{N}_\\-./:]+");
  private static final Pattern DECIMAL =
      Pattern.compile("-?\\d+(?:\\.\\d+(?:[eE][+-]?\\d+)?|[eE][+-]?\\d+)");
  private static final String OPERATORS =
      "an operator (=, !=, <, <=, >, >=, in, not in, exists, does-not-exist, contains,"
          + " starts-with)";

  /** Deeper nesting is refused rather than risking the parser's stack on hostile input. */
  static final int MAX_DEPTH = 64;

  private final QueryTextTokens in;
  private int depth;

  QueryTextWhere(QueryTextTokens in) {
    this.in = in;
  }

  /** Whether {@code s} can be written as a column name without backticks. */
  static boolean isPlainName(String s) {
    return COLUMN.matcher(s).matches();
  }

  /** {@code a = 1 and (b = 2 or c exists)}. */
  Filter condition() {
    return or();
  }

  private Filter or() {
    List<Filter> parts = new ArrayList<>();
    parts.add(and());
    while (in.acceptWord("or")) {
      parts.add(and());
    }
    return parts.size() == 1 ? parts.get(0) : new Filter.Or(parts);
  }

  private Filter and() {
    List<Filter> parts = new ArrayList<>();
    parts.add(group());
    while (in.acceptWord("and")) {
      parts.add(group());
    }
    return parts.size() == 1 ? parts.get(0) : new Filter.And(parts);
  }

  private Filter group() {
    QueryTextToken t = in.peek();
    if (t.is(Kind.OPEN)) {
      if (++depth > MAX_DEPTH) {
        throw new QueryException(
            "parentheses nested deeper than " + MAX_DEPTH + " at position " + t.position(),
            t.position());
      }
      in.advance();
      Filter inner = or();
      depth--;
      QueryTextToken close = in.peek();
      if (!close.is(Kind.CLOSE)) {
        throw in.unclosed("'and', 'or' or ')'", t, close);
      }
      in.advance();
      return inner;
    }
    if (t.isWord("not")) {
      throw new QueryException(
          "'not' at position "
              + t.position()
              + " cannot negate a condition; use !=, not in or does-not-exist on the column",
          t.position());
    }
    return predicate();
  }

  private Filter predicate() {
    QueryTextToken columnToken = in.peek();
    String column = column("a condition such as service.name = checkout");
    QueryTextToken t = in.peek();
    String after = "after " + columnToken.describe();
    if (t.is(Kind.COMPARISON)) {
      in.advance();
      Op op = comparison(t);
      return new Filter.Predicate(column, op, List.of(value(op, t)));
    }
    if (!t.is(Kind.WORD)) {
      throw in.expected(OPERATORS + " " + after, t);
    }
    in.advance();
    Op op =
        switch (t.lower()) {
          case "in" -> Op.IN;
          case "not-in", "not_in" -> Op.NOT_IN;
          case "exists" -> Op.EXISTS;
          case "does-not-exist", "not-exists", "does_not_exist", "not_exists" -> Op.NOT_EXISTS;
          case "contains" -> Op.CONTAINS;
          case "starts-with", "starts_with", "startswith" -> Op.STARTS_WITH;
          case "not" -> not(t);
          case "does" -> {
            in.expectWord("not", "after 'does'");
            in.expectWord("exist", "after 'does not'");
            yield Op.NOT_EXISTS;
          }
          case "is" ->
              throw new QueryException(
                  "'is' at position "
                      + t.position()
                      + " is not an operator; write '"
                      + column
                      + " exists' or '"
                      + column
                      + " does-not-exist'",
                  t.position());
          case "like", "matches" ->
              throw new QueryException(
                  "'"
                      + t.text()
                      + "' at position "
                      + t.position()
                      + " is not supported; use"
                      + " contains or starts-with",
                  t.position());
          default -> throw in.expected(OPERATORS + " " + after, t);
        };
    return switch (op.arity()) {
      case NONE -> new Filter.Predicate(column, op, List.of());
      case ONE -> new Filter.Predicate(column, op, List.of(value(op, t)));
      case MANY -> new Filter.Predicate(column, op, valueList(op, t));
    };
  }

  private Op not(QueryTextToken not) {
    QueryTextToken t = in.peek();
    if (t.isWord("in")) {
      in.advance();
      return Op.NOT_IN;
    }
    if (t.isWord("exists") || t.isWord("exist")) {
      in.advance();
      return Op.NOT_EXISTS;
    }
    if (t.isWord("contains") || t.isWord("starts-with")) {
      throw new QueryException(
          "'not " + t.lower() + "' at position " + not.position() + " is not supported",
          not.position());
    }
    throw in.expected("'in' or 'exists' after 'not'", t);
  }

  static Op comparison(QueryTextToken t) {
    return switch (t.text()) {
      case "=", "==" -> Op.EQ;
      case "!=", "<>" -> Op.NE;
      default -> Op.parse(t.text());
    };
  }

  private List<Object> valueList(Op op, QueryTextToken opToken) {
    QueryTextToken open = in.peek();
    if (!open.is(Kind.OPEN)) {
      throw new QueryException(
          QueryTextTokens.expectedMessage("'(' after '" + opToken.text() + "'", open)
              + "; write "
              + (op == Op.IN ? "in" : "not in")
              + " (a, b)",
          open.position());
    }
    in.advance();
    List<Object> values = new ArrayList<>();
    values.add(value(op, open));
    while (in.peek().is(Kind.COMMA)) {
      values.add(value(op, in.advance()));
    }
    QueryTextToken close = in.peek();
    if (!close.is(Kind.CLOSE)) {
      throw in.unclosed("',' or ')'", open, close);
    }
    in.advance();
    return values;
  }

  /** A value after {@code before}; words become numbers, durations and booleans where they can. */
  private Object value(Op op, QueryTextToken before) {
    QueryTextToken t = in.peek();
    if (t.is(Kind.STRING)) {
      in.advance();
      return t.text();
    }
    if (t.is(Kind.QUOTED_NAME)) {
      throw new QueryException(
          "backticks at position "
              + t.position()
              + " are for column names; quote a value with \" or '",
          t.position());
    }
    if (!t.is(Kind.WORD)) {
      throw in.expected("a value after '" + before.text() + "'", t);
    }
    in.advance();
    if (op == Op.CONTAINS || op == Op.STARTS_WITH) {
      return t.text();
    }
    if (t.isWord("null") && (op == Op.EQ || op == Op.NE)) {
      throw new QueryException(
          "comparing with null at position "
              + t.position()
              + " is not supported; use 'exists' or 'does-not-exist' (or quote \"null\" for the"
              + " word)",
          t.position());
    }
    return literal(t);
  }

  /**
   * The value an unquoted word stands for: a Long, Double, duration (Long nanoseconds), Boolean, or
   * else its text. Words that would lose something as numbers stay text: {@code 007}, digits too
   * long for a long, exponents too large for a double.
   */
  static Object literal(QueryTextToken t) {
    String w = t.text();
    try {
      if (INTEGER.matcher(w).matches()) {
        return w.matches("-?0\\d+") ? w : Long.parseLong(w);
      }
      if (DECIMAL.matcher(w).matches()) {
        double d = Double.parseDouble(w);
        return Double.isInfinite(d) ? w : d;
      }
      Long nanos = DurationText.parse(w);
      if (nanos != null) {
        return nanos;
      }
    } catch (NumberFormatException | ArithmeticException e) {
      return w;
    }
    if (w.equalsIgnoreCase("true") || w.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(w);
    }
    return w;
  }

  /** A column name: a word of letters, digits and {@code _ - . / :}, or anything in backticks. */
  String column(String what) {
    QueryTextToken t = in.peek();
    if (t.is(Kind.QUOTED_NAME)) {
      if (t.text().isEmpty()) {
        throw new QueryException("empty column name at position " + t.position(), t.position());
      }
      in.advance();
      return t.text();
    }
    if (t.is(Kind.STRING)) {
      throw new QueryException(
          QueryTextTokens.expectedMessage(what, t)
              + "; write a column name in backticks: `"
              + t.text()
              + "`",
          t.position());
    }
    if (!t.is(Kind.WORD)) {
      throw in.expected(what, t);
    }
    if (!COLUMN.matcher(t.text()).matches()) {
      throw new QueryException(
          "column name '"
              + t.text()
              + "' at position "
              + t.position()
              + " has characters other than letters, digits and _ - . / :; write it in backticks:"
              + " `"
              + t.text()
              + "`",
          t.position());
    }
    in.advance();
    return t.text();
  }
}
