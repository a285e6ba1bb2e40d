package io.sextant.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.query.QueryException;
import io.sextant.query.Question;
import io.sextant.query.text.QueryText;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The query text parser: every text is a question or a {@link QueryException} with a sentence, and
 * a question it parses formats to text that parses to the same question.
 */
class QueryTextFuzzTest {
  private static final long NOW = 1_765_000_000_000_000_000L;
  private static final List<String> WORDS =
      List.of(
          "where",
          "and",
          "or",
          "not",
          "(",
          ")",
          "|",
          ",",
          "=",
          "!=",
          "<",
          "<=",
          ">",
          ">=",
          "in",
          "not-in",
          "exists",
          "does-not-exist",
          "contains",
          "starts-with",
          "by",
          "having",
          "order by",
          "desc",
          "asc",
          "limit",
          "last",
          "since",
          "until",
          "every",
          "count()",
          "count_distinct(user_id)",
          "sum(duration)",
          "avg(duration)",
          "p99(duration)",
          "p50(metric.histogram)",
          "heatmap(duration)",
          "rate()",
          "max(value)",
          "1h",
          "5m",
          "500ms",
          "7d",
          "2024-05-01T00:00:00Z",
          "service.name",
          "error",
          "true",
          "duration",
          "kind",
          "span",
          "metric",
          "\"quoted text\"",
          "-1",
          "0",
          "1e3",
          "http.route");

  @Test
  void mutantsAndSentences() {
    Random random = Fuzz.random("query-text");
    Mutator mutator = new Mutator(random, Corpus.seeds("query-text"), WORDS);
    Fuzz<String> fuzz =
        Fuzz.text("query-text", text -> QueryText.parse(text, NOW), QueryException.class);
    Fuzz<String> roundTrip = Fuzz.text("query-text-round-trip", this::roundTrip);
    for (int i = 0; i < Fuzz.executions(); i++) {
      String text =
          switch (random.nextInt(3)) {
            case 0 -> mutator.text();
            case 1 -> mutator.sentence();
            default -> question(random);
          };
      if (fuzz.check(text)) {
        roundTrip.check(text);
      }
    }
    fuzz.report();
    roundTrip.report();
  }

  private static final String[] COLUMNS = {
    "service.name",
    "duration",
    "error",
    "http.route",
    "user_id",
    "kind",
    "name",
    "status",
    "http.response.status_code",
    "db.system",
    "metric.name",
    "value",
    "\"odd key\""
  };
  private static final String[] OPS = {"=", "!=", "<", "<=", ">", ">=", "contains", "starts-with"};
  private static final String[] VALUES = {
    "checkout",
    "true",
    "false",
    "500",
    "-1",
    "2.5",
    "100ms",
    "1s",
    "\"a b\"",
    "\"\"",
    "u-123",
    "1e3",
    "span",
    "log",
    "metric"
  };
  private static final String[] CALCULATIONS = {
    "count()", "count_distinct(user_id)", "sum(duration)", "avg(duration)", "min(duration)",
    "max(value)", "p50(duration)", "p99(duration)", "p999(duration)", "rate()",
    "heatmap(duration)", "p99(metric.histogram)"
  };
  private static final String[] TIMES = {
    "last 1h",
    "last 15m",
    "last 7d",
    "since 2024-05-01T00:00:00Z until 2024-05-02T00:00:00Z",
    "since 2024-05-01T00:00:00Z"
  };

  /** A question of the grammar's own shape, with any columns, operators and values. */
  private static String question(Random random) {
    StringBuilder q = new StringBuilder();
    if (random.nextInt(5) > 0) {
      q.append("where ").append(condition(random, 0));
    }
    List<String> calcs = new java.util.ArrayList<>();
    for (int i = 0, n = random.nextInt(4); i < n; i++) {
      calcs.add(pick(random, CALCULATIONS));
    }
    if (!calcs.isEmpty() || random.nextBoolean()) {
      q.append(q.isEmpty() ? "" : " | ").append(String.join(", ", calcs));
      if (random.nextBoolean()) {
        q.append(" by ").append(pick(random, COLUMNS));
        if (random.nextBoolean()) {
          q.append(", ").append(pick(random, COLUMNS));
        }
      }
    }
    if (!calcs.isEmpty() && random.nextInt(3) == 0) {
      q.append(" | having ").append(calcs.get(0)).append(' ').append(pick(random, OPS));
      q.append(' ').append(pick(random, VALUES));
    }
    if (!calcs.isEmpty() && random.nextInt(3) == 0) {
      q.append(" | order by ").append(calcs.get(random.nextInt(calcs.size())));
      q.append(random.nextBoolean() ? " desc" : " asc");
    }
    if (random.nextInt(3) == 0) {
      q.append(" | limit ")
          .append(random.nextInt(3) == 0 ? -random.nextInt(5) : random.nextInt(2000));
    }
    if (random.nextInt(4) == 0) {
      q.append(" | every ").append(random.nextBoolean() ? "1m" : "10s");
    }
    if (random.nextBoolean()) {
      q.append(q.isEmpty() ? "" : " | ").append(pick(random, TIMES));
    }
    return q.toString();
  }

  private static String condition(Random random, int depth) {
    int choice = random.nextInt(depth > 2 ? 4 : 7);
    String column = pick(random, COLUMNS);
    return switch (choice) {
      case 0, 1 -> column + " " + pick(random, OPS) + " " + pick(random, VALUES);
      case 2 -> column + (random.nextBoolean() ? " exists" : " does-not-exist");
      case 3 ->
          column
              + (random.nextBoolean() ? " in (" : " not-in (")
              + pick(random, VALUES)
              + ", "
              + pick(random, VALUES)
              + ")";
      case 4 -> condition(random, depth + 1) + " and " + condition(random, depth + 1);
      case 5 -> condition(random, depth + 1) + " or " + condition(random, depth + 1);
      default -> (random.nextBoolean() ? "not " : "") + "(" + condition(random, depth + 1) + ")";
    };
  }

  private static String pick(Random random, String[] words) {
    return words[random.nextInt(words.length)];
  }

  /** The seeds themselves are questions: without them the mutants would test only refusals. */
  @Test
  void seeds_areQuestions() {
    for (byte[] seed : Corpus.seeds("query-text")) {
      roundTrip(new String(seed, java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  private void roundTrip(String text) {
    Question q = QueryText.parse(text, NOW);
    String formatted = QueryText.format(q);
    assertThat(QueryText.parse(formatted, NOW))
        .as("parse(format(%s)) = %s", text, formatted)
        .isEqualTo(q);
  }
}
