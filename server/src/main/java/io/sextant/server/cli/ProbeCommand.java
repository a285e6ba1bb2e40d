package io.sextant.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sextant probe run|audit}: probes of a running server. */
@Command(
    name = "probe",
    mixinStandardHelpOptions = true,
    description = "Run probes now, audit the probe suite, or reload it from its file.",
    subcommands = {
      ProbeCommand.Run.class,
      ProbeCommand.AuditCommand.class,
      ProbeCommand.Reload.class
    })
public final class ProbeCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  /**
   * {@code sextant probe run [name…]}: runs probes now and prints pass/fail, latency and trace id.
   * Exit code 0 when all passed, 3 when one failed.
   */
  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = {"Run probes now (all, or those named), e.g.", "  sextant probe run checkout"})
  static final class Run implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin ServerOption server;

    @Parameters(arity = "0..*", paramLabel = "NAME", description = "Probes to run (default all).")
    List<String> names;

    @Option(names = "--repeats", description = "Runs of each probe. Default: 1")
    int repeats = 1;

    @Option(names = "--json", description = "Print the server's JSON answer as it is.")
    boolean json;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      ObjectNode body = TriageCommand.JSON.createObjectNode().put("repeats", repeats);
      if (names != null && !names.isEmpty()) {
        ArrayNode a = body.putArray("probes");
        names.forEach(a::add);
      }
      ApiCall.Reply reply = ApiCall.post(server.url, "/api/v1/probes/run", body.toString(), err);
      if (!reply.ok()) {
        return reply.exitCode();
      }
      JsonNode answer = reply.json();
      if (json) {
        out.println(answer.toPrettyString());
        out.flush();
        return 0;
      }
      boolean allPassed = true;
      for (JsonNode r : answer.path("runs")) {
        boolean passed = r.path("passed").asBoolean();
        allPassed &= passed;
        out.printf(
            Locale.ROOT,
            "%-16s %-4s %8.1f ms  trace %s%s%n",
            r.path("probe").asText(),
            passed ? "pass" : "FAIL",
            r.path("duration_ms").asDouble(),
            r.path("trace_id").asText(),
            passed ? "" : "  " + r.path("reason").asText());
      }
      out.flush();
      return allPassed ? 0 : 3;
    }
  }

  /** {@code sextant probe audit}: what the suite cannot see or cannot tell apart. */
  @Command(
      name = "audit",
      mixinStandardHelpOptions = true,
      description = "List components no probe reaches and components no probe tells apart.")
  static final class AuditCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin ServerOption server;

    @Option(names = "--json", description = "Print the server's JSON answer as it is.")
    boolean json;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      ApiCall.Reply reply = ApiCall.get(server.url, "/api/v1/probes/audit", err);
      if (!reply.ok()) {
        return reply.exitCode();
      }
      JsonNode a = reply.json();
      if (json) {
        out.println(a.toPrettyString());
        out.flush();
        return 0;
      }
      out.printf(
          Locale.ROOT,
          "%d probes reach %d components.%n",
          a.path("probes").size(),
          a.path("components").size());
      out.println(
          a.path("unreached").isEmpty()
              ? "Every component is reached by a probe."
              : "Reached by no probe: " + join(a.path("unreached")));
      if (!a.path("reached_by_one_probe").isEmpty()) {
        out.println(
            "Reached by one probe only (a flaky probe hides them): "
                + join(a.path("reached_by_one_probe")));
      }
      if (a.path("indistinguishable").isEmpty()) {
        out.println("No two components share a probe signature: pass/fail tells each apart.");
      }
      for (JsonNode g : a.path("indistinguishable")) {
        out.println(
            "Not told apart: "
                + join(g.path("members"))
                + " (all on "
                + join(g.path("probes"))
                + ")"
                + (g.path("split_by").isNull()
                    ? "; no probe splits them"
                    : "; probe " + g.path("split_by").asText() + " splits them"));
      }
      a.path("reached_only_outside_suite")
          .properties()
          .forEach(
              e ->
                  out.println(
                      "Reached only by probes outside the suite (triage runs them only to split a"
                          + " tie): "
                          + e.getKey()
                          + " by "
                          + join(e.getValue())));
      out.println();
      out.println(
          "Every probe (suite: triage runs it first; footprint: component, share of its traces):");
      boolean learning = false;
      for (JsonNode p : a.path("all_probes")) {
        int learned = p.path("learned_traces").asInt(0);
        learning |= learned == 0;
        StringBuilder fp = new StringBuilder();
        p.path("footprint")
            .properties()
            .forEach(
                e ->
                    fp.append(fp.isEmpty() ? "" : ", ")
                        .append(e.getKey())
                        .append(String.format(Locale.ROOT, " %.2f", e.getValue().asDouble())));
        out.printf(
            Locale.ROOT,
            "  %-16s %-9s %3d traces  %s%n",
            p.path("name").asText(),
            p.path("suite").asBoolean() ? "suite" : "extra",
            learned,
            learned == 0 ? "(footprint unknown)" : fp);
      }
      if (learning) {
        out.println("Some probes have no healthy trace learned yet: their footprints are unknown.");
      }
      for (JsonNode w : a.path("warnings")) {
        out.println("WARNING: " + w.asText());
      }
      out.flush();
      return 0;
    }

    private static String join(JsonNode list) {
      StringBuilder b = new StringBuilder();
      for (JsonNode n : list) {
        b.append(b.isEmpty() ? "" : ", ").append(n.asText());
      }
      return b.toString();
    }
  }

  /** {@code sextant probe reload}: reads the server's probes file again. */
  @Command(
      name = "reload",
      mixinStandardHelpOptions = true,
      description = {
        "Read the server's probes file again (it is also reloaded when it changes).",
        "A file that does not load leaves the running probes as they were."
      })
  static final class Reload implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin ServerOption server;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      ApiCall.Reply reply = ApiCall.post(server.url, "/api/v1/probes/reload", "{}", err);
      if (!reply.ok()) {
        return reply.exitCode();
      }
      JsonNode a = reply.json();
      out.println(
          a.path("probes").size()
              + " probes: "
              + AuditCommand.join(a.path("probes"))
              + (a.path("new_or_changed").isEmpty()
                  ? ""
                  : "; learning again: " + AuditCommand.join(a.path("new_or_changed")))
              + (a.path("removed").isEmpty()
                  ? ""
                  : "; removed: " + AuditCommand.join(a.path("removed"))));
      out.flush();
      return 0;
    }
  }
}
