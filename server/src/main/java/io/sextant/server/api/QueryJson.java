package io.sextant.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.query.Aggregate;
import io.sextant.query.Calculation;
import io.sextant.query.CompareQuery;
import io.sextant.query.DurationText;
import io.sextant.query.Filter;
import io.sextant.query.Having;
import io.sextant.query.Op;
import io.sextant.query.Order;
import io.sextant.query.QueryException;
import io.sextant.query.Question;
import io.sextant.query.Result;
import io.sextant.query.text.QueryText;
import io.sextant.server.api.answer.Answers;
import io.sextant.store.spi.TimeRange;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The questions of the query API as JSON (docs/api.md); its answers are in {@code api/answer}.
 * Reading refuses anything it does not understand with a {@link QueryException} whose message names
 * the field.
 */
public final class QueryJson {
  private QueryJson() {}

  /** {@code r} as the query API answers it, for {@code sextant query --archive}. */
  public static String answer(Result r) {
    return new String(Answers.bytes(r), StandardCharsets.UTF_8);
  }

  /** {@code 90s}, {@code 15m}, {@code 1h}, {@code 7d} in nanoseconds ({@link DurationText}). */
  static long duration(String text, String field) {
    try {
      return DurationText.duration(text, field).toNanos();
    } catch (IllegalArgumentException e) {
      throw new QueryException(e.getMessage()); // DurationText's sentence names the field
    }
  }

  /**
   * The time range of {@code node}: {@code from}/{@code to}, or {@code last}, else the last hour.
   */
  static TimeRange range(JsonNode node, long nowNanos) {
    long to = node.hasNonNull("to") ? time(node.get("to"), "to") : nowNanos;
    long from;
    if (node.hasNonNull("from")) {
      from = time(node.get("from"), "from");
    } else {
      long last =
          node.hasNonNull("last")
              ? duration(node.get("last").asText(), "last")
              : 3_600_000_000_000L;
      from = to - last;
    }
    if (to < from) {
      throw new QueryException("'to' is before 'from'");
    }
    return new TimeRange(from, to);
  }

  /** Epoch milliseconds (a number) or an ISO-8601 instant (a string). */
  static long time(JsonNode v, String field) {
    try {
      if (v.isIntegralNumber()) {
        return Math.multiplyExact(v.asLong(), 1_000_000L);
      }
      Instant i = Instant.parse(v.asText());
      return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
    } catch (ArithmeticException e) {
      throw new QueryException(
          field
              + " \""
              + v.asText()
              + "\" is outside the years 1677 to 2262 that Sextant can store");
    } catch (DateTimeParseException e) {
      throw new QueryException(
          field + " \"" + v.asText() + "\" is neither epoch milliseconds nor an ISO-8601 instant");
    }
  }

  /** The fields a JSON question may have; any other is refused, not ignored. */
  static final List<String> QUESTION_FIELDS =
      List.of(
          "from",
          "to",
          "last",
          "where",
          "breakdowns",
          "calculations",
          "having",
          "order_by",
          "limit",
          "granularity",
          "series");

