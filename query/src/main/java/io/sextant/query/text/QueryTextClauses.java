package io.sextant.query.text;

import io.sextant.query.Aggregate;
import io.sextant.query.Catalog;
import io.sextant.query.QueryException;
import io.sextant.query.text.QueryTextToken.Kind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The words that start clauses and calculations, and the advice when a clause is not known. */
final class QueryTextClauses {
  static final String WHAT =
      "a clause (where, by, having, order by, limit, last, since, until, every, series, or a"
          + " calculation such as count() or p99(duration))";

  private static final List<String> KEYWORDS =
      List.of(
          "where", "by", "having", "order", "limit", "last", "since", "until", "every", "series");

  /** Words from other query languages, and what to write instead. */
  private static final Map<String, String> INSTEAD =
      Map.ofEntries(
          Map.entry("filter", "where"),
          Map.entry("and", "where … and …"),
          Map.entry("select", "a calculation such as count() or p99(duration)"),
          Map.entry("calculate", "a calculation such as count() or p99(duration)"),
          Map.entry("show", "a calculation such as count() or p99(duration)"),
          Map.entry("visualize", "a calculation such as count() or p99(duration)"),
          Map.entry("groupby", "by"),
          Map.entry("orderby", "order by"),
          Map.entry("top", "limit"),
          Map.entry("head", "limit"),
          Map.entry("from", "since"),
          Map.entry("to", "until"),
          Map.entry("during", "last"),
          Map.entry("between", "since … until …"),
          Map.entry("ago", "since … ago"),
          Map.entry("granularity", "every"),
          Map.entry("step", "every"),
          Map.entry("interval", "every"),
          Map.entry("bucket", "every"),
          Map.entry("timeseries", "series"));

  private static final Set<String> FILTER_WORDS =
      Set.of("in", "not", "exists", "does-not-exist", "contains", "starts-with");

  private QueryTextClauses() {}

  /**
   * The calculation {@code word} names ({@code p99}, {@code count_distinct}, {@code distinct},
   * {@code avg}, {@code mean}, {@code median}), or null.
   */
  static Aggregate aggregate(String word) {
    switch (word) {
      case "mean", "average" -> {
        return Aggregate.AVG;
      }
      case "median" -> {
        return Aggregate.P50;
      }
      default -> {
        try {
          return Aggregate.parse(word);
        } catch (QueryException e) {
          return null;
        }
      }
    }
  }

  /** Whether {@code t} looks like the start of a new clause, to hint at a missing {@code |}. */
  static boolean isClauseKeyword(QueryTextToken t) {
    return t.is(Kind.WORD)
        && (KEYWORDS.contains(t.lower()) || t.isWord("group") || aggregate(t.lower()) != null);
  }

  /** The error for a clause that starts with the unknown word {@code head}. */
  static QueryException unknown(QueryTextToken head, QueryTextToken after) {
    String word = head.lower();
    String advice;
    if (after.is(Kind.COMPARISON)
        || (after.is(Kind.WORD) && FILTER_WORDS.contains(after.lower()))) {
      advice = "; did you mean 'where " + head.text() + " " + after.text() + " …'?";
    } else if (INSTEAD.containsKey(word)) {
      advice = "; write " + INSTEAD.get(word) + " instead.";
    } else {
      String near = nearest(word);
      advice = near == null ? "." : "; did you mean '" + near + "'?";
    }
    return new QueryException(
        "unknown clause '"
            + head.text()
            + "' at position "
            + head.position()
            + advice
            + " A clause starts with where, by, having, order by, limit, last, since, until,"
            + " every, series or a calculation such as count() or p99(duration)",
        head.position());
  }

  /** The clause or calculation closest in spelling to {@code word}, if any is close. */
  private static String nearest(String word) {
    Map<String, String> candidates = new LinkedHashMap<>();
    KEYWORDS.forEach(k -> candidates.put(k, k.equals("order") ? "order by" : k));
    for (Aggregate a : Aggregate.values()) {
      candidates.put(a.label(), a.label() + (a.needsColumn() ? "(duration)" : "()"));
    }
    INSTEAD.forEach(candidates::putIfAbsent);
    String best = null;
    int bestDistance = word.length() <= 4 ? 2 : 3;
    for (Map.Entry<String, String> c : candidates.entrySet()) {
      int d = Catalog.distance(word, c.getKey());
      if (d < bestDistance) {
        best = c.getValue();
        bestDistance = d;
      }
    }
    return best;
  }
}
