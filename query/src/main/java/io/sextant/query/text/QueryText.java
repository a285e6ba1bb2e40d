package io.sextant.query.text;

import io.sextant.query.Filter;
import io.sextant.query.QueryException;
import io.sextant.query.Question;

/**
 * The one-line text syntax for questions, as people type it:
 *
 * <pre>
 * where service.name = checkout and error = true | p99(duration), count() by http.route | last 1h
 * </pre>
 *
 * <p>Clauses are separated by {@code |} and may come in any order, each at most once: {@code
 * where}, calculations (optionally followed by {@code by}), {@code by}, {@code having}, {@code
 * order by}, {@code limit}, {@code last}/{@code since}/{@code until}, {@code every}, {@code
 * series}. The full grammar, with examples, is in {@code docs/query.md}.
 */
public final class QueryText {
  private QueryText() {}

  /**
   * The question {@code text} asks. Relative times ({@code last 1h}, {@code 2h ago}, and the
   * default range, the hour before now) are taken relative to {@code nowUnixNano}.
   *
   * @throws QueryException with a message that says what was expected and what was found, and the
   *     zero-based character position of the problem
   */
  public static Question parse(String text, long nowUnixNano) {
    return new QueryTextParser(text, nowUnixNano).parse();
  }

  /**
   * The condition of a where clause written alone, without the word {@code where}: {@code
   * service.name = checkout and error = true}. For APIs that take a filter as text ({@code
   * /api/v1/compare}), so that clients need no parser of their own.
   *
   * @throws QueryException as {@link #parse} does, also when anything follows the condition
   */
  public static Filter where(String text) {
    QueryTextTokens in = new QueryTextTokens(QueryTextLexer.tokenize(text));
    Filter f = new QueryTextWhere(in).condition();
    if (!in.peek().is(QueryTextToken.Kind.END)) {
      throw new QueryException(
          QueryTextTokens.expectedMessage("'and', 'or' or the end of the condition", in.peek()),
          in.peek().position());
    }
    return f;
  }

  /**
   * {@code q} in the canonical syntax, with its range as absolute instants ({@code since … until
   * …}), so that {@code parse(format(q), anyTime)} equals {@code q}. A granularity without {@code
   * series} is not written.
   */
  public static String format(Question q) {
    return QueryTextFormatter.format(q);
  }
}
