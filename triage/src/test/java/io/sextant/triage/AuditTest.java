package io.sextant.triage;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.triage.probe.ProbeRun;
import io.sextant.triage.probe.ProbeSuite;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuditTest {

  @Test
  void everyProbeIsListedAndWhatOnlyProbesOutsideTheSuiteReachIsNamed() {
    Map<String, Map<String, Double>> footprints =
        Map.of(
            "shop", Map.of("shop", 1.0, "shop-db", 1.0),
            "cart", Map.of("shop", 1.0, "cart-db", 1.0),
            "deep", Map.of("audit-db", 1.0));
    Audit a =
        Audit.of(
            Set.of("shop", "cart"),
            Set.of("shop", "cart", "deep"),
            Set.of(),
            footprints,
            Map.of("shop", 20, "cart", 20, "deep", 3),
            0.5);
    assertThat(a.probes()).containsExactly("cart", "shop");
    assertThat(a.every())
        .extracting(
            Audit.ProbeEntry::name, Audit.ProbeEntry::inSuite, Audit.ProbeEntry::learnedTraces)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("cart", true, 20),
            org.assertj.core.groups.Tuple.tuple("deep", false, 3),
            org.assertj.core.groups.Tuple.tuple("shop", true, 20));
    assertThat(a.every().get(1).footprint()).containsEntry("audit-db", 1.0);
    assertThat(a.unreached()).containsExactly("audit-db");
    assertThat(a.outsideSuite()).containsExactly(Map.entry("audit-db", List.of("deep")));
  }

  @Test
  void aWriteNoSystemSaidItRolledBackIsWarnedAbout() throws Exception {
    String yaml =
        """
        probes:
          - {name: browse, request: {url: "http://x/browse"}}
          - {name: buy, request: {method: POST, url: "http://x/buy"}}
          - {name: pay, request: {method: POST, url: "http://x/pay"}}
          - {name: new, request: {method: POST, url: "http://x/new"}}
          - {name: raw, request: {method: POST, url: "http://x/raw"}, tracer_bullet: false}
          - {name: safe, request: {method: POST, url: "http://x/search"}, read_only: true}
        """;
    ProbeSuite suite =
        ProbeSuite.parse(
            new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "p.yaml", Map.of());
    FootprintBook book = new FootprintBook();
    book.record(new ProbeRun("buy", 0, true, null, 200, 5, "a".repeat(32), true));
    book.record(new ProbeRun("buy", 0, true, null, 200, 5, "b".repeat(32), false));
    book.record(new ProbeRun("pay", 0, true, null, 200, 5, "c".repeat(32), false));
    book.record(new ProbeRun("pay", 0, true, null, 200, 5, "d".repeat(32), false));
    assertThat(Audit.writeWarnings(suite.probes(), book))
        .containsExactly(
            "probe pay writes (read_only: false) but the system never said it rolled back a tracer"
                + " bullet: its runs may really write (none of its 2 recent runs was answered"
                + " Sextant-Tracer-Bullet: rolled-back)",
            "probe new writes (read_only: false) but the system never said it rolled back a tracer"
                + " bullet: its runs may really write (it has not run yet)",
            "probe raw writes (read_only: false) and is sent without the tracer-bullet flag"
                + " (tracer_bullet: false): its runs really write");
  }
}
