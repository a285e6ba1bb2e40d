package io.sextant.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.model.Tenant;
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
import java.util.function.UnaryOperator;

/** One request from a CLI command to a running server's API, with the failures said plainly. */
final class ApiCall {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  private ApiCall() {}

  /**
   * Sends a request for {@code path} (with its query string) to {@code server}; null when it could
   * not be sent or answered, after printing why to {@code err}.
   */
  static HttpResponse<String> send(
      String server, String path, UnaryOperator<HttpRequest.Builder> build, PrintWriter err) {
    String base = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
    try {
      HttpRequest request =
          build
              .apply(
                  withToken(
                      HttpRequest.newBuilder(URI.create(base + path))
                          .timeout(REQUEST_TIMEOUT)
                          .header("Accept", "application/json")))
              .build();
      try (HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build()) {
        return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      }
    } catch (IllegalArgumentException e) {
      err.println("sextant: --server " + server + " is not an http:// or https:// address");
    } catch (HttpConnectTimeoutException e) {
      err.println(
          unreachable(server, "no connection within " + CONNECT_TIMEOUT.toSeconds() + " s"));
    } catch (HttpTimeoutException e) {
      err.println(
          "sextant: the server at "
              + server
              + " did not answer within "
              + REQUEST_TIMEOUT.toSeconds()
              + " s; narrow the question (a shorter range, fewer groups)");
    } catch (IOException e) {
      err.println(unreachable(server, reason(e)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("sextant: interrupted");
    }
    return null;
  }

  /**
   * A JSON answer, or why there is none.
   *
   * @param json the parsed body of a 200, else null
   * @param body the body as sent
   * @param exitCode 0 with an answer; 2 the request was refused (4xx); 1 no answer or a failure
   */
  record Reply(JsonNode json, String body, int exitCode) {
    boolean ok() {
      return json != null;
    }
  }

  /**
   * {@code b} with {@code Authorization: Bearer $SEXTANT_TOKEN} and {@code X-Scope-OrgID:
   * $SEXTANT_TENANT} when they are set (the tenant for a server without keys).
   */
  static HttpRequest.Builder withToken(HttpRequest.Builder b) {
    String token = System.getenv("SEXTANT_TOKEN");
    if (token != null && !token.isBlank()) {
      b.header("Authorization", "Bearer " + token.strip());
    }
    String tenant = System.getenv("SEXTANT_TENANT");
    if (tenant != null && !tenant.isBlank()) {
      b.header(Tenant.HEADER, tenant.strip());
    }
    return b;
  }

  static Reply get(String server, String path, PrintWriter err) {
    return reply(server, send(server, path, b -> b.GET(), err), err);
  }

  static Reply post(String server, String path, String jsonBody, PrintWriter err) {
    return reply(
        server,
        send(
            server,
            path,
            b ->
                b.header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(jsonBody)),
            err),
        err);
  }

  /** Reads a response as JSON; any other outcome is said on {@code err} in one line. */
  static Reply reply(String server, HttpResponse<String> response, PrintWriter err) {
    if (response == null) {
      return new Reply(null, "", 1);
    }
    int status = response.statusCode();
    if (status != 200) {
      String message = errorBody(response.body()).path("error").asText(response.body().strip());
      boolean refused = status >= 400 && status < 500;
      err.println(refused ? "sextant: " + message : failed(server, status, message));
      return new Reply(null, response.body(), refused ? 2 : 1);
    }
    try {
      return new Reply(JSON.readTree(response.body()), response.body(), 0);
    } catch (JsonProcessingException e) {
      err.println("sextant: the server at " + server + " answered with something that is not JSON");
      return new Reply(null, response.body(), 1);
    }
  }

  /** The JSON error body of a refused request, or an empty object. */
  static JsonNode errorBody(String body) {
    try {
      JsonNode node = JSON.readTree(body);
      return node == null ? JSON.createObjectNode() : node;
    } catch (JsonProcessingException e) {
      return JSON.createObjectNode();
    }
  }

  /** The message for a status other than 200 and 400. */
  static String failed(String server, int status, String message) {
    return "sextant: the server at "
        + server
        + " answered "
        + status
        + ": "
        + (message.isEmpty() ? "(no message)" : message)
        + (status == 404 ? "; is it a Sextant server with the query API?" : "");
  }

  private static String unreachable(String server, String reason) {
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