  static Question question(JsonNode node, long nowNanos) {
    if (!node.isObject()) {
      throw new QueryException("the question must be a JSON object");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!QUESTION_FIELDS.contains(name)) {
        throw new QueryException(
            "unknown field '"
                + name
                + "' in the question; the fields are "
                + String.join(", ", QUESTION_FIELDS)
                + ", or q for the text syntax");
      }
    }
    if (node.hasNonNull("last") && !node.get("last").isTextual()) {
      throw new QueryException("last must be a duration text such as \"15m\"");
    }
    Question.Builder q = Question.over(range(node, nowNanos));
    if (node.hasNonNull("where")) {
      q.where(filter(node.get("where")));
    }
    for (JsonNode b : array(node, "breakdowns")) {
      q.by(b.asText());
    }
    for (JsonNode c : array(node, "calculations")) {
      q.calculate(calculation(c));
    }
    for (JsonNode h : array(node, "having")) {
      q.having(
          new Having(
              calculation(required(h, "calculation")),
              Op.parse(required(h, "op").asText()),
              required(h, "value").asDouble()));
    }
    for (JsonNode o : array(node, "order_by")) {
      q.orderBy(new Order(required(o, "key").asText(), o.path("desc").asBoolean(true)));
    }
    if (node.has("limit")) {
      JsonNode l = node.get("limit");
      if (!l.isIntegralNumber() || !l.canConvertToInt() || l.asInt() < 1) {
        throw new QueryException("limit must be a whole number of at least 1, not " + l);
      }
      q.limit(l.asInt());
    }
    if (node.hasNonNull("granularity")) {
      JsonNode g = node.get("granularity");
      q.granularityNanos(g.isNumber() ? g.asLong() : duration(g.asText(), "granularity"));
      q.series(true);
    }
    if (node.hasNonNull("series")) {
      if (!node.get("series").isBoolean()) {
        throw new QueryException("series must be true or false, not " + node.get("series"));
      }
      q.series(node.get("series").asBoolean());
    }
    return q.build();
  }

  /** {@code {"op":"p99","column":"duration"}} or the label {@code "p99(duration)"}. */
  static Calculation calculation(JsonNode c) {
    if (c.isTextual()) {
      String t = c.asText().trim();
      int open = t.indexOf('(');
      if (open < 0 || !t.endsWith(")")) {
        return new Calculation(Aggregate.parse(t), null);
      }
      String column = t.substring(open + 1, t.length() - 1).trim();
      return new Calculation(
          Aggregate.parse(t.substring(0, open)), column.isEmpty() ? null : column);
    }
    String column = c.hasNonNull("column") ? c.get("column").asText() : null;
    return new Calculation(Aggregate.parse(required(c, "op").asText()), column);
  }

  /**
   * {@code {"and":[…]}}, {@code {"or":[…]}}, or a predicate {@code {"column":…, "op":…, "value":…}}
   * ({@code "values":[…]} for in and not-in).
   */
  static Filter filter(JsonNode f) {
    if (f.isTextual()) {
      return QueryText.where(f.asText()); // "service.name = checkout and error = true"
    }
    if (f.has("and") || f.has("or")) {
      String key = f.has("and") ? "and" : "or";
      List<Filter> parts = new ArrayList<>();
      for (JsonNode p : array(f, key)) {
        parts.add(filter(p));
      }
      return key.equals("and") ? new Filter.And(parts) : new Filter.Or(parts);
    }
    String column = required(f, "column").asText();
    Op op = Op.parse(required(f, "op").asText());
    List<Object> values = new ArrayList<>();
    if (f.has("values")) {
      for (JsonNode v : array(f, "values")) {
        values.add(scalar(v));
      }
    } else if (f.has("value")) {
      values.add(scalar(f.get("value")));
    }
    return new Filter.Predicate(column, op, values);
  }

  private static Object scalar(JsonNode v) {
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    if (v.isIntegralNumber()) {
      return v.asLong();
    }
    if (v.isNumber()) {
      return v.asDouble();
    }
    if (v.isTextual()) {
      return v.asText();
    }
    throw new QueryException("a filter value must be a string, a number or true/false, not " + v);
  }

  static CompareQuery compare(JsonNode node, long nowNanos) {
    TimeRange range = range(node, nowNanos);
    Filter where = node.hasNonNull("where") ? filter(node.get("where")) : null;
    JsonNode sel = required(node, "selection");
    CompareQuery.Selection selection;
    if (sel.has("region")) {
      JsonNode r = sel.get("region");
      selection =
          new CompareQuery.Region(
              required(r, "column").asText(),
              time(required(r, "from"), "region.from"),
              time(required(r, "to"), "region.to"),
              required(r, "low").asDouble(),
              required(r, "high").asDouble());
    } else {
      selection =
          new CompareQuery.FilterSelection(filter(sel.has("where") ? sel.get("where") : sel));
    }
    return new CompareQuery(range, where, selection);
  }

  private static Iterable<JsonNode> array(JsonNode node, String field) {
    JsonNode a = node.get(field);
    if (a == null || a.isNull()) {
      return List.of();
    }
    if (!a.isArray()) {
      throw new QueryException("'" + field + "' must be an array");
    }
    return a;
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new QueryException("'" + field + "' is missing");
    }
    return v;
  }
}
