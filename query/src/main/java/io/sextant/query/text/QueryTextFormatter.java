package io.sextant.query.text;

import io.sextant.query.Aggregate;
import io.sextant.query.Calculation;
import io.sextant.query.DurationText;
import io.sextant.query.Filter;
import io.sextant.query.Having;
import io.sextant.query.Op;
import io.sextant.query.Question;
import io.sextant.query.text.QueryTextToken.Kind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Writes a {@link Question} in the canonical text syntax, which parses back to the same question.
 */
final class QueryTextFormatter {
  private static final Pattern LABEL = Pattern.compile("([a-z0-9_]+)\\((.*)\\)", Pattern.DOTALL);
  private static final String DURATION_COLUMN = "duration";

  /** Words written in quotes or backticks so that they never read as keywords. */
  private static final Set<String> RESERVED =
      Set.of(
          "and",
          "or",
          "not",
          "in",
          "by",
          "asc",
          "desc",
          "ascending",
          "descending",
          "exists",
          "exist",
          "does",
          "does-not-exist",
          "not-exists",
          "not-in",
          "contains",
          "starts-with",
          "where",
          "having",
          "order",
          "sort",
          "group",
          "limit",
          "last",
          "since",
          "until",
          "every",
          "series",
          "auto",
          "now",
          "ago",
          "null",
          "true",
          "false",
          "count",
          "rate");

  private QueryTextFormatter() {}

  static String format(Question q) {
    List<String> clauses = new ArrayList<>();
    if (q.where() != null) {
      clauses.add("where " + filter(q.where()));
    }
    String calculations =
        q.calculations().stream()
            .map(QueryTextFormatter::calculation)
            .collect(Collectors.joining(", "));
    if (!q.breakdowns().isEmpty()) {
      calculations +=
          " by "
              + q.breakdowns().stream()
                  .map(QueryTextFormatter::column)
                  .collect(Collectors.joining(", "));
    }
    clauses.add(calculations);
    if (!q.having().isEmpty()) {
      clauses.add(
          "having "
              + q.having().stream()
                  .map(QueryTextFormatter::having)
                  .collect(Collectors.joining(" and ")));
    }
    if (!q.orderBy().isEmpty()) {
      clauses.add(
          "order by "
              + q.orderBy().stream()
                  .map(o -> orderKey(o.key()) + (o.descending() ? " desc" : " asc"))
                  .collect(Collectors.joining(", ")));
    }
    if (q.limit() != Question.DEFAULT_LIMIT) {
      clauses.add("limit " + q.limit());
    }
    clauses.add(
        "since " + instant(q.range().fromUnixNano()) + " until " + instant(q.range().toUnixNano()));
    if (q.series()) {
      clauses.add(
          q.granularityNanos() > 0
              ? "every " + DurationText.format(q.granularityNanos())
              : "series");
    }
    return String.join(" | ", clauses);
  }

  static String instant(long unixNano) {
    return Instant.ofEpochSecond(
            Math.floorDiv(unixNano, 1_000_000_000L), Math.floorMod(unixNano, 1_000_000_000L))
        .toString();
  }

  private static String filter(Filter f) {
    return switch (f) {
      case Filter.Predicate p -> predicate(p);
      case Filter.And and ->
          and.filters().stream()
              .map(c -> c instanceof Filter.Predicate ? filter(c) : "(" + filter(c) + ")")
              .collect(Collectors.joining(" and "));
      case Filter.Or or ->
          or.filters().stream()
              .map(c -> c instanceof Filter.Or ? "(" + filter(c) + ")" : filter(c))
              .collect(Collectors.joining(" or "));
    };
  }

  private static String predicate(Filter.Predicate p) {
    String column = column(p.column());
    return switch (p.op()) {
      case EXISTS -> column + " exists";
      case NOT_EXISTS -> column + " does-not-exist";
      case IN, NOT_IN ->
          column
              + (p.op() == Op.IN ? " in (" : " not in (")
              + p.values().stream().map(v -> value(p.column(), v)).collect(Collectors.joining(", "))
              + ")";
      default -> column + " " + p.op().symbol() + " " + value(p.column(), p.values().get(0));
    };
  }

  private static String value(String column, Object v) {
    return switch (v) {
      case String s -> isBareValue(s) ? s : quote(s, '"');
      case Long n when column.equals(DURATION_COLUMN) && n > 0 -> DurationText.format(n);
      default -> String.valueOf(v);
    };
  }

  private static boolean isBareValue(String s) {
    return isBare(s)
        && QueryTextWhere.literal(new QueryTextToken(Kind.WORD, s, 0)) instanceof String;
  }

  private static String calculation(Calculation c) {
    return c.aggregate().label() + "(" + (c.column() == null ? "" : column(c.column())) + ")";
  }

  private static String having(Having h) {
    double v = h.value();
    String number;
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      long n = (long) v;
      number =
          DURATION_COLUMN.equals(h.calculation().column()) && n > 0
              ? DurationText.format(n)
              : Long.toString(n);
    } else {
      number = Double.toString(v);
    }
    return calculation(h.calculation()) + " " + h.op().symbol() + " " + number;
  }

  /** A calculation's label as a calculation when it reads back the same, else as a column. */
  private static String orderKey(String key) {
    Matcher m = LABEL.matcher(key);
    if (m.matches()) {
      Aggregate a = QueryTextClauses.aggregate(m.group(1));
      String col = m.group(2).isEmpty() ? null : m.group(2);
      if (a != null && a.needsColumn() == (col != null)) {
        Calculation c = new Calculation(a, col);
        if (c.label().equals(key)) {
          return calculation(c);
        }
      }
    }
    return column(key);
  }

  private static String column(String name) {
    return isBare(name) ? name : quote(name, '`');
  }

  private static boolean isBare(String s) {
    return QueryTextWhere.isPlainName(s) && !RESERVED.contains(s.toLowerCase(Locale.ROOT));
  }

  private static String quote(String s, char quote) {
    StringBuilder out = new StringBuilder().append(quote);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        default -> {
          if (c == quote) {
            out.append('\\').append(c);
          } else if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append(quote).toString();
  }
}
