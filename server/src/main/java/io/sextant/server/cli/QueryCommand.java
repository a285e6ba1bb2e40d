package io.sextant.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.model.Tenant;
import io.sextant.query.Engines;
import io.sextant.query.QueryException;
import io.sextant.query.Result;
import io.sextant.query.text.QueryText;
import io.sextant.server.api.QueryJson;
import io.sextant.store.duckdb.ParquetArchiveStore;
import io.sextant.store.spi.StoreException;
import java.io.PrintWriter;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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
public final class QueryCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      arity = "1..*",
      paramLabel = "QUERY",
      description =
          "The question; several arguments are joined with spaces. Quote it for the shell.")
  List<String> words;

  @CommandLine.Mixin ServerOption server;

  @Option(names = "--json", description = "Print the server's JSON answer as it is.")
  boolean json;

  @Option(
      names = "--archive",
      paramLabel = "DIR",
      description =
          "Answer from the Parquet archive in DIR (written by serve --role archiver), here, with"
              + " no server (docs/scale-out.md).")
  Path archive;

  @Option(
      names = "--tenant",
      defaultValue = "default",
      description = "With --archive: the tenant whose events are read. Default: ${DEFAULT-VALUE}")
  String tenant;

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
    if (archive != null) {
      return fromArchive(query, out, err);
    }
    String body;
    try {
      body = JSON.writeValueAsString(Map.of("q", query));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    HttpResponse<String> response =
        ApiCall.send(
            server.url,
            "/api/v1/query",
            b ->
                b.header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)),
            err);
    if (response == null) {
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
            "sextant: the server at " + server.url + " answered with something that is not JSON");
        return 1;
      }
    }
    JsonNode error = ApiCall.errorBody(response.body());
    String message = error.path("error").asText(response.body().strip());
    if (status == 400) {
      err.print(pointAt(query, error.path("position").asInt(-1), message));
      return 2;
    }
    err.println(ApiCall.failed(server.url, status, message));
    return 1;
  }

  /** Answers {@code query} over the archive with DuckDB in this process. */
  private Integer fromArchive(String query, PrintWriter out, PrintWriter err) {
    if (!Files.isDirectory(archive)) {
      err.println("sextant: --archive " + archive + " is not a directory");
      return 1;
    }
    String problem = Tenant.problem(tenant);
    if (problem != null) {
      err.println("sextant: --tenant: " + problem);
      return 2;
    }
    try (ParquetArchiveStore store = ParquetArchiveStore.open(archive)) {
      long now = Instant.now().toEpochMilli() * 1_000_000L;
      Result result;
      try {
        result = Engines.of(store.forTenant(tenant)).run(QueryText.parse(query, now));
      } catch (QueryException e) {
        err.print(pointAt(query, e.position(), e.getMessage()));
        return 2;
      }
      String answer = QueryJson.answer(result);
      if (json) {
        out.println(answer);
      } else {
        out.print(TableRenderer.render(answer));
      }
      return 0;
    } catch (StoreException | JsonProcessingException e) {
      err.println("sextant: reading the archive " + archive + " failed: " + e.getMessage());
      return 1;
    }
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
}
