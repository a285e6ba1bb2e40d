package io.sextant.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.triage.probe.ProbeSuite;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The probe YAML loader: every file is a suite or an {@link IllegalArgumentException}. */
class ProbeYamlFuzzTest {
  private static final Map<String, String> VARIABLES =
      Map.of("gateway", "http://127.0.0.1:1", "tester_token", "t0ken");
  private static final List<String> WORDS =
      List.of(
          "probes:",
          "defaults:",
          "- name: ",
          "request:",
          "method: ",
          "url: ",
          "headers:",
          "body: ",
          "expect:",
          "status: ",
          "max_latency_ms: ",
          "json:",
          "- path: ",
          "op: ",
          "value: ",
          "tester:",
          "user_id: ",
          "account_id: ",
          "read_only: ",
          "suite: ",
          "$.a[0]",
          "$..*",
          "${gateway}",
          "${nope}",
          "http://",
          "https://x/",
          "ftp://x",
          "GET",
          "POST",
          "\n  ",
          "\n    ",
          "{",
          "}",
          "[",
          "]",
          "&a",
          "*a",
          "<<: *a",
          "---",
          "...",
          "? ",
          "!!str");

  @Test
  void mutants() {
    Random random = Fuzz.random("probes");
    Mutator mutator = new Mutator(random, Corpus.seeds("probes"), WORDS);
    Fuzz<byte[]> fuzz =
        Fuzz.bytes(
            "probe-yaml",
            yaml -> ProbeSuite.parse(new ByteArrayInputStream(yaml), "probes.yaml", VARIABLES),
            IllegalArgumentException.class);
    for (int i = 0; i < Fuzz.executions(); i++) {
      fuzz.check(mutator.bytes());
    }
    fuzz.report();
  }

  @Test
  void seeds_areSuites() throws Exception {
    for (byte[] seed : Corpus.seeds("probes")) {
      assertThat(
              ProbeSuite.parse(new ByteArrayInputStream(seed), "probes.yaml", VARIABLES).probes())
          .isNotEmpty();
    }
  }
}
