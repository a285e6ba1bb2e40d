package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.server.api.answer.Answers;
import io.sextant.server.api.answer.TriageAnswers;
import io.sextant.triage.TriageReport;
import io.sextant.triage.rank.Ranking;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The triage report's shape with every part filled (suspects, matrix, error origins, latency
 * shifts), against docs/api.md's example: ApiShapeIT's real triage has no footprints to blame, so
 * its suspects and origins are empty lists that no shape can contradict.
 */
class TriageReportShapeTest {
  @Test
  void aReportWithSuspects_hasTheDocumentedShape() throws Exception {
    String db = "mem:payments (h2 @ 127.0.0.1:40121)";
    Ranking ranking =
        new Ranking(
            true,
            1.2e-9,
            "cart fails; " + db + " is the only component touched by every failing probe.",
            List.of(
                new Ranking.Suspect(
                    1,
                    List.of(db),
                    0.97,
                    new Ranking.Scores(0.99, 0.8, 0.0, 0.0, 1.0),
                    List.of(db + " is on 1 of the 1 failing probes."),
                    null)),
            List.of("Failing: cart (2/2)."),
            new Ranking.Matrix(
                List.of("cart", "browse"),
                List.of(db, "cart"),
                new double[][] {{1.0, 1.0}, {0.0, 1.0}},
                new boolean[] {true, false}),
            List.of(new Ranking.ErrorOrigin(db, 0.8, 4, "cart: SELECT — refused", "ab".repeat(16))),
            List.of(new Ranking.LatencyShift(db, 1180.04, 96.44)),
            3.2);
    TriageReport report =
        new TriageReport(
            1_763_900_000_000_000_000L,
            2841,
            List.of(
                new TriageReport.ProbeSummary(
                    "cart",
                    2,
                    2,
                    false,
                    List.of("status 500, expected 200"),
                    List.of("cd".repeat(16), "ef".repeat(16)),
                    List.of(38.1, 35.0),
                    false,
                    0.02)),
            ranking,
            List.of(),
            List.of());
    JsonNode real = Answers.JSON.valueToTree(TriageAnswers.Report.of(report));
    JsonNode doc =
        DocExamples.read(ApiShapeIT.docs().resolve("api.md")).get("`POST /api/v1/triage`").get(0);

    assertThat(DocExamples.differences(doc, real, ApiShapeIT.MAPS)).isEmpty();
    assertThat(real.at("/suspects/0/components/0/id").asText()).isEqualTo(db);
    assertThat(real.at("/latency_shifts/0/delta_ms").asDouble()).isEqualTo(1180.0);
    // A field the docs do not show is caught: the comparison is not vacuous.
    ((com.fasterxml.jackson.databind.node.ObjectNode) real.at("/suspects/0")).put("extra", 1);
    assertThat(DocExamples.differences(doc, real, ApiShapeIT.MAPS))
        .containsExactly("$.suspects[0].extra: in the answer, not documented");
  }
}
