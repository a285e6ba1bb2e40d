package io.sextant.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.common.QueryParams;
import io.sextant.model.TraceId;
import io.sextant.query.Filter;
import io.sextant.query.Op;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parameters of Jaeger's query API as {@link JaegerApi} reads them. */
class JaegerApiTest {

  @Test
  void logfmtTags_withQuotesAndEscapes() {
    assertThat(JaegerParams.logfmt("a=1  b=\"two words\" c=\"say \\\"hi\\\"\" d="))
        .containsExactly(
            Map.entry("a", "1"),
            Map.entry("b", "two words"),
            Map.entry("c", "say \"hi\""),
            Map.entry("d", ""));
    assertThatThrownBy(() -> JaegerParams.logfmt("=v")).hasMessageContaining("key=value");
    assertThatThrownBy(() -> JaegerParams.logfmt("a=\"x")).hasMessageContaining("closing quote");
  }

  @Test
  void tags_fromJsonLogfmtAndTheOlderTagParameter() {
    QueryParams p =
        QueryParams.builder()
            .add("tags", "{\"http.status_code\":500,\"error\":true,\"u\":\"x\"}")
            .add("tags", "k=v")
            .add("tag", "db:postgres:15")
            .build();
    assertThat(JaegerParams.tags(p))
        .containsExactly(
            Map.entry("http.status_code", "500"),
            Map.entry("error", "true"),
            Map.entry("u", "x"),
            Map.entry("k", "v"),
            Map.entry("db", "postgres:15"));
    assertThatThrownBy(() -> JaegerParams.tags(QueryParams.of("tags", "[1]")))
        .hasMessageContaining("JSON object");
    assertThatThrownBy(() -> JaegerParams.tags(QueryParams.of("tag", "nocolon")))
        .hasMessageContaining("key:value");
    assertThatThrownBy(() -> JaegerParams.tags(QueryParams.of("tags", "x".repeat(9000))))
        .hasMessageContaining("8192 characters");
  }

  @Test
  void derivedTags_searchTheFieldsTheyComeFrom() {
    assertThat(JaegerParams.tagFilter("otel.status_code", "ERROR"))
        .isEqualTo(Filter.Predicate.of("status", Op.EQ, "error"));
    assertThat(JaegerParams.tagFilter("span.kind", "SERVER"))
        .isEqualTo(Filter.Predicate.of("span.kind", Op.EQ, "server"));
    assertThat(JaegerParams.tagFilter("otel.status_description", "boom"))
        .isEqualTo(Filter.Predicate.of("status_message", Op.EQ, "boom"));
    assertThat(JaegerParams.tagFilter("error", "true"))
        .isEqualTo(Filter.Predicate.of("error", Op.EQ, "true"));
    assertThat(JaegerParams.tagFilter("http.route", "/a"))
        .isEqualTo(new Filter.Predicate("http.route", Op.EQ, List.of("/a")));
  }

  @Test
  void traceIds_limitsAndDurations() {
    assertThat(JaegerParams.traceId("ABC")).isEqualTo(new TraceId(0, 0xabc));
    assertThat(JaegerParams.traceId("4bf92f3577b34da6a3ce929d0e0e4736").toHex())
        .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThatThrownBy(() -> JaegerParams.traceId("")).hasMessageContaining("1 to 32 hex digits");
    assertThatThrownBy(() -> JaegerParams.traceId("g1")).hasMessageContaining("1 to 32 hex digits");
    assertThatThrownBy(() -> JaegerParams.traceId("\u0663"))
        .hasMessageContaining("1 to 32 hex digits");
    assertThat(JaegerParams.limit(null)).isEqualTo(100);
    assertThat(JaegerParams.limit("0")).isEqualTo(100);
    assertThat(JaegerParams.limit("1000")).isEqualTo(1000);
    assertThatThrownBy(() -> JaegerParams.limit("1001")).hasMessageContaining("maximum of 1000");
    assertThatThrownBy(() -> JaegerParams.limit("-1")).hasMessageContaining("negative");
    assertThat(JaegerParams.duration("1.2s", "minDuration")).isEqualTo(1_200_000_000L);
    assertThat(JaegerParams.duration("100ms", "minDuration")).isEqualTo(100_000_000L);
    assertThat(JaegerParams.duration("250us", "minDuration")).isEqualTo(250_000L);
    assertThat(JaegerParams.duration("1m30s", "maxDuration")).isEqualTo(90_000_000_000L);
    assertThat(JaegerParams.duration("", "minDuration")).isNull();
  }
}
