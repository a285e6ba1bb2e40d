package io.sextant.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.demo.fault.FaultKind;
import io.sextant.topology.ComponentIds;
import io.sextant.triage.Triage;
import io.sextant.triage.TriageReport;
import io.sextant.triage.rank.Ranking;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Triage on the running demo: with real probes through the gateway, real traces in the store, and
 * faults injected by the demo's injector, the right component comes out on top within the bound.
 */
@Timeout(240)
class TriageIT {
  @TempDir static Path dir;
  static Demo demo;
  static Triage triage;

  @BeforeAll
  static void start() throws Exception {
    demo = Demo.start(DemoConfig.forTests(dir));
    demo.pollDatabaseHealth();
    triage = demo.sextant().triage();
    assertThat(triage.awaitReady(3, Duration.ofSeconds(60)))
        .as("footprints learned from three healthy runs of each probe")
        .isTrue();
  }

  @AfterAll
  static void stop() {
    if (demo != null) {
      demo.close();
    }
  }

  @AfterEach
  void clear() throws InterruptedException {
    demo.faults().clearAll();
    settle();
  }

  static void settle() throws InterruptedException {
    assertThat(triage.awaitAllPassing(Duration.ofSeconds(30)))
        .as("the demo recovered within 30 s of clearing its faults")
        .isTrue();
  }

  static TriageReport localize(FaultKind kind, String target, int percent, int millis)
      throws Exception {
    demo.faults().add(kind, target, percent, millis, 0);
    long t0 = System.nanoTime();
    TriageReport r = triage.triage(2, true);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf(
        "triage %s %s: %s → %s in %d ms (analysis %.1f ms)%n",
        kind, target, r.ranking().headline(), r.ranking().top(), ms, r.ranking().analysisMillis());
    assertThat(ms).as("time to localize").isLessThanOrEqualTo(10_000);
    assertThat(r.ranking().analysisMillis()).as("analysis").isLessThan(1000);
    return r;
  }

  static void assertTop(TriageReport r, String target) {
    Ranking k = r.ranking();
    assertThat(k.fault()).as(k.headline()).isTrue();
    List<String> top = k.top();
    assertThat(top).as(String.join("\n", k.explanation())).isNotEmpty();
    String evidence =
        String.join("\n", k.explanation())
            + "\nerror origins: "
            + k.errorOrigins()
            + "\nlatency shifts: "
            + k.latencyShifts();
    assertThat(ComponentIds.known(top.get(0)).matches(target))
        .as("top suspect %s names %s; %s", top, target, evidence)
        .isTrue();
  }

  @Test
  void noFaultIsNoFault() throws Exception {
    settle();
    TriageReport r = triage.triage(2, true);
    assertThat(r.ranking().fault())
        .as(r.ranking().headline() + "\n" + String.join("\n", r.ranking().explanation()))
        .isFalse();
    assertThat(r.ranking().headline()).startsWith("No fault found");
  }

  @Test
  void aDatabaseDown() throws Exception {
    TriageReport r = localize(FaultKind.DOWN, "payments-db", 0, 0);
    assertTop(r, "payments-db");
    assertThat(r.ranking().headline())
        .contains("is the only component touched by every failing probe");
  }

  @Test
  void aServiceAnsweringErrors() throws Exception {
    assertTop(localize(FaultKind.ERROR_RATE, "inventory", 100, 0), "inventory");
  }

  @Test
  void aSlowDatabase() throws Exception {
    assertTop(localize(FaultKind.LATENCY, "search-db", 0, 1200), "search-db");
  }

  @Test
  void aLeakedConnectionPool() throws Exception {
    // payments holds every connection of its pool: its calls that need the database fail as they
    // would with the database too slow, but payments-db answers its own health check.
    TriageReport r = localize(FaultKind.POOL_EXHAUSTION, "payments", 0, 0);
    assertTop(r, "payments");
    assertThat(r.ranking().explanation()).anyMatch(l -> l.contains("(a leak)"));
  }

  @Test
  void theCliPrintsTheAnswer() throws Exception {
    demo.faults().add(FaultKind.DOWN, "voting", 0, 0, 0);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new io.sextant.server.Main());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute("triage", "--server", demo.apiUrl());
    assertThat(err.toString()).isEmpty();
    assertThat(code).as(out.toString()).isEqualTo(3);
    assertThat(out.toString())
        .contains("SUSPECTS")
        .contains(" 1. ")
        .containsPattern("(?m)^ 1\\. +[0-9.]+ %  voting")
        .contains("PROBES × COMPONENTS");

    StringWriter audit = new StringWriter();
    cli.setOut(new PrintWriter(audit));
    assertThat(cli.execute("probe", "audit", "--server", demo.apiUrl())).isZero();
    assertThat(audit.toString()).contains("12 probes reach");
  }
}
