package io.sextant.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableRendererTest {

  static final String RESULT =
      """
      {"columns":[{"name":"service.name","type":"string","calculation":false},
                  {"name":"p99(duration)","type":"number","calculation":true},
                  {"name":"count()","type":"number","calculation":true}],
       "rows":[["checkout", 1.234E8, 42], ["cart", null, 7], [null, 850, 1234567]],
       "series":null,
       "heatmaps":[],
       "stats":{"engine":"duckdb","elapsed_ms":12}}
      """;

  @Test
  void table_alignsTextLeftAndNumbersRight_andHumanisesDurations() throws Exception {
    assertThat(TableRenderer.render(RESULT))
        .isEqualTo(
            """
            service.name  p99(duration)  count()
            ────────────  ─────────────  ───────
            checkout            123.4ms       42
            cart                      -        7
            -                     850ns  1234567
            3 rows · duckdb · 12 ms
            """);
  }

  @Test
  void table_showsOtherNumbersPlainly() throws Exception {
    String json =
        """
        {"columns":[{"name":"http.response.status_code","type":"number","calculation":false},
                    {"name":"avg(bytes)","type":"number","calculation":true},
                    {"name":"rate()","type":"number","calculation":true},
                    {"name":"count_distinct(duration)","type":"number","calculation":true},
                    {"name":"error","type":"bool","calculation":false}],
         "rows":[[500, 1.234E8, 0.12345, 3, true]],
         "series":null,"heatmaps":[],"stats":{"engine":"memory","elapsed_ms":0}}
        """;
    assertThat(TableRenderer.render(json))
        .isEqualTo(
            """
            http.response.status_code  avg(bytes)  rate()  count_distinct(duration)  error
            ─────────────────────────  ──────────  ──────  ────────────────────────  ─────
                                  500   123400000   0.123                         3  true
            1 row · memory · 0 ms
            """);
  }

  @Test
  void table_escapesControlCharactersAndCutsLongValues() throws Exception {
    String longValue = "x".repeat(200);
    String json =
        """
        {"columns":[{"name":"body","type":"string","calculation":false}],
         "rows":[["line one\\nline\\ttwo"], ["%s"]],
         "series":null,"heatmaps":[],"stats":{"engine":"duckdb","elapsed_ms":3}}
        """
            .formatted(longValue);
    String out = TableRenderer.render(json);
    assertThat(out).contains("line one\\nline\\ttwo");
    assertThat(out).contains("x".repeat(TableRenderer.MAX_CELL_CHARS - 1) + "…\n");
    assertThat(out).doesNotContain("x".repeat(TableRenderer.MAX_CELL_CHARS));
  }

  @Test
  void table_withNoRows_printsTheHeaderAndZeroRows() throws Exception {
    String json =
        """
        {"columns":[{"name":"count()","type":"number","calculation":true}],"rows":[],
         "series":null,"heatmaps":[],"stats":{"engine":"duckdb","elapsed_ms":1}}
        """;
    assertThat(TableRenderer.render(json))
        .isEqualTo(
            """
            count()
            ───────
            0 rows · duckdb · 1 ms
            """);
  }

  @Test
  void series_drawsOneSparklinePerGroupAndCalculation() throws Exception {
    String json =
        """
        {"columns":[{"name":"service.name","type":"string","calculation":false},
                    {"name":"count()","type":"number","calculation":true},
                    {"name":"p99(duration)","type":"number","calculation":true}],
         "rows":[["checkout", 12, 2.0E9], ["cart", 3, 1.0E6]],
         "series":{"from":1714554000000000000,"step":60000000000,"buckets":4,
           "groups":[
             {"key":["checkout"],"values":{"p99(duration)":[1.0E6, null, 2.0E6, 8.0E6],"count()":[1, 2, 3, 6]}},
             {"key":["cart"],"values":{"count()":[0, 0, 0, 0],"p99(duration)":[null, null, null, null]}}]},
         "heatmaps":[],"stats":{"engine":"duckdb","elapsed_ms":5}}
        """;
    assertThat(TableRenderer.render(json))
        .endsWith(
            """
            series: 4 buckets of 1m from 2024-05-01T09:00:00Z
            checkout  count()        ▁▂▄█  min 1  max 6
            checkout  p99(duration)  ▁ ▂█  min 1ms  max 8ms
            cart      count()        ▁▁▁▁  min 0  max 0
            cart      p99(duration)        no data

            2 rows · duckdb · 5 ms
            """);
  }

  @Test
  void series_withoutBreakdowns_isCalledAll_andHeatmapsAreSummarised() throws Exception {
    String json =
        """
        {"columns":[{"name":"rate()","type":"number","calculation":true}],
         "rows":[[1.5]],
         "series":{"from":0,"step":1000000000,"buckets":2,
                   "groups":[{"key":[],"values":{"rate()":[1.0, 2.0]}}]},
         "heatmaps":[{"column":"duration","from":0,"step":1000000000,
                      "cells":[{"t":0,"low":1.0E6,"high":1.19E6,"count":12},
                               {"t":1,"low":0,"high":0,"count":3}]}],
         "stats":{"engine":"duckdb","elapsed_ms":7}}
        """;
    assertThat(TableRenderer.render(json))
        .contains("all  rate()  ▁█  min 1  max 2\n")
        .contains("heatmap(duration): 15 events in 2 cells; --json prints them\n");
  }

  @Test
  void notJson_isRefused() {
    assertThatThrownBy(() -> TableRenderer.render("<html>"))
        .isInstanceOf(JsonProcessingException.class);
  }

  @Test
  void humanDuration_picksTheLargestUnitThatKeepsOneOrMore() {
    assertThat(TableRenderer.humanDuration(0)).isEqualTo("0ns");
    assertThat(TableRenderer.humanDuration(850)).isEqualTo("850ns");
    assertThat(TableRenderer.humanDuration(1_500)).isEqualTo("1.5µs");
    assertThat(TableRenderer.humanDuration(123_400_000)).isEqualTo("123.4ms");
    assertThat(TableRenderer.humanDuration(999_960)).isEqualTo("1ms");
    assertThat(TableRenderer.humanDuration(2.5e9)).isEqualTo("2.5s");
    assertThat(TableRenderer.humanDuration(90e9)).isEqualTo("1.5m");
    assertThat(TableRenderer.humanDuration(7_200e9)).isEqualTo("2h");
    assertThat(TableRenderer.humanDuration(3 * 86_400e9)).isEqualTo("3d");
    assertThat(TableRenderer.humanDuration(-2e6)).isEqualTo("-2ms");
  }

  @Test
  void sparkline_scalesFromSmallestToLargest_andKeepsSpikesWhenNarrowed() {
    assertThat(Sparkline.render(Arrays.asList(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0), 100))
        .isEqualTo("▁▂▃▄▅▆▇█");
    assertThat(Sparkline.render(Arrays.asList(5.0, 5.0, null), 100)).isEqualTo("▁▁ ");
    List<Double> many = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      many.add(i == 150 ? 100.0 : 1.0);
    }
    String line = Sparkline.render(many, 100);
    assertThat(line).hasSize(100);
    assertThat(line.chars().filter(c -> c == '█').count()).isEqualTo(1);
  }
}
