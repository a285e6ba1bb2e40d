package io.sextant.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.query.QueryException;
import io.sextant.server.fuzz.Corpus;
import io.sextant.server.fuzz.Fuzz;
import io.sextant.server.fuzz.Mutator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The JSON question parsers of {@code /api/v1/query} and {@code /api/v1/compare}: every JSON body
 * is a question or a {@link QueryException} with a sentence, which the API answers as 400 (a body
 * that is not JSON at all is refused before them).
 */
class QueryJsonFuzzTest {
  private static final long NOW = 1_765_000_000_000_000_000L;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> WORDS =
      List.of(
          "last",
          "from",
          "to",
          "where",
          "and",
          "or",
          "not",
          "column",
          "op",
          "value",
          "values",
          "breakdowns",
          "calculations",
          "having",
          "calculation",
          "order_by",
          "key",
          "desc",
          "limit",
          "granularity",
          "series",
          "selection",
          "region",
          "low",
          "high",
          "=",
          "!=",
          ">=",
          "in",
          "not-in",
          "exists",
          "contains",
          "starts-with",
          "count()",
          "p99",
          "heatmap",
          "rate",
          "duration",
          "1h",
          "500ms",
          "2026-11-23T10:00:00Z");

  @Test
  void questionsAndComparisons() throws Exception {
    Random random = Fuzz.random("query-json");
    Mutator mutator = new Mutator(random, Corpus.seeds("query-json"), WORDS);
    Fuzz<byte[]> question =
        Fuzz.bytes("query-json", body -> QueryJson.question(tree(body), NOW), QueryException.class);
    Fuzz<byte[]> compare =
        Fuzz.bytes(
            "compare-json", body -> QueryJson.compare(tree(body), NOW), QueryException.class);
    int json = 0;
    for (int i = 0; i < Fuzz.executions(); i++) {
      byte[] body = random.nextInt(4) == 0 ? mutator.bytes() : mutator.json();
      if (tree(body) == null) {
        continue; // not JSON: the API refuses it before these parsers
      }
      json++;
      question.check(body);
      compare.check(body);
    }
    question.report();
    compare.report();
    assertThat(json).as("bodies that were JSON").isGreaterThan(Fuzz.executions() / 2);
  }

  private static JsonNode tree(byte[] body) {
    try {
      JsonNode node = JSON.readTree(body);
      return node == null || node.isMissingNode() ? null : node;
    } catch (Exception notJson) {
      return null;
    }
  }
}
