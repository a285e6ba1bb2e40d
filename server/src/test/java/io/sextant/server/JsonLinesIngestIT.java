package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JSON lines posted to a real server, line by line accepted, then found by the query API. */
class JsonLinesIngestIT {
  @TempDir Path dir;
  TestServer server;

  @BeforeEach
  void start() {
    server = new TestServer(dir);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void jsonLines_areStoredLineByLine_withErrorsByLineNumber() throws Exception {
    String now = Instant.now().toString();
    String body =
        String.join(
            "\n",
            "{\"timestamp\":\""
                + now
                + "\",\"level\":\"error\",\"msg\":\"payment declined\","
                + "\"service\":\"payments\",\"trace_id\":\"5b8efff798038103d269b633813fc60c\","
                + "\"order\":{\"id\":\"o-1\"}}",
            "{\"ts\":"
                + System.currentTimeMillis()
                + ",\"lvl\":\"info\",\"message\":\"ok\","
                + "\"service.name\":\"payments\"}",
            "this is not json",
            "{\"time\":\"when?\",\"msg\":\"x\"}",
            "");

    TestServer.Reply reply =
        TestServer.post(
            server.otlpHttp("/v1/logs/jsonl"),
            "application/x-ndjson",
            body.getBytes(StandardCharsets.UTF_8));

    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    JsonNode answer = reply.json();
    assertThat(answer.get("accepted").asInt()).isEqualTo(2);
    assertThat(answer.get("rejected").asInt()).isEqualTo(2);
    assertThat(answer.get("errors").get(0).get("line").asInt()).isEqualTo(3);
    assertThat(answer.get("errors").get(0).get("error").asText()).startsWith("not valid JSON");
    assertThat(answer.get("errors").get(1).get("line").asInt()).isEqualTo(4);
    assertThat(answer.get("errors").get(1).get("error").asText())
        .startsWith("an unreadable time: \"when?\"");

    JsonNode rows =
        query(
                "where kind = log and service.name = payments | count() by severity_number, body,"
                    + " order.id | last 15m")
            .get("rows");
    assertThat(MetricsIngestIT.rows(query("where kind = log | count() by service.name | last 15m")))
        .isEqualTo("[[payments, 2]]");
    assertThat(rows.toString()).contains("[17,\"payment declined\",\"o-1\",1]");
    assertThat(rows.toString()).contains("[9,\"ok\",null,1]");

    JsonNode trace = server.get("/api/v1/traces/5b8efff798038103d269b633813fc60c").json();
    assertThat(trace.get("events").get(0).get("body").asText()).isEqualTo("payment declined");
  }

  @Test
  void ndjsonOnV1Logs_gzip_andCurlsDefaultContentType_areAccepted() throws Exception {
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
      gz.write("{\"msg\":\"zipped\",\"service\":\"gz\"}\n".getBytes(StandardCharsets.UTF_8));
    }
    TestServer.Reply viaLogs =
        TestServer.post(
            server.otlpHttp("/v1/logs"),
            "application/x-ndjson",
            zipped.toByteArray(),
            "Content-Encoding",
            "gzip");
    assertThat(viaLogs.status()).as(viaLogs.body()).isEqualTo(200);
    assertThat(viaLogs.json().get("accepted").asInt()).isEqualTo(1);

    // What `curl --data-binary @-` sends without -H.
    TestServer.Reply curlDefault =
        TestServer.post(
            server.otlpHttp("/v1/logs/jsonl"),
            "application/x-www-form-urlencoded",
            "{\"msg\":\"from curl\",\"service\":\"gz\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(curlDefault.status()).isEqualTo(200);

    // OTLP JSON on /v1/logs still goes to the OTLP decoder.
    TestServer.Reply otlp =
        TestServer.post(
            server.otlpHttp("/v1/logs"),
            "application/json",
            "{\"resourceLogs\":[]}".getBytes(StandardCharsets.UTF_8));
    assertThat(otlp.status()).isEqualTo(200);
    assertThat(otlp.body()).isEqualTo("{}");

    assertThat(
            MetricsIngestIT.rows(
                query("where service.name = gz | count() by body | order by body | last 15m")))
        .isEqualTo("[[from curl, 1], [zipped, 1]]");
  }

  @Test
  void everyLineBad_is400_andWrongTypeOrBadGzip_areRefused() throws Exception {
    TestServer.Reply allBad =
        TestServer.post(
            server.otlpHttp("/v1/logs/jsonl"),
            "application/x-ndjson",
            "nope\n[]\n".getBytes(StandardCharsets.UTF_8));
    assertThat(allBad.status()).isEqualTo(400);
    assertThat(allBad.json().get("rejected").asInt()).isEqualTo(2);
    assertThat(allBad.json().get("accepted").asInt()).isZero();

    TestServer.Reply protobuf =
        TestServer.post(
            server.otlpHttp("/v1/logs/jsonl"), "application/x-protobuf", new byte[] {1});
    assertThat(protobuf.status()).isEqualTo(415);
    assertThat(protobuf.json().get("error").asText()).contains("application/x-ndjson");

    TestServer.Reply badGzip =
        TestServer.post(
            server.otlpHttp("/v1/logs/jsonl"),
            "application/x-ndjson",
            "not gzip".getBytes(StandardCharsets.UTF_8),
            "Content-Encoding",
            "gzip");
    assertThat(badGzip.status()).isEqualTo(400);

    // A small gzip body that expands past the limit (a body over it on the wire is refused by
    // the HTTP stack before it is read, resetting the stream).
    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bomb)) {
      byte[] line = "{\"msg\":\"x\"}\n".getBytes(StandardCharsets.UTF_8);
      for (long n = 0; n <= server.config.limits().maxBodyBytes(); n += line.length) {
        gz.write(line);
      }
    }
    TestServer.Reply tooLarge =
        TestServer.post(
            server.otlpHttp("/v1/logs/jsonl"),
            "application/x-ndjson",
            bomb.toByteArray(),
            "Content-Encoding",
            "gzip");
    assertThat(tooLarge.status()).isEqualTo(413);
    assertThat(tooLarge.json().get("error").asText()).contains("after gzip decompression");
  }

  private JsonNode query(String q) throws Exception {
    ObjectNode body = TestServer.JSON.createObjectNode().put("q", q);
    TestServer.Reply r =
        TestServer.post(
            server.api("/api/v1/query"),
            "application/json",
            TestServer.JSON.writeValueAsBytes(body));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }
}
