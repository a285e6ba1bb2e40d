package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.server.slo.SloConfig;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SLO API of a real server (docs/api.md): the list, one SLO minute by minute over events it
 * counted, and edits written back to the {@code --slos} file, with bad edits refused in a sentence.
 */
class SloApiIT {
  @TempDir Path dir;
  TestServer server;
  Path file;

  static final String YAML =
      """
      # scaled 60x: a minute lasts a second
      time_scale: 60
      slos:
        - name: cart-logs
          description: The cart logs no errors
          valid: kind = log and service.name = cart
          good: severity_number < 17
          objective: 99
          window: 1d
      """;

  @BeforeEach
  void start() throws Exception {
    server = new TestServer(dir.resolve("data"));
    file = dir.resolve("slos.yaml");
    Files.writeString(file, YAML);
    server.server.startSlos(SloConfig.load(file), file);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void list_andSeries_showWhatWasCounted() throws Exception {
    long now = System.currentTimeMillis();
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      lines
          .append("{\"ts\":")
          .append(now)
          .append(",\"msg\":\"m")
          .append(i)
          .append("\",\"service\":\"cart\",\"level\":\"")
          .append(i < 4 ? "error" : "info")
          .append("\"}\n");
    }
    TestServer.Reply sent =
        TestServer.post(
            server.otlpHttp("/v1/logs/jsonl"),
            "application/x-ndjson",
            lines.toString().getBytes(StandardCharsets.UTF_8));
    assertThat(sent.status()).as(sent.body()).isEqualTo(200);

    // `last` is in the SLO's time, scaled like its windows: 2 h are 120 one-second minutes here.
    // The evaluator recounts the last 3 (scaled) minutes four times a minute: within seconds.
    JsonNode series = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      TestServer.Reply r = server.get("/api/v1/slos/cart-logs?last=2h");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      series = r.json().path("series");
      if (sum(series.path("valid")) == 10) {
        break;
      }
      Thread.sleep(250);
    }
    assertThat(sum(series.path("valid"))).as(series.toString()).isEqualTo(10);
    assertThat(sum(series.path("good"))).isEqualTo(6);
    assertThat(series.path("buckets").asInt())
        .isEqualTo(120)
        .isEqualTo(series.path("valid").size());
    assertThat(series.path("step").asLong()).isEqualTo(1_000_000_000L);
    assertThat(series.path("burn_rates").path("1h").size()).isEqualTo(120);
    // 4 bad of 10 in the last hour (scaled: a minute) against a 1 % budget: 40×.
    JsonNode h = series.path("burn_rates").path("1h");
    assertThat(h.get(h.size() - 1).asDouble()).isEqualTo(40.0);

    JsonNode list = server.get("/api/v1/slos").json();
    assertThat(list.path("file").asText()).isEqualTo(file.toAbsolutePath().toString());
    JsonNode slo = list.path("slos").get(0);
    assertThat(slo.path("name").asText()).isEqualTo("cart-logs");
    assertThat(slo.path("window").asText()).isEqualTo("1d");
    assertThat(slo.path("objective").asDouble()).isEqualTo(0.99);
    assertThat(slo.path("burn_rates").path("1h").asDouble())
        .isCloseTo(40.0, org.assertj.core.api.Assertions.within(1e-6));

    assertThat(server.get("/api/v1/slos/nope").status()).isEqualTo(404);
    assertThat(server.get("/api/v1/slos/cart-logs?last=soon").status()).isEqualTo(400);
  }

  @Test
  void put_validatesSavesToTheFileAndApplies_deleteRemoves() throws Exception {
    Reply bad = send("PUT", "/api/v1/slos/cart-logs", "{\"valid\":\"kind = \",\"good\":\"x = 1\"}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().path("error").asText()).contains("objective");
    bad =
        send(
            "PUT",
            "/api/v1/slos/cart-logs",
            "{\"valid\":\"kind = \",\"good\":\"severity_number < 17\",\"objective\":99}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().path("error").asText()).contains("'valid' is not a condition");
    bad =
        send(
            "PUT",
            "/api/v1/slos/cart-logs",
            "{\"valid\":\"kind = log\",\"good\":\"error = false\",\"objective\":100}");
    assertThat(bad.json().path("error").asText()).contains("below 100 %");
    assertThat(Files.readString(file)).isEqualTo(YAML);

    Reply ok =
        send(
            "PUT",
            "/api/v1/slos/cart-logs",
            "{\"description\":\"Fewer errors\",\"valid\":\"kind = log and service.name = cart\","
                + "\"good\":\"severity_number < 13\",\"objective\":\"99.9%\",\"window\":\"7d\"}");
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertThat(ok.json().path("slo").path("objective").asDouble()).isEqualTo(0.999);
    assertThat(ok.json().path("file").asText()).isEqualTo(file.toAbsolutePath().toString());
    SloConfig saved = SloConfig.load(file);
    assertThat(saved.timeScale()).isEqualTo(60);
    assertThat(saved.slos().get(0).good()).isEqualTo("severity_number < 13");
    assertThat(saved.slos().get(0).window()).isEqualTo(Duration.ofDays(7));
    JsonNode listed = server.get("/api/v1/slos").json().path("slos");
    assertThat(listed.get(0).path("description").asText()).isEqualTo("Fewer errors");
    assertThat(listed.get(0).path("window").asText()).isEqualTo("7d");

    assertThat(
            send(
                    "PUT",
                    "/api/v1/slos/api",
                    "{\"valid\":\"kind = span\",\"good\":\"error = false\",\"objective\":99}")
                .status())
        .isEqualTo(200);
    assertThat(server.get("/api/v1/slos").json().path("slos").size()).isEqualTo(2);
    assertThat(send("DELETE", "/api/v1/slos/api", null).status()).isEqualTo(200);
    assertThat(send("DELETE", "/api/v1/slos/api", null).status()).isEqualTo(404);
    assertThat(SloConfig.load(file).slos()).hasSize(1);
    // The file must keep one SLO: the server would not start with none.
    Reply last = send("DELETE", "/api/v1/slos/cart-logs", null);
    assertThat(last.status()).isEqualTo(409);
    assertThat(server.get("/api/v1/slos").json().path("slos").size()).isEqualTo(1);
  }

  @Test
  void withoutAFile_editsAreKeptInMemory_andSaySo() throws Exception {
    server.server.startSlos(SloConfig.load(file));
    Reply ok =
        send(
            "PUT",
            "/api/v1/slos/cart-logs",
            "{\"valid\":\"kind = log\",\"good\":\"severity_number < 13\",\"objective\":99}");
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertThat(ok.json().path("file").isNull()).isTrue();
    assertThat(ok.json().path("note").asText()).contains("kept in memory");
    assertThat(Files.readString(file)).isEqualTo(YAML);
    assertThat(server.get("/api/v1/slos").json().path("slos").get(0).path("valid").asText())
        .isEqualTo("kind = log");
  }

  record Reply(int status, String body) {
    JsonNode json() throws java.io.IOException {
      return TestServer.JSON.readTree(body);
    }
  }

  Reply send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.api(path))).timeout(Duration.ofSeconds(30));
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    HttpResponse<String> r = TestServer.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body());
  }

  static long sum(JsonNode a) {
    long s = 0;
    for (JsonNode v : a) {
      s += v.asLong();
    }
    return s;
  }
}
