package io.sextant.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sextant map}: the dependency map of a window from a running server, as two tables (nodes,
 * edges) with rate, error % and p50/p99, or as Graphviz with {@code --dot}.
 *
 * <p>Exit codes: 0 answered; 1 the server could not be reached or failed; 2 the window was refused.
 */
@Command(
    name = "map",
    mixinStandardHelpOptions = true,
    description = {
      "Print the dependency map (services, databases, queues, hosts) with RED metrics, e.g.",
      "  sextant map --last 15m",
      "  sextant map --dot | dot -Tsvg > map.svg"
    })
public final class MapCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin ServerOption server;

  @Option(names = "--last", description = "The window up to now, e.g. 5m, 1h. Default: 15m")
  String last;

  @Option(names = "--from", description = "Start of the window (ISO-8601 or epoch milliseconds)")
  String from;

  @Option(names = "--to", description = "End of the window (ISO-8601 or epoch milliseconds)")
  String to;

  @Option(names = "--dot", description = "Print Graphviz DOT instead of tables.")
  boolean dot;

  @Option(names = "--json", description = "Print the server's JSON answer as it is.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    StringBuilder query = new StringBuilder();
    param(query, "last", last);
    param(query, "from", from);
    param(query, "to", to);
    ApiCall.Reply reply = ApiCall.get(server.url, "/api/v1/map" + query, err);
    if (!reply.ok()) {
      return reply.exitCode();
    }
    if (json) {
      out.println(reply.body());
      return 0;
    }
    JsonNode map = reply.json();
    out.print(dot ? dot(map) : tables(map));
    out.flush();
    return 0;
  }

  private static void param(StringBuilder q, String name, String value) {
    if (value != null) {
      q.append(q.isEmpty() ? '?' : '&')
          .append(name)
          .append('=')
          .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
  }

  /** The nodes, then the edges, each as a table in the query command's style. */
  static String tables(JsonNode map) {
    ObjectNode nodes = table("node", "kind");
    for (JsonNode n : map.path("nodes")) {
      String kind =
          n.path("kind").asText() + (n.path("instrumented").asBoolean() ? "" : " (no spans)");
      row(nodes, n, n.path("id").asText(), kind);
    }
    ObjectNode edges = table("from", "to");
    for (JsonNode e : map.path("edges")) {
      row(edges, e, e.path("from").asText(), e.path("to").asText());
    }
    return "NODES\n"
        + TableRenderer.render(nodes)
        + "\nEDGES\n"
        + TableRenderer.render(edges)
        + String.format(Locale.ROOT, "built in %d ms%n", map.path("build_ms").asLong());
  }

  private static ObjectNode table(String first, String second) {
    ObjectNode t = JSON.createObjectNode();
    ArrayNode cols = t.putArray("columns");
    cols.addObject().put("name", first).put("type", "string").put("calculation", false);
    cols.addObject().put("name", second).put("type", "string").put("calculation", false);
    for (String c : new String[] {"rate()", "error %", "p50(duration)", "p99(duration)"}) {
      cols.addObject().put("name", c).put("type", "number").put("calculation", true);
    }
    t.putArray("rows");
    return t;
  }

  private static void row(ObjectNode table, JsonNode red, String first, String second) {
    ArrayNode r = ((ArrayNode) table.get("rows")).addArray();
    r.add(first).add(second);
    r.add(red.path("rate").asDouble()).add(red.path("error_pct").asDouble());
    // The table shows durations from nanoseconds.
    r.add(red.path("p50_ms").asDouble() * 1e6).add(red.path("p99_ms").asDouble() * 1e6);
  }

  /** Graphviz: shapes by kind, dashed where no spans come from the node, red edges with errors. */
  static String dot(JsonNode map) {
    StringBuilder out =
        new StringBuilder("digraph sextant {\n  rankdir=LR;\n  node [fontsize=10];\n");
    for (JsonNode n : map.path("nodes")) {
      String shape =
          switch (n.path("kind").asText()) {
            case "database", "cache" -> "cylinder";
            case "queue" -> "cds";
            case "external" -> "ellipse";
            default -> "box";
          };
      boolean failing = n.path("errors").asLong() > 0;
      out.append("  ")
          .append(quote(n.path("id").asText()))
          .append(" [shape=")
          .append(shape)
          .append(n.path("instrumented").asBoolean() ? "" : ", style=dashed")
          .append(failing ? ", color=red" : "")
          .append("];\n");
    }
    for (JsonNode e : map.path("edges")) {
      String label =
          String.format(
              Locale.ROOT,
              "%.2f/s %.1f%% p99 %.1fms",
              e.path("rate").asDouble(),
              e.path("error_pct").asDouble(),
              e.path("p99_ms").asDouble());
      out.append("  ")
          .append(quote(e.path("from").asText()))
          .append(" -> ")
          .append(quote(e.path("to").asText()))
          .append(" [label=")
          .append(quote(label))
          .append(e.path("errors").asLong() > 0 ? ", color=red" : "")
          .append("];\n");
    }
    return out.append("}\n").toString();
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
