package io.sextant.query.text;

import io.sextant.query.Aggregate;
import io.sextant.query.Calculation;
import io.sextant.query.DurationText;
import io.sextant.query.Having;
import io.sextant.query.Order;
import io.sextant.query.QueryException;
import io.sextant.query.Question;
import io.sextant.query.text.QueryTextToken.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A recursive-descent parser for the text syntax described in {@code docs/query.md}: clauses
 * separated by {@code |}, each at most once. Every error names what was expected, what was found
 * and where. The time clauses are read by {@link QueryTextTime}.
 */
final class QueryTextParser {

  private final QueryTextTokens in;
  private final QueryTextTime time;
  private final QueryTextWhere conditions;
  private final Map<String, Integer> seen = new HashMap<>();

  /** Collects the clauses; the range is set once all time clauses are read. */
  private final Question.Builder question = Question.over(null);

  private final List<String> breakdowns = new ArrayList<>();

  QueryTextParser(String text, long nowUnixNano) {
    this.in = new QueryTextTokens(QueryTextLexer.tokenize(text));
    this.time = new QueryTextTime(in, nowUnixNano);
    this.conditions = new QueryTextWhere(in);
  }

  Question parse() {
    while (!in.peek().is(Kind.END)) {
      String continuations = clause();
      QueryTextToken t = in.peek();
      if (t.is(Kind.PIPE)) {
        in.advance();
        if (in.peek().is(Kind.END)) {
          throw in.expected("a clause after '|'", in.peek());
        }
      } else if (!t.is(Kind.END)) {
        String hint = "";
        if (QueryTextClauses.isClauseKeyword(t)) {
          hint = "; clauses are separated by |";
        } else if (QueryTextWhere.literal(in.previous()) instanceof Long n
            && DurationText.unitWord(t.text()) != null
            && Math.abs(n) < Integer.MAX_VALUE) {
          hint =
              "; write durations without a space: "
                  + DurationText.format(n * DurationText.unitWord(t.text()));
        }
        throw new QueryException(
            QueryTextTokens.expectedMessage(continuations, t) + hint, t.position());
      }
    }
    return question.range(time.range()).build();
  }

  /** Parses one clause and returns what may follow it, for the error when something else does. */
  private String clause() {
    QueryTextToken head = in.peek();
    if (!head.is(Kind.WORD)) {
      throw in.expected(QueryTextClauses.WHAT, head);
    }
    String word = head.lower();
    if (QueryTextClauses.aggregate(word) != null) {
      once("calculation", head, "list all calculations in one clause, separated by commas");
      calculationList();
      QueryTextToken by = in.peek();
      if (in.acceptWord("by")) {
        breakdowns(by);
        return "',' or '|'";
      }
      return "',', 'by' or '|'";
    }
    in.advance();
    switch (word) {
      case "where" -> {
        once("where", head, "join the conditions with 'and'");
        question.where(conditions.condition());
        return "'and', 'or' or '|'";
      }
      case "by" -> {
        breakdowns(head);
        return "',' or '|'";
      }
      case "group" -> {
        in.expectWord("by", "after 'group'");
        breakdowns(head);
        return "',' or '|'";
      }
      case "having" -> {
        once("having", head, "join the conditions with 'and'");
        havingList();
        return "'and', ',' or '|'";
      }
      case "order", "sort" -> {
        once("order by", head, "list all sort keys in one clause, separated by commas");
        in.expectWord("by", "after '" + head.text() + "'");
        orderList();
        return "',', 'asc', 'desc' or '|'";
      }
      case "limit" -> {
        once("limit", head, "keep one");
        question.limit(limit());
        return "'|'";
      }
      case "last", "since", "until" -> {
        return time.clause(head);
      }
      case "every" -> {
        once("every", head, "keep one");
        question.series(true).granularityNanos(every());
        return "'|'";
      }
      case "series" -> {
        question.series(true);
        return "'|'";
      }
      default -> throw QueryTextClauses.unknown(head, in.peek());
    }
  }

  /** Fails unless this is the first {@code clause}; the error says how to merge the two. */
  private void once(String clause, QueryTextToken head, String fix) {
    Integer before = seen.putIfAbsent(clause, head.position());
    if (before != null) {
      throw twice(clause, before, head, fix);
    }
  }

  static QueryException twice(String clause, int before, QueryTextToken head, String fix) {
    return new QueryException(
        "two "
            + clause
            + " clauses, at positions "
            + before
            + " and "
            + head.position()
            + "; "
            + fix,
        head.position());
  }

  // calculations, by, having, order by, limit, every

  private void calculationList() {
    question.calculate(calculation());
    while (in.accept(Kind.COMMA)) {
      question.calculate(calculation());
    }
  }

