package io.sextant.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sextant triage}: runs the probes now on a running server and prints the ranked suspects
 * with their explanation.
 *
 * <p>Exit codes: 0 no fault found; 3 a fault was localized; 1 the server could not be reached or
 * failed; 2 the request was refused.
 */
@Command(
    name = "triage",
    mixinStandardHelpOptions = true,
    description = {
      "Run every probe now and name the component at fault, with the evidence, e.g.",
      "  sextant triage",
      "  sextant triage --repeats 3 --json"
    })
public final class TriageCommand implements Callable<Integer> {
  static final ObjectMapper JSON = new ObjectMapper();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin ServerOption server;

  @Option(names = "--repeats", description = "Runs of each probe. Default: 2")
  int repeats = 2;

  @Option(names = "--no-adaptive", description = "Do not run extra probes to split ties.")
  boolean noAdaptive;

  @Option(names = "--json", description = "Print the server's JSON answer as it is.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String body =
        JSON.createObjectNode().put("repeats", repeats).put("adaptive", !noAdaptive).toString();
    ApiCall.Reply reply = ApiCall.post(server.url, "/api/v1/triage", body, err);
    if (!reply.ok()) {
      return reply.exitCode();
    }
    JsonNode answer = reply.json();
    if (json) {
      out.println(answer.toPrettyString());
    } else {
      out.print(render(answer));
    }
    out.flush();
    return "fault".equals(answer.path("verdict").asText()) ? 3 : 0;
  }

  /** The answer for people: headline, suspects, evidence, the probe × component table. */
  static String render(JsonNode a) {
    StringBuilder b = new StringBuilder();
    b.append(a.path("headline").asText()).append("\n\n");
    if ("fault".equals(a.path("verdict").asText())) {
      b.append("SUSPECTS\n");
      int shown = 0;
      for (JsonNode s : a.path("suspects")) {
        if (shown++ == 5) {
          break;
        }
        StringBuilder members = new StringBuilder();
        for (JsonNode m : s.path("members")) {
          members.append(members.isEmpty() ? "" : " | ").append(m.asText());
        }
        b.append(
            String.format(
                Locale.ROOT,
                "%2d. %5.1f %%  %s%n",
                s.path("rank").asInt(),
                100 * s.path("probability").asDouble(),
                members));
      }
      b.append("\nWHY\n");
    }
    for (JsonNode line : a.path("explanation")) {
      b.append("  - ").append(line.asText()).append('\n');
    }
    for (JsonNode line : a.path("notes")) {
      b.append("  ! ").append(line.asText()).append('\n');
    }
    b.append('\n').append(matrix(a));
    b.append(
        String.format(
            Locale.ROOT,
            "%nanswered in %d ms (analysis %.1f ms)%s%n",
            a.path("millis").asLong(),
            a.path("analysis_millis").asDouble(),
            a.path("extra_probes").isEmpty()
                ? ""
                : "; extra probes run: " + a.path("extra_probes").toString()));
    return b.toString();
  }

  /** Rows: components touched by a failing probe; columns: probes; ● touched, · not. */
  static String matrix(JsonNode a) {
    JsonNode m = a.path("matrix");
    int probes = m.path("probes").size();
    if (probes == 0) {
      return "";
    }
    int width = 0;
    for (JsonNode c : m.path("components")) {
      width = Math.max(width, c.asText().length());
    }
    width = Math.min(width, 48);
    StringBuilder b =
        new StringBuilder("PROBES × COMPONENTS (● touched; failing probes marked ✗)\n");
    b.append(" ".repeat(width + 2));
    for (int p = 0; p < probes; p++) {
      b.append(m.path("failed").get(p).asBoolean() ? "✗" : " ").append(' ');
    }
    b.append('\n');
    StringBuilder legend = new StringBuilder();
    for (int p = 0; p < probes; p++) {
      legend.append(
          String.format(
              Locale.ROOT, "  %c = %s%n", (char) ('a' + p % 26), m.path("probes").get(p).asText()));
    }
    b.append(" ".repeat(width + 2));
    for (int p = 0; p < probes; p++) {
      b.append((char) ('a' + p % 26)).append(' ');
    }
    b.append('\n');
    JsonNode comps = m.path("components");
    for (int c = 0; c < comps.size(); c++) {
      boolean onFailing = false;
      for (int p = 0; p < probes; p++) {
        if (m.path("failed").get(p).asBoolean()
            && m.path("touches").get(p).get(c).asDouble() >= 0.5) {
          onFailing = true;
        }
      }
      if (!onFailing) {
        continue;
      }
      String name = comps.get(c).asText();
      if (name.length() > width) {
        name = name.substring(0, width - 1) + "…";
      }
      b.append(String.format(Locale.ROOT, "%-" + width + "s  ", name));
      for (int p = 0; p < probes; p++) {
        b.append(m.path("touches").get(p).get(c).asDouble() >= 0.5 ? '●' : '·').append(' ');
      }
      b.append('\n');
    }
    return b.append(legend).toString();
  }
}
