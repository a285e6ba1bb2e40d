package io.sextant.query.text;

import static io.sextant.query.Filter.and;
import static io.sextant.query.Filter.or;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.query.Aggregate;
import io.sextant.query.Calculation;
import io.sextant.query.Filter;
import io.sextant.query.Filter.Predicate;
import io.sextant.query.Having;
import io.sextant.query.Op;
import io.sextant.query.Order;
import io.sextant.query.QueryException;
import io.sextant.query.Question;
import io.sextant.store.spi.TimeRange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class QueryTextTest {
  static final long S = 1_000_000_000L;
  static final long M = 60 * S;
  static final long H = 60 * M;
  static final long D = 24 * H;

  /** 2024-05-01T10:00:00Z. */
  static final long NOW = 1_714_557_600L * S;

  static Question parse(String text) {
    return QueryText.parse(text, NOW);
  }

  static Question.Builder last(long nanos) {
    return Question.over(new TimeRange(NOW - nanos, NOW));
  }

  static Predicate p(String column, Op op, Object... values) {
    return Predicate.of(column, op, values);
  }

  static long at(String iso) {
    Instant i = Instant.parse(iso);
    return i.getEpochSecond() * S + i.getNano();
  }

  // The documented examples

  @Test
  void docs_everyExampleParsesAndRoundTrips() throws IOException {
    List<String> examples = documentedExamples();
    assertThat(examples).hasSizeGreaterThanOrEqualTo(10);
    for (String text : examples) {
      Question q = parse(text);
      assertThat(QueryText.parse(QueryText.format(q), 0)).as(text).isEqualTo(q);
    }
  }

  @Test
  void docs_examplesGiveTheQuestionsTheyDescribe() throws IOException {
    Map<String, Question> expected = new LinkedHashMap<>();
    expected.put(
        "where service.name = checkout | p99(duration) by http.route | last 1h",
        last(H)
            .where(p("service.name", Op.EQ, "checkout"))
            .calculate(Aggregate.P99, "duration")
            .by("http.route")
            .build());
    expected.put(
        "where service.name = checkout and error = true | p99(duration), count() by http.route"
            + " | last 1h",
        last(H)
            .where(and(p("service.name", Op.EQ, "checkout"), p("error", Op.EQ, true)))
            .calculate(Aggregate.P99, "duration")
            .calculate(Calculation.count())
            .by("http.route")
            .build());
    expected.put(
        "where user_id = u-123 and error = true | count() by service.name, name | last 24h",
        last(D)
            .where(and(p("user_id", Op.EQ, "u-123"), p("error", Op.EQ, true)))
            .by("service.name", "name")
            .build());
    expected.put(
        "where account_id = a-42 | max(duration) by trace_id | order by max(duration) desc"
            + " | limit 10 | last 24h",
        last(D)
            .where(p("account_id", Op.EQ, "a-42"))
            .calculate(Aggregate.MAX, "duration")
            .by("trace_id")
            .orderBy(Order.desc("max(duration)"))
            .limit(10)
            .build());
    expected.put(
        "where span.kind = server | p95(duration), count() by service.name, http.route"
            + " | having p95(duration) > 500ms and count() >= 100 | order by p95(duration) desc"
            + " | limit 20 | last 1h",
        last(H)
            .where(p("span.kind", Op.EQ, "server"))
            .calculate(Aggregate.P95, "duration")
            .calculate(Calculation.count())
            .by("service.name", "http.route")
            .having(new Having(Calculation.of(Aggregate.P95, "duration"), Op.GT, 500e6))
            .having(new Having(Calculation.count(), Op.GE, 100))
            .orderBy(Order.desc("p95(duration)"))
            .limit(20)
            .build());
    expected.put(
        "where error = true | rate() by service.name | every 1m | last 3h",
        last(3 * H)
            .where(p("error", Op.EQ, true))
            .calculate(Aggregate.RATE, null)
            .by("service.name")
            .granularityNanos(M)
            .series(true)
            .build());
    expected.put(
        "where service.name = checkout | heatmap(duration) | last 6h",
        last(6 * H)
            .where(p("service.name", Op.EQ, "checkout"))
            .calculate(Aggregate.HEATMAP, "duration")
            .build());
    expected.put(
        "where service.name in (checkout, cart, payment) and http.response.status_code >= 500"
            + " | count() by service.name, http.response.status_code"
            + " | since 2024-05-01T00:00:00Z until 2024-05-02T00:00:00Z",
        Question.over(new TimeRange(at("2024-05-01T00:00:00Z"), at("2024-05-02T00:00:00Z")))
            .where(
                and(
                    p("service.name", Op.IN, "checkout", "cart", "payment"),
                    p("http.response.status_code", Op.GE, 500L)))
            .by("service.name", "http.response.status_code")
            .build());
    expected.put(
        "where db.system exists and duration > 100ms | count(), avg(duration), max(duration)"
            + " by db.system, peer.service | last 30m",
        last(30 * M)
            .where(and(p("db.system", Op.EXISTS), p("duration", Op.GT, 100_000_000L)))
            .calculate(Calculation.count())
            .calculate(Aggregate.AVG, "duration")
            .calculate(Aggregate.MAX, "duration")
            .by("db.system", "peer.service")
            .build());
    expected.put(
        "where kind = log and body contains \"connection refused\" | count() by service.name,"
            + " severity | last 15m",
        last(15 * M)
            .where(and(p("kind", Op.EQ, "log"), p("body", Op.CONTAINS, "connection refused")))
            .by("service.name", "severity")
            .build());
    expected.put(
        "where span.kind = server and http.route does-not-exist | count() by service.name, name"
            + " | last 1h",
        last(H)
            .where(and(p("span.kind", Op.EQ, "server"), p("http.route", Op.NOT_EXISTS)))
            .by("service.name", "name")
            .build());
    expected.put(
        "where (service.name = checkout or service.name = cart) and (error = true or duration >="
            + " 2s) | count() by service.name | last 2h",
        last(2 * H)
            .where(
                and(
                    or(p("service.name", Op.EQ, "checkout"), p("service.name", Op.EQ, "cart")),
                    or(p("error", Op.EQ, true), p("duration", Op.GE, 2 * S))))
            .by("service.name")
            .build());
    expected.put(
        "where `order type` = \"express delivery\" | count() by `order type` | last 1h",
        last(H).where(p("order type", Op.EQ, "express delivery")).by("order type").build());
    expected.put(
        "where service.name = payment | p99(duration), rate() | last 1h until"
            + " 2024-05-01T10:00:00Z | every 1m",
        Question.over(new TimeRange(at("2024-05-01T09:00:00Z"), at("2024-05-01T10:00:00Z")))
            .where(p("service.name", Op.EQ, "payment"))
            .calculate(Aggregate.P99, "duration")
            .calculate(Aggregate.RATE, null)
            .granularityNanos(M)
            .series(true)
            .build());
    expected.put(
        "where http.route starts-with /api/ and http.route not in (/api/health, /api/ready)"
            + " | count() by http.route | order by count desc | since 2 days ago until 1 day ago",
        Question.over(new TimeRange(NOW - 2 * D, NOW - D))
            .where(
                and(
                    p("http.route", Op.STARTS_WITH, "/api/"),
                    p("http.route", Op.NOT_IN, "/api/health", "/api/ready")))
            .by("http.route")
            .orderBy(Order.desc("count()"))
            .build());

    List<String> documented = documentedExamples();
    assertThat(expected).hasSizeGreaterThanOrEqualTo(documented.size() * 2 / 3);
    expected.forEach(
        (text, question) -> {
          assertThat(documented).as("documented in docs/query.md").contains(text);
          assertThat(parse(text)).as(text).isEqualTo(question);
        });
  }

  /** Each line of the code blocks under the "Examples" heading of docs/query.md. */
  static List<String> documentedExamples() throws IOException {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("docs/query.md"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("docs/query.md above the working directory").isNotNull();
    List<String> examples = new ArrayList<>();
    boolean inSection = false;
    boolean inCode = false;
    for (String line : Files.readAllLines(dir.resolve("docs/query.md"))) {
      if (line.startsWith("## ")) {
        inSection = line.equals("## Examples");
      } else if (inSection && line.startsWith("```")) {
        inCode = !inCode;
      } else if (inSection && inCode && !line.isBlank()) {
        examples.add(line);
      }
    }
    return examples;
  }

  // Conditions

  @Test
  void where_everyOperator_isRead() {
    Map<String, Filter> cases = new LinkedHashMap<>();
    cases.put("a = x", p("a", Op.EQ, "x"));
    cases.put("a == x", p("a", Op.EQ, "x"));
    cases.put("a != x", p("a", Op.NE, "x"));
    cases.put("a <> x", p("a", Op.NE, "x"));
    cases.put("a < 1", p("a", Op.LT, 1L));
    cases.put("a <= 1", p("a", Op.LE, 1L));
    cases.put("a > 1", p("a", Op.GT, 1L));
    cases.put("a >= 1", p("a", Op.GE, 1L));
    cases.put("a>=1", p("a", Op.GE, 1L));
    cases.put("a in (x, 2, 'y z')", p("a", Op.IN, "x", 2L, "y z"));
    cases.put("a in (x)", p("a", Op.IN, "x"));
    cases.put("a not in (x, y)", p("a", Op.NOT_IN, "x", "y"));
    cases.put("a not-in (x)", p("a", Op.NOT_IN, "x"));
    cases.put("a exists", p("a", Op.EXISTS));
    cases.put("a does-not-exist", p("a", Op.NOT_EXISTS));
    cases.put("a not exists", p("a", Op.NOT_EXISTS));
    cases.put("a does not exist", p("a", Op.NOT_EXISTS));
    cases.put("a contains oops", p("a", Op.CONTAINS, "oops"));
    cases.put("a starts-with /api", p("a", Op.STARTS_WITH, "/api"));
    cases.put("a STARTS-WITH x", p("a", Op.STARTS_WITH, "x"));
    cases.put("a NOT IN (x)", p("a", Op.NOT_IN, "x"));
    cases.forEach(
        (text, filter) -> assertThat(parse("where " + text).where()).as(text).isEqualTo(filter));
  }

  @Test
  void where_andBindsTighterThanOr() {
    assertThat(parse("where a = 1 or b = 2 and c = 3").where())
        .isEqualTo(or(p("a", Op.EQ, 1L), and(p("b", Op.EQ, 2L), p("c", Op.EQ, 3L))));
    assertThat(parse("where a = 1 and b = 2 or c = 3").where())
        .isEqualTo(or(and(p("a", Op.EQ, 1L), p("b", Op.EQ, 2L)), p("c", Op.EQ, 3L)));
  }

  @Test
  void where_parenthesesMakeNestedGroups() {
    assertThat(parse("where (a = 1 or b = 2) and c = 3").where())
        .isEqualTo(and(or(p("a", Op.EQ, 1L), p("b", Op.EQ, 2L)), p("c", Op.EQ, 3L)));
    assertThat(parse("where ((a = 1))").where()).isEqualTo(p("a", Op.EQ, 1L));
    String deep =
        "(".repeat(QueryTextWhere.MAX_DEPTH) + "a = 1" + ")".repeat(QueryTextWhere.MAX_DEPTH);
    assertThat(parse("where " + deep).where()).isEqualTo(p("a", Op.EQ, 1L));
    assertThat(parse("where a = 1 and (b = 2 and (c = 3 or d = 4))").where())
        .isEqualTo(
            and(
                p("a", Op.EQ, 1L),
                and(p("b", Op.EQ, 2L), or(p("c", Op.EQ, 3L), p("d", Op.EQ, 4L)))));
  }

  @Test
  void keywords_areCaseInsensitive_columnsAndValuesAreNot() {
    assertThat(parse("WHERE Service.Name = Checkout AND error = TRUE | COUNT() BY Route | LAST 1h"))
        .isEqualTo(
            last(H)
                .where(and(p("Service.Name", Op.EQ, "Checkout"), p("error", Op.EQ, true)))
                .by("Route")
                .build());
  }

  // Values

  @Test
  void values_haveTheTypeTheyLookLike() {
    Map<String, Object> cases = new LinkedHashMap<>();
    cases.put("42", 42L);
    cases.put("-7", -7L);
    cases.put("0", 0L);
    cases.put("2.5", 2.5);
    cases.put("-0.25", -0.25);
    cases.put("1.5e3", 1500.0);
    cases.put("500ms", 500_000_000L);
    cases.put("1.5s", 1_500_000_000L);
    cases.put("250us", 250_000L);
    cases.put("250µs", 250_000L);
    cases.put("10ns", 10L);
    cases.put("1h30m", 90 * M);
    cases.put("7d", 7 * D);
    cases.put("true", true);
    cases.put("False", false);
    cases.put("checkout", "checkout");
    cases.put("GET", "GET");
    cases.put("u-123", "u-123");
    cases.put("/api/v1/users", "/api/v1/users");
    cases.put("2.4.1", "2.4.1");
    cases.put("007", "007");
    cases.put("99999999999999999999999", "99999999999999999999999");
    cases.put("1H", "1H");
    cases.put("\"500\"", "500");
    cases.put("'true'", "true");
    cases.put("\"a \\\"quoted\\\" word\"", "a \"quoted\" word");
    cases.put("'it\\'s'", "it's");
    cases.put("\"tab\\there\\nnew \\\\ \\u00e9\"", "tab\there\nnew \\ é");
    cases.put("\"a | b, (c)\"", "a | b, (c)");
    cases.forEach(
        (text, value) ->
            assertThat(parse("where a = " + text).where())
                .as(text)
                .isEqualTo(p("a", Op.EQ, value)));
  }

  @Test
  void containsAndStartsWith_keepWordsAsText() {
    assertThat(parse("where code contains 500").where()).isEqualTo(p("code", Op.CONTAINS, "500"));
    assertThat(parse("where v starts-with true").where()).isEqualTo(p("v", Op.STARTS_WITH, "true"));
  }

  @Test
  void columns_takeDotsDashesSlashesColons_andAnythingInBackticks() {
    assertThat(parse("where k8s.pod.name = x and a/b:c-d_e = 1 and `weird key!` exists").where())
        .isEqualTo(
            and(
                p("k8s.pod.name", Op.EQ, "x"),
                p("a/b:c-d_e", Op.EQ, 1L),
                p("weird key!", Op.EXISTS)));
    assertThat(parse("where `a\\`b` = 1").where()).isEqualTo(p("a`b", Op.EQ, 1L));
    assertThat(parse("where by = 1 | count() by `count`, where").breakdowns())
        .containsExactly("count", "where");
  }

  // Calculations, by, having, order, limit

  @Test
  void calculations_inEveryForm() {
    assertThat(parse("count").calculations()).containsExactly(Calculation.count());
    assertThat(parse("count, rate").calculations())
        .containsExactly(Calculation.count(), Calculation.of(Aggregate.RATE, null));
    assertThat(
            parse(
                    "count_distinct(user_id), distinct(user_id), sum(bytes), avg(duration),"
                        + " mean(duration), median(duration), min(duration), max(duration),"
                        + " p50(duration), p75(duration), p90(duration), p95(duration),"
                        + " p99(duration), p999(duration), heatmap(duration), P99(`weird col`)")
                .calculations())
        .containsExactly(
            Calculation.of(Aggregate.COUNT_DISTINCT, "user_id"),
            Calculation.of(Aggregate.COUNT_DISTINCT, "user_id"),
            Calculation.of(Aggregate.SUM, "bytes"),
            Calculation.of(Aggregate.AVG, "duration"),
            Calculation.of(Aggregate.AVG, "duration"),
            Calculation.of(Aggregate.P50, "duration"),
            Calculation.of(Aggregate.MIN, "duration"),
            Calculation.of(Aggregate.MAX, "duration"),
            Calculation.of(Aggregate.P50, "duration"),
            Calculation.of(Aggregate.P75, "duration"),
            Calculation.of(Aggregate.P90, "duration"),
            Calculation.of(Aggregate.P95, "duration"),
            Calculation.of(Aggregate.P99, "duration"),
            Calculation.of(Aggregate.P999, "duration"),
            Calculation.of(Aggregate.HEATMAP, "duration"),
            Calculation.of(Aggregate.P99, "weird col"));
  }

  @Test
  void by_standsAloneOrAfterCalculations_inAnyClauseOrder() {
    Question expected =
        last(H).calculate(Aggregate.P99, "duration").by("service.name", "http.route").build();
    assertThat(parse("p99(duration) by service.name, http.route")).isEqualTo(expected);
    assertThat(parse("by service.name, http.route | p99(duration)")).isEqualTo(expected);
    assertThat(parse("last 1h | group by service.name, http.route | p99(duration)"))
        .isEqualTo(expected);
  }

  @Test
  void having_takesDurationsNumbersAndSeveralConditions() {
    assertThat(parse("having p99(duration) > 1.5s, count >= 10 and avg(bytes) < 2.5").having())
        .containsExactly(
            new Having(Calculation.of(Aggregate.P99, "duration"), Op.GT, 1.5e9),
            new Having(Calculation.count(), Op.GE, 10),
            new Having(Calculation.of(Aggregate.AVG, "bytes"), Op.LT, 2.5));
  }

  @Test
  void orderBy_isAscendingUnlessDesc_andNamesCalculationsByLabel() {
    assertThat(
            parse("order by P99(duration) DESC, service.name, count asc, `count` desc").orderBy())
        .containsExactly(
            Order.desc("p99(duration)"),
            Order.asc("service.name"),
            Order.asc("count()"),
            Order.desc("count"));
    assertThat(parse("sort by rate desc").orderBy()).containsExactly(Order.desc("rate()"));
  }

  @Test
  void limit_andDefaults() {
    assertThat(parse("limit 20").limit()).isEqualTo(20);
    Question empty = parse("");
    assertThat(empty).isEqualTo(last(H).build());
    assertThat(empty.limit()).isEqualTo(Question.DEFAULT_LIMIT);
    assertThat(empty.calculations()).containsExactly(Calculation.count());
    assertThat(parse("   ")).isEqualTo(empty);
  }

  // Time

  @Test
  void time_lastSinceUntilAgoAndIso() {
    assertThat(parse("last 15m").range()).isEqualTo(new TimeRange(NOW - 15 * M, NOW));
    assertThat(parse("last 7d").range()).isEqualTo(new TimeRange(NOW - 7 * D, NOW));
    assertThat(parse("last 2 hours").range()).isEqualTo(new TimeRange(NOW - 2 * H, NOW));
    assertThat(parse("last day").range()).isEqualTo(new TimeRange(NOW - D, NOW));
    assertThat(parse("since 2h ago").range()).isEqualTo(new TimeRange(NOW - 2 * H, NOW));
    assertThat(parse("since 2h ago until 30 minutes ago").range())
        .isEqualTo(new TimeRange(NOW - 2 * H, NOW - 30 * M));
    assertThat(parse("since 3h ago | until 1h ago").range())
        .isEqualTo(new TimeRange(NOW - 3 * H, NOW - H));
    assertThat(parse("since 2024-05-01T08:00:00Z until now").range())
        .isEqualTo(new TimeRange(NOW - 2 * H, NOW));
    assertThat(parse("since 2024-05-01T10:00:00+02:00").range())
        .isEqualTo(new TimeRange(NOW - 2 * H, NOW));
    assertThat(parse("since 2024-05-01T09:30:00").range())
        .isEqualTo(new TimeRange(NOW - 30 * M, NOW));
    assertThat(parse("since 2024-05-01").range()).isEqualTo(new TimeRange(NOW - 10 * H, NOW));
    assertThat(parse("since '2024-05-01 09:00:00.5Z'").range())
        .isEqualTo(new TimeRange(NOW - H + S / 2, NOW));
    assertThat(parse("until 1d ago").range()).isEqualTo(new TimeRange(NOW - D - H, NOW - D));
    assertThat(parse("last 15m until 2024-05-01T09:00:00Z").range())
        .isEqualTo(new TimeRange(NOW - H - 15 * M, NOW - H));
  }

  @Test
  void every_turnsOnSeries() {
    Question q = parse("every 5m");
    assertThat(q.series()).isTrue();
    assertThat(q.granularityNanos()).isEqualTo(5 * M);
    assertThat(parse("every 30 seconds").granularityNanos()).isEqualTo(30 * S);
    assertThat(parse("every auto")).isEqualTo(last(H).series(true).build());
    assertThat(parse("series")).isEqualTo(last(H).series(true).build());
    assertThat(parse("count()").series()).isFalse();
  }

  // Errors

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of(
            "where service.name = ",
            21,
            "expected a value after '=' at position 21, found end of input"),
        Arguments.of(
            "where service.name = | count()",
            21,
            "expected a value after '=' at position 21, found '|'"),
        Arguments.of(
            "where", 5, "expected a condition such as service.name = checkout at position 5"),
        Arguments.of("where a", 7, "expected an operator (=, !=, <, <=, >, >=, in, not in"),
        Arguments.of("where a ~ b", 8, "found '~'"),
        Arguments.of("where a = 1 and", 15, "expected a condition"),
        Arguments.of(
            "where a = 1 last 1h",
            12,
            "expected 'and', 'or' or '|' at position 12, found 'last'; clauses are separated by |"),
        Arguments.of(
            "where (a = 1 or b = 2",
            21,
            "expected 'and', 'or' or ')' at position 21, found end of input; the '(' at position 6 is not closed"),
        Arguments.of("where a = 1)", 11, "found ')'"),
        Arguments.of(
            "where a in 1",
            11,
            "expected '(' after 'in' at position 11, found '1'; write in (a, b)"),
        Arguments.of(
            "where a in (1, 2",
            16,
            "expected ',' or ')' at position 16, found end of input; the '(' at position 11 is not closed"),
        Arguments.of("where a in ()", 12, "expected a value after '('"),
        Arguments.of("where a = 'abc", 10, "unterminated string starting at position 10"),
        Arguments.of("where `abc = 1", 6, "unterminated backticked name starting at position 6"),
        Arguments.of("where a = \"x\\q\"", 12, "unknown escape '\\q' at position 12"),
        Arguments.of("where a ! b", 8, "unexpected '!' at position 8; write != for not equal"),
        Arguments.of(
            "where a@b = 1", 6, "column name 'a@b' at position 6 has characters other than"),
        Arguments.of("where 'a' = 1", 6, "write a column name in backticks: `a`"),
        Arguments.of("where a = `b`", 10, "backticks at position 10 are for column names"),
        Arguments.of("where a = null", 10, "comparing with null at position 10 is not supported"),
        Arguments.of("where not a = 1", 6, "'not' at position 6 cannot negate a condition"),
        Arguments.of("where a not contains x", 8, "'not contains' at position 8 is not supported"),
        Arguments.of(
            "where a is null", 8, "'is' at position 8 is not an operator; write 'a exists'"),
        Arguments.of("where a like x", 8, "'like' at position 8 is not supported; use contains"),
        Arguments.of(
            "service.name = checkout | count()",
            0,
            "unknown clause 'service.name' at position 0; did you mean 'where service.name = …'?"),
        Arguments.of(
            "filter a = 1", 0, "unknown clause 'filter' at position 0; write where instead."),
        Arguments.of("fliter", 0, "unknown clause 'fliter' at position 0; did you mean 'where'?"),
        Arguments.of("wehre x", 0, "unknown clause 'wehre' at position 0; did you mean 'where'?"),
        Arguments.of(
            "count() | top 5", 10, "unknown clause 'top' at position 10; write limit instead."),
        Arguments.of("count() | from 2h ago", 10, "write since instead."),
        Arguments.of(
            "count() | xyzzy",
            10,
            "unknown clause 'xyzzy' at position 10. A clause starts with where, by,"),
        Arguments.of("p99", 0, "p99 at position 0 needs a column, e.g. p99(duration)"),
        Arguments.of("p99()", 0, "p99 at position 0 needs a column"),
        Arguments.of(
            "count(user_id)",
            0,
            "count() at position 0 takes no column; for distinct values write count_distinct(user_id)"),
        Arguments.of(
            "p99(duration",
            12,
            "expected ')' at position 12, found end of input; the '(' at position 3 is not closed"),
        Arguments.of(
            "p99(duration) | count()",
            16,
            "two calculation clauses, at positions 0 and 16; list all calculations in one clause"),
        Arguments.of(
            "count() by",
            10,
            "expected a column name after 'by' at position 10, found end of input"),
        Arguments.of("count() by a, a", 14, "column a at position 14 is already in by"),
        Arguments.of("count() by a | by b", 15, "two by clauses, at positions 8 and 15"),
        Arguments.of(
            "where a = 1 | where b = 2",
            14,
            "two where clauses, at positions 0 and 14; join the conditions with 'and'"),
        Arguments.of(
            "count() |", 9, "expected a clause after '|' at position 9, found end of input"),
        Arguments.of("| count()", 0, "expected a clause (where, by,"),
        Arguments.of("count() || last 1h", 9, "expected a clause (where, by, having"),
        Arguments.of(
            "having p99(duration) > fast",
            23,
            "expected a number or duration after '>' at position 23, found 'fast'"),
        Arguments.of("having count() in (1)", 15, "expected =, !=, <, <=, > or >= after count()"),
        Arguments.of(
            "having count() > 1 or count() < 0", 19, "'or' at position 19 is not supported"),
        Arguments.of(
            "order p99(duration)", 6, "expected 'by' after 'order' at position 6, found 'p99'"),
        Arguments.of("order by", 8, "expected a column or calculation to order by at position 8"),
        Arguments.of(
            "limit ten", 6, "expected a whole number after 'limit' at position 6, found 'ten'"),
        Arguments.of("limit 0", 6, "limit 0 at position 6 is out of range; use 1 to 10000"),
        Arguments.of("limit 10001", 6, "out of range"),
        Arguments.of("limit 99999999999999999999", 6, "out of range"),
        Arguments.of(
            "last",
            4,
            "expected a duration like 15m, 1h or 7d after 'last' at position 4, found end of input"),
        Arguments.of("last 1H", 5, "found '1H'"),
        Arguments.of("last 0s", 5, "the duration at position 5 must be more than zero"),
        Arguments.of("last 1h | last 2h", 10, "two last clauses, at positions 0 and 10; keep one"),
        Arguments.of(
            "last 1h | since 2h ago",
            10,
            "'since' at position 10 conflicts with 'last' at position 0"),
        Arguments.of(
            "since yesterday",
            6,
            "expected a time like 2024-05-01T10:00:00Z, 2h ago or now after 'since' at position 6, found 'yesterday'"),
        Arguments.of(
            "since 2h", 8, "expected 'ago' after the duration at position 8, found end of input"),
        Arguments.of(
            "since 1h ago until 2h ago",
            0,
            "the time range is empty: it starts at 2024-05-01T09:00:00Z and ends at 2024-05-01T08:00:00Z"),
        Arguments.of("since 2030-01-01T00:00:00Z", 0, "the time range is empty"),
        Arguments.of("last 1h 2h", 8, "expected 'until' or '|' at position 8, found '2h'"),
        Arguments.of(
            "every", 5, "expected a bucket width like 1m or 'auto' after 'every' at position 5"),
        Arguments.of("series now", 7, "expected '|' at position 7, found 'now'"),
        Arguments.of("last 999999999d", 5, "the duration at position 5 is too long"),
        Arguments.of(
            "where duration > 500 ms",
            21,
            "expected 'and', 'or' or '|' at position 21, found 'ms'; write durations without a"
                + " space: 500ms"),
        Arguments.of("having p99(duration) > 2 seconds", 25, "write durations without a space: 2s"),
        Arguments.of(
            "where " + "(".repeat(QueryTextWhere.MAX_DEPTH + 1) + "a = 1",
            6 + QueryTextWhere.MAX_DEPTH,
            "parentheses nested deeper than 64"));
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void malformed_isRefusedWithMessageAndPosition(String text, int position, String message) {
    assertThatThrownBy(() -> parse(text))
        .as(text)
        .isInstanceOfSatisfying(
            QueryException.class,
            e -> {
              assertThat(e.getMessage()).contains(message);
              assertThat(e.position()).isEqualTo(position);
            });
  }

  // Formatting

  @Test
  void format_writesTheCanonicalForm() {
    Question q =
        parse(
            "LAST 1h | where service.name = checkout and error = TRUE | by http.route |"
                + " P99(duration), count | having p99(duration) > 0.5s | order by p99(duration)"
                + " desc | limit 20 | every 1m");
    assertThat(QueryText.format(q))
        .isEqualTo(
            "where service.name = checkout and error = true | p99(duration), count() by"
                + " http.route | having p99(duration) > 500ms | order by p99(duration) desc |"
                + " limit 20 | since 2024-05-01T09:00:00Z until 2024-05-01T10:00:00Z | every 1m");
  }

  @Test
  void format_thenParse_givesTheSameQuestion() {
    List<Question> questions =
        List.of(
            last(H).build(),
            last(H).series(true).build(),
            Question.over(new TimeRange(NOW - 123_456_789L, NOW + 1))
                .where(
                    or(
                        and(p("a", Op.EQ, "x y"), or(p("b", Op.LT, -2.5), p("c", Op.NE, false))),
                        and(p("d", Op.EQ, "and"), p("e", Op.EQ, "\"quoted\"\n\\")),
                        p("weird key`", Op.IN, "1", 1L, 1.0, true, "true", "007", "1h"),
                        p("f", Op.CONTAINS, "x)|(y"),
                        p("count", Op.NOT_EXISTS),
                        p("duration", Op.GE, 1_500_000L),
                        p("duration", Op.GE, 1_234_567L),
                        p("duration", Op.LE, -5L),
                        p("g", Op.EQ, "")))
                .calculate(Aggregate.COUNT_DISTINCT, "user id")
                .calculate(Aggregate.HEATMAP, "duration")
                .calculate(Aggregate.P999, "duration")
                .by("by", "x/y:z")
                .having(new Having(Calculation.of(Aggregate.COUNT_DISTINCT, "user id"), Op.NE, 0.1))
                .having(new Having(Calculation.of(Aggregate.P999, "duration"), Op.GE, 1.5e9))
                .having(new Having(Calculation.count(), Op.GT, 1e20))
                .orderBy(Order.asc("count_distinct(user id)"))
                .orderBy(Order.desc("by"))
                .orderBy(Order.desc("count()"))
                .orderBy(Order.asc("P99(duration)"))
                .limit(Question.MAX_LIMIT)
                .granularityNanos(90 * S)
                .series(true)
                .build());
    for (Question q : questions) {
      String text = QueryText.format(q);
      assertThat(QueryText.parse(text, 0)).as(text).isEqualTo(q);
    }
  }

  @Test
  void format_quotesOnlyWhatNeedsQuotes() {
    Question q =
        last(H)
            .where(
                and(
                    p("service.name", Op.EQ, "checkout"),
                    p("http.route", Op.EQ, "/api/v1"),
                    p("version", Op.EQ, "1d"),
                    p("status", Op.EQ, "or"),
                    p("my key", Op.EQ, "a b")))
            .build();
    assertThat(QueryText.format(q))
        .startsWith(
            "where service.name = checkout and http.route = /api/v1 and version = \"1d\" and"
                + " status = \"or\" and `my key` = \"a b\" | count() |");
  }
}
