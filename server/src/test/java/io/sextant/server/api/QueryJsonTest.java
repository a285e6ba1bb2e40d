package io.sextant.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.query.CompareQuery;
import io.sextant.query.QueryException;
import org.junit.jupiter.api.Test;

class QueryJsonTest {
  private static final long NOW = 1_765_000_000_000_000_000L;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void compare_whereAsText_isTheSameQuestionAsWhereAsJson() throws Exception {
    CompareQuery text =
        QueryJson.compare(
            JSON.readTree(
                """
                {"last": "1h", "where": "kind = span and (http.route in (/a, /b) or duration >= 500ms)",
                 "selection": {"where": "error = true"}}
                """),
            NOW);
    CompareQuery json =
        QueryJson.compare(
            JSON.readTree(
                """
                {"last": "1h",
                 "where": {"and": [{"column": "kind", "op": "=", "value": "span"},
                                   {"or": [{"column": "http.route", "op": "in", "values": ["/a", "/b"]},
                                           {"column": "duration", "op": ">=", "value": 500000000}]}]},
                 "selection": {"column": "error", "op": "=", "value": true}}
                """),
            NOW);

    assertThat(text).isEqualTo(json);
  }

  @Test
  void compare_whereTextWithMoreThanACondition_isRefusedWithThePosition() {
    assertThatThrownBy(
            () ->
                QueryJson.compare(
                    JSON.readTree(
                        "{\"where\": \"error = true | count()\", \"selection\": {\"where\": \"a = 1\"}}"),
                    NOW))
        .isInstanceOf(QueryException.class)
        .hasMessage("expected 'and', 'or' or the end of the condition at position 13, found '|'");
  }
}
