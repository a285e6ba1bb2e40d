package io.sextant.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/** A trace as Sextant's API returns it, with the questions the tests ask of it. */
final class TraceView {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final List<JsonNode> spans = new ArrayList<>();

  TraceView(JsonNode body) {
    for (JsonNode e : body.path("events")) {
      if (e.path("kind").asText().equals("span")) {
        spans.add(e);
      }
    }
  }

  static JsonNode get(String url) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
            HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
  }

  /**
   * Polls Sextant until the trace holds a span matching {@code until} (spans arrive in batches,
   * consumers run later than the request), at most 20 s.
   */
  static TraceView await(Demo demo, String traceId, Predicate<TraceView> until) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    TraceView last = null;
    while (System.nanoTime() < deadline) {
      demo.flush();
      JsonNode body = get(demo.apiUrl() + "/api/v1/traces/" + traceId);
      if (body != null) {
        last = new TraceView(body);
        if (until.test(last)) {
          return last;
        }
      }
      Thread.sleep(300);
    }
    throw new AssertionError(
        "trace " + traceId + " never matched; last seen: " + (last == null ? "nothing" : last));
  }

  Set<String> services() {
    Set<String> s = new TreeSet<>();
    spans.forEach(e -> s.add(e.path("service.name").asText()));
    return s;
  }

  /** The databases touched: {@code db.namespace} of client spans, "mem:" removed. */
  Set<String> databases() {
    Set<String> s = new TreeSet<>();
    for (JsonNode e : spans) {
      String ns = e.path("attributes").path("db.namespace").asText("");
      if (!ns.isEmpty() && !ns.equals("cache")) {
        s.add(ns.replace("mem:", "") + "-db");
      }
    }
    return s;
  }

  List<JsonNode> where(Predicate<JsonNode> p) {
    return spans.stream().filter(p).toList();
  }

  static Predicate<JsonNode> server(String service) {
    return e ->
        e.path("service.name").asText().equals(service)
            && e.path("span.kind").asText().equals("server");
  }

  static Predicate<JsonNode> clientTo(String caller, String peer) {
    return e ->
        e.path("service.name").asText().equals(caller)
            && e.path("span.kind").asText().equals("client")
            && e.path("attributes").path("peer.service").asText().equals(peer);
  }

  static Predicate<JsonNode> dbClient(String service, String database) {
    return e ->
        e.path("service.name").asText().equals(service)
            && e.path("span.kind").asText().equals("client")
            && e.path("attributes").path("db.namespace").asText().equals("mem:" + database);
  }

  static boolean isError(JsonNode span) {
    return span.path("status").asText().equals("error");
  }

  static long millis(JsonNode span) {
    return span.path("duration_nanos").asLong() / 1_000_000;
  }

  JsonNode byId(String spanId) {
    for (JsonNode e : spans) {
      if (e.path("span_id").asText().equals(spanId)) {
        return e;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (JsonNode e : spans) {
      b.append("\n  ")
          .append(e.path("service.name").asText())
          .append(' ')
          .append(e.path("span.kind").asText())
          .append(' ')
          .append(e.path("name").asText())
          .append(' ')
          .append(e.path("status").asText())
          .append(' ')
          .append(millis(e))
          .append("ms");
    }
    return b.toString();
  }
}
