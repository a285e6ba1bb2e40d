package io.sextant.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.server.cli.TableRenderer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sextant query '<text>'}: asks a running server a question in the text syntax
 * (docs/query.md) and prints the answer as a table, with a sparkline per series.
 *
 * <p>Exit codes: 0 answered; 1 the server could not be reached or failed; 2 the question was
 * refused (the message, with a caret under the position, says why).
 */
@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    description = {
      "Ask a running server a question and print the answer, e.g.",
      "  sextant query 'where error = true | count() by service.name | last 15m'",
      "The syntax is in docs/query.md."
    })
final class QueryCommand implements Callable<Integer> {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      arity = "1..*",
      paramLabel = "QUERY",
      description =
          "The question; several arguments are joined with spaces. Quote it for the shell.")
  List<String> words;

  @Option(
      names = "--server",
      defaultValue = "${env:SEXTANT_SERVER:-http://127.0.0.1:7070}",
      description = "The server's API address (env SEXTANT_SERVER). Default: ${DEFAULT-VALUE}")
  String server;

  @Option(names = "--json", description = "Print the server's JSON answer as it is.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      return answer(out, err);
    } finally {
      // print() does not flush, and Main may System.exit right after.
      out.flush();
      err.flush();
    }
  }

  private Integer answer(PrintWriter out, PrintWriter err) {
    String query = String.join(" ", words);
    String base = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
    HttpResponse<String> response;
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(base + "/api/v1/query"))
              .timeout(REQUEST_TIMEOUT)
              .header("Content-Type", "application/json")
              .header("Accept", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("q", query))))
              .build();
      try (HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build()) {
        response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      }
    } catch (IllegalArgumentException e) {
      err.println("sextant: --server " + server + " is not an http:// or https:// address");
      return 1;
    } catch (HttpConnectTimeoutException e) {
      err.println(unreachable("no connection within " + CONNECT_TIMEOUT.toSeconds() + " s"));
      return 1;
    } catch (HttpTimeoutException e) {
      err.println(
          "sextant: the server at "
              + server
              + " did not answer within "
              + REQUEST_TIMEOUT.toSeconds()
              + " s; narrow the question (a shorter range, fewer groups)");
      return 1;
    } catch (IOException e) {
      err.println(unreachable(reason(e)));
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("sextant: interrupted");
      return 1;
    }
    int status = response.statusCode();
    if (json) {
      out.println(response.body());
      return status == 200 ? 0 : status == 400 ? 2 : 1;
    }
    if (status == 200) {
      try {
        out.print(TableRenderer.render(response.body()));
        return 0;
      } catch (JsonProcessingException e) {
        err.println(
            "sextant: the server at " + server + " answered with something that is not JSON");
        return 1;
      }
    }
    JsonNode error = errorBody(response.body());
    String message = error.path("error").asText(response.body().strip());
    if (status == 400) {
      err.print(pointAt(query, error.path("position").asInt(-1), message));
      return 2;
    }
    err.println(
        "sextant: the server at "
            + server
            + " answered "
            + status
            + ": "
            + (message.isEmpty() ? "(no message)" : message)
            + (status == 404 ? "; is it a Sextant server with the query API?" : ""));
    return 1;
  }

  /** The query, a caret under {@code position} (when there is one) and the message. */
  static String pointAt(String query, int position, String message) {
    if (position < 0) {
      return message + "\n";
    }
    // Line breaks and tabs would move the caret; they print as one space each.
    String shown = query.replaceAll("[\\r\\n\\t]", " ");
    return shown + "\n" + " ".repeat(Math.min(position, shown.length())) + "^\n" + message + "\n";
  }

  private static JsonNode errorBody(String body) {
    try {
      JsonNode node = JSON.readTree(body);
      return node == null ? JSON.createObjectNode() : node;
    } catch (JsonProcessingException e) {
      return JSON.createObjectNode();
    }
  }

  private String unreachable(String reason) {
    return "sextant: cannot reach the server at "
        + server
        + " ("
        + reason
        + "); is `sextant serve` running? Point elsewhere with --server or SEXTANT_SERVER";
  }

  private static String reason(IOException e) {
    String m = e.getMessage();
    if (m != null && !m.isBlank()) {
      return m;
    }
    return e instanceof ConnectException ? "connection refused" : e.getClass().getSimpleName();
  }
}
