package io.sextant.triage;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.topology.Change;
import io.sextant.topology.health.HealthResult;
import io.sextant.topology.health.HealthTarget;
import io.sextant.triage.rank.Prior;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EvidenceTest {

  static HealthResult check(String service, boolean healthy, String... downDependencies) {
    return new HealthResult(
        new HealthTarget(service, URI.create("http://127.0.0.1:1/health")),
        0,
        1,
        healthy,
        healthy ? null : "connection refused",
        List.of(downDependencies).stream()
            .map(d -> new HealthResult.Dependency(d, false, null))
            .toList());
  }

  @Test
  void aFailingHealthSignalCountsOncePerComponentAndTwoServicesDownOnAHostRaiseTheHost() {
    Map<String, String> hosts = Map.of("assets", "node-6 (host)", "photos", "node-6 (host)");
    Map<String, Prior> p =
        Evidence.priors(
            List.of(
                check("assets", false),
                check("photos", false),
                check("web", true, "assets", "photos"),
                check("search", true, "assets"),
                check("catalog", true, "assets")),
            Set.of("web"),
            List.of(),
            Set.of("assets", "photos", "web", "node-6 (host)"),
            hosts::get);
    // assets' own check and three callers' checks say it is down: one × 10, every reason kept.
    assertThat(p.get("assets").multiplier()).isEqualTo(10);
    assertThat(String.join(" ", p.get("assets").reasons()))
        .contains("The health check of assets fails")
        .contains("web's health check reports assets down");
    assertThat(p.get("node-6 (host)").multiplier()).isEqualTo(10);
    assertThat(p.get("node-6 (host)").reasons())
        .containsExactly("The health checks of assets and photos, all on node-6, fail.");
    assertThat(p).doesNotContainKey("web");
  }

  @Test
  void aChangeFromAKnownVersionRaisesTheServiceOnce() {
    Map<String, Prior> p =
        Evidence.priors(
            List.of(),
            Set.of(),
            List.of(
                new Change(1, "catalog", "service.version", "7.1.0", "7.0.2"),
                new Change(2, "catalog", "host.name", "node-2", "node-3"),
                new Change(3, "search", "service.version", "1.0.0", null)),
            Set.of(),
            s -> null);
    assertThat(p.get("catalog").multiplier()).isEqualTo(5);
    assertThat(p.get("catalog").changed()).isTrue();
    assertThat(p.get("catalog").reasons()).hasSize(2);
    assertThat(p).doesNotContainKey("search"); // first seen: not a change
  }

  @Test
  void aDatabaseAnsweringItsOwnCheck_isNotRaisedByItsServicesReport_andIsAnswering() {
    String payments = "mem:payments (h2 @ 127.0.0.1:9100)";
    String search = "mem:search (h2 @ 127.0.0.1:9101)";
    Set<String> components = Set.of("payments", payments, "search", search);
    List<HealthResult> checks =
        List.of(
            check("payments", false, "payments-db"), // its pool leaked: it reports its db down
            check("payments-db", true), // the database itself answers
            check("search", false, "search-db"),
            check("search-db", false)); // the database itself does not
    Set<String> answering = Evidence.answering(checks, components);
    assertThat(answering).containsExactly(payments);
    Map<String, Prior> p = Evidence.priors(checks, answering, List.of(), components, s -> null);
    assertThat(p).doesNotContainKey(payments);
    assertThat(p.get("payments").multiplier()).isEqualTo(10);
    assertThat(p.get(search).multiplier()).isEqualTo(10);
    assertThat(String.join(" ", p.get(search).reasons()))
        .contains("The health check of search-db fails")
        .contains("search's health check reports search-db down");
  }
}