  /** {@code p99(duration)}, {@code count()} or {@code count}. */
  private Calculation calculation() {
    QueryTextToken head = in.peek();
    Aggregate a = head.is(Kind.WORD) ? QueryTextClauses.aggregate(head.lower()) : null;
    if (a == null) {
      throw in.expected("a calculation such as count() or p99(duration)", head);
    }
    in.advance();
    String column = null;
    if (in.peek().is(Kind.OPEN)) {
      QueryTextToken open = in.advance();
      if (!in.peek().is(Kind.CLOSE)) {
        column = conditions.column("a column name or ')' after '" + head.text() + "('");
      }
      QueryTextToken close = in.peek();
      if (!close.is(Kind.CLOSE)) {
        throw in.unclosed("')'", open, close);
      }
      in.advance();
    }
    if (a.needsColumn() && column == null) {
      throw new QueryException(
          a.label()
              + " at position "
              + head.position()
              + " needs a column, e.g. "
              + a.label()
              + (a == Aggregate.COUNT_DISTINCT ? "(user_id)" : "(duration)"),
          head.position());
    }
    if (!a.needsColumn() && column != null) {
      throw new QueryException(
          a.label()
              + "() at position "
              + head.position()
              + " takes no column"
              + (a == Aggregate.COUNT
                  ? "; for distinct values write count_distinct(" + column + ")"
                  : ""),
          head.position());
    }
    return new Calculation(a, column);
  }

  private void breakdowns(QueryTextToken head) {
    once("by", head, "list every column in one 'by', separated by commas");
    do {
      QueryTextToken t = in.peek();
      String c = conditions.column("a column name after '" + in.previous().text() + "'");
      if (breakdowns.contains(c)) {
        throw new QueryException(
            "column " + c + " at position " + t.position() + " is already in by", t.position());
      }
      breakdowns.add(c);
      question.by(c);
    } while (in.accept(Kind.COMMA));
  }

  private void havingList() {
    do {
      Calculation c = calculation();
      QueryTextToken opToken = in.peek();
      if (!opToken.is(Kind.COMPARISON)) {
        throw in.expected("=, !=, <, <=, > or >= after " + c.label(), opToken);
      }
      in.advance();
      QueryTextToken v = in.peek();
      Object value = v.is(Kind.WORD) ? QueryTextWhere.literal(v) : null;
      if (!(value instanceof Number n)) {
        throw in.expected("a number or duration after '" + opToken.text() + "'", v);
      }
      in.advance();
      question.having(new Having(c, QueryTextWhere.comparison(opToken), n.doubleValue()));
      if (in.peek().isWord("or")) {
        throw new QueryException(
            "having conditions must all hold; 'or' at position "
                + in.peek().position()
                + " is not supported, use 'and'",
            in.peek().position());
      }
    } while (in.accept(Kind.COMMA) || in.acceptWord("and"));
  }

  private void orderList() {
    do {
      String key = orderKey();
      boolean descending = false;
      QueryTextToken dir = in.peek();
      if (dir.isWord("desc") || dir.isWord("descending")) {
        descending = true;
        in.advance();
      } else if (dir.isWord("asc") || dir.isWord("ascending")) {
        in.advance();
      }
      question.orderBy(new Order(key, descending));
    } while (in.accept(Kind.COMMA));
  }

  /** A calculation's label ({@code p99(duration)}, {@code count()}) or a column. */
  private String orderKey() {
    QueryTextToken t = in.peek();
    Aggregate a = t.is(Kind.WORD) ? QueryTextClauses.aggregate(t.lower()) : null;
    boolean calculation =
        a != null
            && (in.peekAfter().is(Kind.OPEN) || (a == Aggregate.COUNT || a == Aggregate.RATE));
    if (calculation) {
      return calculation().label();
    }
    return conditions.column("a column or calculation to order by");
  }

  private int limit() {
    QueryTextToken t = in.peek();
    if (!t.is(Kind.WORD) || !QueryTextWhere.INTEGER.matcher(t.text()).matches()) {
      throw in.expected("a whole number after 'limit'", t);
    }
    in.advance();
    long n;
    try {
      n = Long.parseLong(t.text());
    } catch (NumberFormatException e) {
      n = Long.MAX_VALUE;
    }
    if (n < 1 || n > Question.MAX_LIMIT) {
      throw new QueryException(
          "limit "
              + t.text()
              + " at position "
              + t.position()
              + " is out of range; use 1 to "
              + Question.MAX_LIMIT,
          t.position());
    }
    return (int) n;
  }

  private long every() {
    QueryTextToken t = in.peek();
    if (t.isWord("auto")) {
      in.advance();
      return 0;
    }
    return time.duration("a bucket width like 1m or 'auto' after 'every'");
  }
}
