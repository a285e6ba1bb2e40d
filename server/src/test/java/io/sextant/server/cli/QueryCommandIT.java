package io.sextant.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.sextant.server.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code sextant query} against a stub of {@code POST /api/v1/query}. */
class QueryCommandIT {
  static final String ANSWER =
      """
      {"columns":[{"name":"service.name","type":"string","calculation":false},\
      {"name":"p99(duration)","type":"number","calculation":true}],\
      "rows":[["checkout",1.234E8],["cart",null]],"series":null,"heatmaps":[],\
      "stats":{"engine":"duckdb","elapsed_ms":12}}""";

  HttpServer stub;
  final List<String> requests = new ArrayList<>();
  volatile int status = 200;
  volatile String body = ANSWER;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @BeforeEach
  void start() throws IOException {
    stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    stub.createContext(
        "/",
        exchange -> {
          requests.add(
              exchange.getRequestMethod()
                  + " "
                  + exchange.getRequestURI()
                  + " "
                  + exchange.getRequestHeaders().getFirst("Content-Type")
                  + " "
                  + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    stub.start();
  }

  @AfterEach
  void stop() {
    stub.stop(0);
  }

  String server() {
    return "http://127.0.0.1:" + stub.getAddress().getPort();
  }

  int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void query_postsTheTextAsJson_andPrintsATable() {
    int code =
        run("query", "--server", server() + "/", "where service.name = \"a b\" | p99(duration)");

    assertThat(code).isZero();
    assertThat(requests)
        .containsExactly(
            "POST /api/v1/query application/json"
                + " {\"q\":\"where service.name = \\\"a b\\\" | p99(duration)\"}");
    assertThat(out.toString())
        .isEqualTo(
            """
            service.name  p99(duration)
            ────────────  ─────────────
            checkout            123.4ms
            cart                      -
            2 rows · duckdb · 12 ms
            """);
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void query_joinsSeveralArguments() {
    assertThat(run("query", "--server", server(), "where", "a", "=", "1")).isZero();
    assertThat(requests).singleElement().asString().endsWith(" {\"q\":\"where a = 1\"}");
  }

  @Test
  void json_printsTheServersAnswerAsItIs() {
    assertThat(run("query", "--json", "--server", server(), "count()")).isZero();
    assertThat(out.toString()).isEqualTo(ANSWER + System.lineSeparator());
  }

  @Test
  void refusedQuery_isShownWithACaretUnderThePosition_andExitsTwo() {
    status = 400;
    body = "{\"error\":\"expected a value after '=' at position 21, found '|'\",\"position\":21}";

    int code = run("query", "--server", server(), "where service.name = | count()");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            """
            where service.name = | count()
                                 ^
            expected a value after '=' at position 21, found '|'
            """);
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void refusedQuery_withoutPosition_printsTheMessageOnly() {
    status = 400;
    body = "{\"error\":\"unknown column 'nope'\",\"position\":-1}";
    assertThat(run("query", "--server", server(), "by nope")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("unknown column 'nope'\n");
  }

  @Test
  void serverFailure_exitsOneWithTheStatusAndMessage() {
    status = 503;
    body = "{\"error\":\"store unavailable\"}";
    assertThat(run("query", "--server", server(), "count()")).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo("sextant: the server at " + server() + " answered 503: store unavailable\n");
  }

  @Test
  void missingQueryApi_isExplained() {
    status = 404;
    body = "";
    assertThat(run("query", "--server", server(), "count()")).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            "sextant: the server at "
                + server()
                + " answered 404: (no message); is it a Sextant server with the query API?\n");
  }

  @Test
  void unreachableServer_exitsOneWithOneLineNamingIt() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String server = "http://127.0.0.1:" + port;

    assertThat(run("query", "--server", server, "count()")).isEqualTo(1);

    assertThat(err.toString())
        .startsWith("sextant: cannot reach the server at " + server + " (")
        .endsWith("SEXTANT_SERVER\n")
        .hasLineCount(1);
  }

  @Test
  void badServerAddress_isNamed() {
    assertThat(run("query", "--server", "not a url", "count()")).isEqualTo(1);
    assertThat(err.toString()).contains("--server not a url is not an http:// or https:// address");
  }

  @Test
  void pointAt_clampsThePositionAndKeepsTheCaretAlignedOverTabs() {
    assertThat(QueryCommand.pointAt("a\tb", 2, "m")).isEqualTo("a b\n  ^\nm\n");
    assertThat(QueryCommand.pointAt("ab", 9, "m")).isEqualTo("ab\n  ^\nm\n");
  }
}
