package io.sextant.demo;

import static io.sextant.demo.TraceView.clientTo;
import static io.sextant.demo.TraceView.dbClient;
import static io.sextant.demo.TraceView.isError;
import static io.sextant.demo.TraceView.millis;
import static io.sextant.demo.TraceView.server;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.demo.db.DatabaseServer;
import io.sextant.demo.traffic.Shopper;
import io.sextant.demo.traffic.TrafficGenerator;
import io.sextant.demo.traffic.TrafficGenerator.Response;
import io.sextant.topology.health.HealthTarget;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole demo, started once on free loopback ports: Sextant, Kafka, 14 H2 servers, the cache and
 * 18 services. Requests go through the gateway; every assertion reads Sextant's own API.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class DemoIT {
  /** What each public function touches, as designed (demo/README.md has the same matrix). */
  static final Map<String, Set<String>> FOOTPRINTS =
      Map.ofEntries(
          Map.entry(
              "browse",
              Set.of(
                  "assets",
                  "cache",
                  "cart",
                  "catalog",
                  "catalog-db",
                  "gateway",
                  "photos",
                  "search",
                  "web")),
          Map.entry(
              "search",
              Set.of(
                  "assets",
                  "cache",
                  "catalog",
                  "comments",
                  "gateway",
                  "search",
                  "search-db",
                  "web")),
          Map.entry(
              "product",
              Set.of(
                  "assets",
                  "assets-db",
                  "cache",
                  "catalog",
                  "catalog-db",
                  "checkout",
                  "checkout-db",
                  "comments",
                  "comments-db",
                  "gateway",
                  "inventory",
                  "inventory-db",
                  "photos",
                  "photos-db",
                  "search",
                  "search-db",
                  "voting",
                  "voting-db",
                  "web")),
          Map.entry(
              "login", Set.of("assets", "assets-db", "gateway", "identity", "identity-db", "web")),
          Map.entry(
              "checkout",
              Set.of(
                  "cache",
                  "cart",
                  "cart-db",
                  "catalog",
                  "checkout",
                  "checkout-db",
                  "gateway",
                  "identity",
                  "identity-db",
                  "inventory",
                  "inventory-db",
                  "notifications",
                  "notifications-db",
                  "payments",
                  "payments-db",
                  "queue",
                  "shipping",
                  "shipping-db",
                  "web")),
          Map.entry(
              "upload_photo",
              Set.of(
                  "assets",
                  "assets-db",
                  "cache",
                  "gateway",
                  "identity",
                  "moderation",
                  "moderation-db",
                  "photos",
                  "photos-db",
                  "web")),
          Map.entry(
              "recommendations",
              Set.of(
                  "cache",
                  "catalog",
                  "gateway",
                  "identity",
                  "mobile-api",
                  "notifications",
                  "notifications-db",
                  "recommendations",
                  "voting")),
          Map.entry(
              "view_cart",
              Set.of(
                  "cache",
                  "cart",
                  "cart-db",
                  "catalog",
                  "gateway",
                  "identity",
                  "inventory",
                  "mobile-api",
                  "payments",
                  "payments-db",
                  "recommendations",
                  "voting")),
          Map.entry(
              "add_to_cart",
              Set.of(
                  "cache",
                  "cart",
                  "cart-db",
                  "gateway",
                  "identity",
                  "inventory",
                  "inventory-db",
                  "mobile-api",
                  "shipping")),
          Map.entry(
              "post_comment",
              Set.of(
                  "cache",
                  "comments",
                  "comments-db",
                  "gateway",
                  "identity",
                  "mobile-api",
                  "moderation",
                  "moderation-db",
                  "notifications",
                  "queue")),
          Map.entry(
              "vote",
              Set.of(
                  "cache",
                  "gateway",
                  "identity",
                  "mobile-api",
                  "moderation",
                  "voting",
                  "voting-db")),
          Map.entry(
              "orders",
              Set.of(
                  "cache",
                  "checkout",
                  "gateway",
                  "identity",
                  "mobile-api",
                  "payments",
                  "shipping",
                  "shipping-db")));

  @TempDir static Path dir;
  static Demo demo;
  static TrafficGenerator client;

  @BeforeAll
  static void start() throws Exception {
    demo = Demo.start(DemoConfig.forTests(dir));
    // These tests count spans, rows and errors per call and inject faults back to back: the
    // scheduled probes' own requests would land in the middle of them (TriageIT tests triage).
    demo.sextant().triage().close();
    client = new TrafficGenerator(demo.gatewayUrl(), 1);
  }

  @AfterAll
  static void stop() {
    if (demo != null) {
      demo.close();
    }
  }

  @AfterEach
  void clearFaults() {
    demo.faults().clearAll();
  }

  static Response call(String function) {
    return client.run(Shopper.of(4242), function, false);
  }

  /** The components a trace touched: services, databases, the cache, the queue. */
  static Set<String> components(TraceView t) {
    Set<String> c = new TreeSet<>(t.services());
    c.addAll(t.databases());
    for (JsonNode s : t.spans) {
      if (s.path("attributes").path("peer.service").asText().equals("cache")) {
        c.add("cache");
      }
      if (s.path("attributes").path("messaging.system").asText().equals("kafka")) {
        c.add("queue");
      }
    }
    return c;
  }

  @Test
  void everyFunction_touchesItsDesignedFootprint_andEveryComponentShowsUpInSextant()
      throws Exception {
    Set<String> seen = new TreeSet<>();
    for (String function : FOOTPRINTS.keySet()) {
      Response r = call(function);
      assertThat(r.status()).as(function + ": " + r.body()).isEqualTo(200);
      Set<String> expected = FOOTPRINTS.get(function);
      TraceView t = TraceView.await(demo, r.traceId(), v -> components(v).containsAll(expected));
      assertThat(components(t)).as(function).isEqualTo(expected);
      assertThat(t.where(TraceView::isError)).as(function + " has no errors").isEmpty();
      seen.addAll(components(t));
    }
    Set<String> all = new TreeSet<>(demo.services().keySet());
    all.addAll(demo.databases().keySet());
    all.add("cache");
    all.add("queue");
    assertThat(seen).isEqualTo(all);
    assertThat(seen).hasSize(34);

    JsonNode services = TraceView.get(demo.apiUrl() + "/api/v1/services");
    Set<String> names = new TreeSet<>();
    services.path("services").forEach(s -> names.add(s.path("name").asText()));
    assertThat(names).containsAll(demo.services().keySet());
  }

  @Test
  void checkout_spansFiveServicesDatabasesAndTheQueue_withParentageAcrossTheHop() throws Exception {
    Response r = call("checkout");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    TraceView t =
        TraceView.await(
            demo,
            r.traceId(),
            v ->
                v.where(e -> e.path("span.kind").asText().equals("consumer")).size() == 2
                    && !v.where(dbClient("shipping", "shipping")).isEmpty()
                    && !v.where(dbClient("notifications", "notifications")).isEmpty());
    assertThat(t.services().size()).isGreaterThanOrEqualTo(5);
    assertThat(t.databases())
        .contains("checkout-db", "payments-db", "shipping-db", "notifications-db");
    JsonNode producer = t.where(e -> e.path("span.kind").asText().equals("producer")).get(0);
    assertThat(producer.path("service.name").asText()).isEqualTo("checkout");
    assertThat(producer.path("attributes").path("messaging.destination.name").asText())
        .isEqualTo("orders");
    for (JsonNode consumer : t.where(e -> e.path("span.kind").asText().equals("consumer"))) {
      assertThat(consumer.path("parent_span_id").asText())
          .isEqualTo(producer.path("span_id").asText());
      assertThat(consumer.path("attributes").path("messaging.destination.name").asText())
          .isEqualTo("orders");
      // the consumer's database write is its child
      String service = consumer.path("service.name").asText();
      JsonNode insert = t.where(dbClient(service, service)).get(0);
      assertThat(insert.path("parent_span_id").asText())
          .isEqualTo(consumer.path("span_id").asText());
    }
    JsonNode db = t.where(dbClient("payments", "payments")).get(0).path("attributes");
    assertThat(db.path("db.system").asText()).isEqualTo("h2");
    assertThat(db.path("server.address").asText()).isEqualTo("127.0.0.1");
    assertThat(db.path("server.port").asInt())
        .isEqualTo(demo.databases().get("payments-db").proxy().port());
    // user_id and account_id from the baggage are on every span of every service
    for (JsonNode s : t.spans) {
      assertThat(s.path("attributes").path("user_id").asText())
          .as(s.toString())
          .isEqualTo("u-004242");
      assertThat(s.path("attributes").path("account_id").asText())
          .as(s.toString())
          .isEqualTo("a-0242");
    }
  }

  @Test
  void tracerBullets_travelEveryServiceAndChangeNoRow() throws Exception {
    Map<String, Long> before = rowCounts();
    Shopper tester = Shopper.tester(3);
    Response login = client.run(tester, "login", true);
    assertThat(login.status()).as(login.body()).isEqualTo(200);
    for (String function : List.of("add_to_cart", "post_comment", "vote", "upload_photo")) {
      Response r = client.run(tester, function, true);
      assertThat(r.status()).as(function + ": " + r.body()).isEqualTo(200);
    }
    Response r = client.run(tester, "checkout", true);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    TraceView t =
        TraceView.await(
            demo,
            r.traceId(),
            v ->
                components(v).containsAll(FOOTPRINTS.get("checkout"))
                    && v.where(dbClient("shipping", "shipping")).size() == 1
                    && v.where(dbClient("notifications", "notifications")).size() == 1);
    assertThat(components(t)).isEqualTo(FOOTPRINTS.get("checkout"));
    assertThat(t.where(TraceView::isError)).isEmpty();
    for (String table : List.of("orders", "charges", "shipments", "notifications")) {
      JsonNode insert = t.where(e -> e.path("name").asText().equals("INSERT " + table)).get(0);
      assertThat(insert.path("attributes").path("sextant.tracer_bullet").asBoolean()).isTrue();
      assertThat(insert.path("attributes").path("request_type").asText()).isEqualTo("TRACE");
    }
    Thread.sleep(500);
    assertThat(rowCounts()).isEqualTo(before);
  }

  static Map<String, Long> rowCounts() throws Exception {
    Map<String, Long> counts = new TreeMap<>();
    for (DatabaseServer d : demo.databases().values()) {
      try (Connection c = DriverManager.getConnection(d.directJdbcUrl(), "sa", "");
          Statement s = c.createStatement()) {
        List<String> tables = new java.util.ArrayList<>();
        try (ResultSet rs =
            s.executeQuery(
                "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'")) {
          while (rs.next()) {
            tables.add(rs.getString(1));
          }
        }
        for (String table : tables) {
          try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            counts.put(d.component() + "." + table, rs.getLong(1));
          }
        }
      }
    }
    return counts;
  }

  // ---- faults: each shows up on the right component, and goes away when cleared ----

  static String fault(String kind, String target, int percent, int millis) throws Exception {
    String body =
        "{\"kind\":\""
            + kind
            + "\",\"target\":\""
            + target
            + "\",\"percent\":"
            + percent
            + ",\"millis\":"
            + millis
            + "}";
    HttpResponse<String> r =
        TraceView.HTTP.send(
            HttpRequest.newBuilder(URI.create(demo.apiUrl() + "/api/v1/demo/faults"))
                .timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return TraceView.JSON.readTree(r.body()).path("id").asText();
  }

  static void clear(String id) throws Exception {
    HttpResponse<String> r =
        TraceView.HTTP.send(
            HttpRequest.newBuilder(URI.create(demo.apiUrl() + "/api/v1/demo/faults/" + id))
                .timeout(Duration.ofSeconds(20))
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  /**
   * Breaks {@code target}, calls {@code function}, and checks {@code broken} on its trace; clears
   * the fault, calls again, and checks {@code healthy}.
   */
  static void faultShowsAndClears(
      String kind,
      String target,
      int percent,
      int millis,
      String function,
      Predicate<TraceView> broken,
      Predicate<TraceView> healthy)
      throws Exception {
    String id = fault(kind, target, percent, millis);
    Response r = call(function);
    assertThat(r.traceId()).as(kind + " " + target + ": " + r.body()).isNotNull();
    TraceView.await(demo, r.traceId(), broken);
    clear(id);
    Response ok = call(function);
    assertThat(ok.status())
        .as("after clearing " + kind + " " + target + ": " + ok.body())
        .isEqualTo(200);
    TraceView.await(demo, ok.traceId(), healthy);
  }

  static Predicate<TraceView> errorOn(Predicate<JsonNode> span) {
    return t -> t.where(span).stream().anyMatch(TraceView::isError);
  }

  static Predicate<TraceView> okOn(Predicate<JsonNode> span) {
    return t -> !t.where(span).isEmpty() && t.where(span).stream().noneMatch(TraceView::isError);
  }

  static Predicate<TraceView> slowerThan(Predicate<JsonNode> span, long ms) {
    return t -> t.where(span).stream().anyMatch(s -> millis(s) >= ms);
  }

  @Test
  void serviceDown_isAConnectionErrorOnTheCallersClientSpan_andNoServerSpan() throws Exception {
    faultShowsAndClears(
        "down",
        "inventory",
        0,
        0,
        "product",
        t ->
            errorOn(clientTo("web", "inventory")).test(t)
                && t.where(server("inventory")).isEmpty()
                && t.where(clientTo("web", "inventory"))
                    .get(0)
                    .path("status_message")
                    .asText()
                    .contains("Connect"),
        okOn(server("inventory")));
  }

  @Test
  void serviceHung_timesOutTheCaller() throws Exception {
    faultShowsAndClears(
        "hung",
        "voting",
        0,
        0,
        "vote",
        t ->
            t.where(clientTo("mobile-api", "voting")).stream()
                .anyMatch(
                    s ->
                        isError(s)
                            && s.path("status_message").asText().contains("ResponseTimeout")),
        okOn(server("voting")));
  }

  @Test
  void errorRate_failsTheServersOwnSpans() throws Exception {
    faultShowsAndClears(
        "error-rate",
        "comments",
        100,
        0,
        "product",
        errorOn(server("comments")),
        okOn(server("comments")));
  }

  @Test
  void latency_onAServiceAndOnADatabase_showsOnThatComponent() throws Exception {
    faultShowsAndClears(
        "latency",
        "catalog",
        0,
        400,
        "browse",
        slowerThan(server("catalog"), 400),
        t -> !slowerThan(server("catalog"), 400).test(t) && okOn(server("catalog")).test(t));
    faultShowsAndClears(
        "latency",
        "payments-db",
        0,
        300,
        "view_cart",
        slowerThan(dbClient("payments", "payments"), 300),
        t ->
            !slowerThan(dbClient("payments", "payments"), 300).test(t)
                && okOn(dbClient("payments", "payments")).test(t));
  }

  @Test
  void databaseDownAndHung_failTheOwningService() throws Exception {
    faultShowsAndClears(
        "down",
        "cart-db",
        0,
        0,
        "view_cart",
        errorOn(server("cart")),
        okOn(dbClient("cart", "cart")));
    faultShowsAndClears(
        "hung",
        "search-db",
        0,
        0,
        "search",
        t ->
            t.where(clientTo("web", "search")).stream()
                .anyMatch(
                    s ->
                        isError(s)
                            && s.path("status_message").asText().contains("ResponseTimeout")),
        okOn(dbClient("search", "search")));
  }

  @Test
  void connectionResets_showAsErrorsOnTheCaller() throws Exception {
    faultShowsAndClears(
        "resets",
        "assets",
        100,
        0,
        "browse",
        errorOn(clientTo("web", "assets")),
        okOn(server("assets")));
  }

  @Test
  void badDeploy_isANewVersionWithOneFailingEndpoint() throws Exception {
    faultShowsAndClears(
        "bad-deploy",
        "checkout",
        0,
        0,
        "checkout",
        t ->
            t.where(server("checkout")).stream()
                .anyMatch(
                    s ->
                        isError(s)
                            && s.path("resource").path("service.version").asText().equals("6.4.0")),
        t ->
            t.where(server("checkout")).stream()
                    .allMatch(
                        s ->
                            !isError(s)
                                && s.path("resource")
                                    .path("service.version")
                                    .asText()
                                    .equals("6.3.1"))
                && !t.where(server("checkout")).isEmpty());
  }

  @Test
  void hostFailure_takesDownEveryServiceOnTheHost() throws Exception {
    faultShowsAndClears(
        "host-down",
        "node-6",
        0,
        0,
        "product",
        t ->
            errorOn(clientTo("web", "photos")).test(t)
                && t.where(server("photos")).isEmpty()
                && t.where(server("assets")).isEmpty(),
        okOn(server("photos")));
  }

  @Test
  void cpuHog_slowsThatServicesSpans() throws Exception {
    faultShowsAndClears(
        "cpu-hog",
        "recommendations",
        0,
        300,
        "recommendations",
        slowerThan(server("recommendations"), 300),
        okOn(server("recommendations")));
  }

  @Test
  void poolExhaustion_failsTheServiceWithoutReachingItsDatabase() throws Exception {
    faultShowsAndClears(
        "pool-exhaustion",
        "payments",
        0,
        0,
        "view_cart",
        t ->
            errorOn(server("payments")).test(t)
                && t.where(dbClient("payments", "payments")).isEmpty(),
        okOn(dbClient("payments", "payments")));
  }

  @Test
  void cacheDown_failsSessionChecksClosed() throws Exception {
    faultShowsAndClears(
        "down",
        "cache",
        0,
        0,
        "vote",
        t -> errorOn(clientTo("identity", "cache")).test(t) && errorOn(server("identity")).test(t),
        okOn(clientTo("identity", "cache")));
  }

  // ---- the dependency map (docs/adr/0009) ----

  /** The map of the last {@code last}, polled until {@code until} holds, at most 30 s. */
  static JsonNode mapUntil(String last, Predicate<JsonNode> until) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    JsonNode map = null;
    while (System.nanoTime() < deadline) {
      map = TraceView.get(demo.apiUrl() + "/api/v1/map?last=" + last);
      if (map != null && until.test(map)) {
        return map;
      }
      Thread.sleep(1_000);
    }
    return map;
  }

  static Set<String> ids(JsonNode map, String kind) {
    Set<String> out = new TreeSet<>();
    map.path("nodes")
        .forEach(
            n -> {
              if (n.path("kind").asText().equals(kind)) {
                out.add(n.path("id").asText());
              }
            });
    return out;
  }

  static JsonNode node(JsonNode map, String id) {
    for (JsonNode n : map.path("nodes")) {
      if (n.path("id").asText().equals(id)) {
        return n;
      }
    }
    return null;
  }

  static JsonNode edge(JsonNode map, String from, String to) {
    for (JsonNode e : map.path("edges")) {
      if (e.path("from").asText().equals(from) && e.path("to").asText().equals(to)) {
        return e;
      }
    }
    return null;
  }

  /** The id of the database node behind {@code database}'s proxy port, or null. */
  static String dbNode(JsonNode map, String database) {
    String port = Integer.toString(demo.databases().get(database).proxy().port());
    for (JsonNode n : map.path("nodes")) {
      if (n.path("kind").asText().equals("database")
          && n.at("/attributes/server.port").asText().equals(port)) {
        return n.path("id").asText();
      }
    }
    return null;
  }

  @Test
  void map_showsEveryServiceDatabaseTheCacheAndTheQueue_withTheDeclaredEdges() throws Exception {
    for (String function : FOOTPRINTS.keySet()) {
      assertThat(call(function).status()).as(function).isEqualTo(200);
    }
    Set<String> services = demo.services().keySet();
    JsonNode map =
        mapUntil(
            "10m",
            m ->
                ids(m, "service").containsAll(services)
                    && demo.databases().keySet().stream().allMatch(d -> dbNode(m, d) != null)
                    && ids(m, "cache").size() == 1
                    && ids(m, "queue").contains("orders (kafka)")
                    && edge(m, "orders (kafka)", "shipping") != null);
    assertThat(ids(map, "service")).as(map.toString()).isEqualTo(new TreeSet<>(services));
    assertThat(ids(map, "database")).hasSize(demo.databases().size());
    assertThat(ids(map, "external")).as("every address is a known component").isEmpty();
    String cache = ids(map, "cache").iterator().next();
    Map<String, Storefront.Spec> specs = new TreeMap<>();
    Storefront.services().forEach(s -> specs.put(s.name(), s));
    for (Storefront.Spec s : specs.values()) {
      if (s.database() != null) {
        assertThat(edge(map, s.name(), dbNode(map, s.database())))
            .as(s.name() + " -> " + s.database())
            .isNotNull();
      }
    }
    for (JsonNode e : map.path("edges")) {
      String from = e.path("from").asText();
      String to = e.path("to").asText();
      String edge = from + " -> " + to;
      if (services.contains(from) && services.contains(to)) {
        assertThat(specs.get(from).calls()).as(edge + " is declared").contains(to);
      } else if (to.equals(cache)) {
        assertThat(specs.get(from).cache()).as(edge).isTrue();
      } else if (ids(map, "queue").contains(to)) {
        assertThat(specs.get(from).publishes()).as(edge).isTrue();
      } else if (ids(map, "queue").contains(from)) {
        String topic = from.substring(0, from.indexOf(" ("));
        assertThat(specs.get(to).consumes()).as(edge).contains(topic);
      }
      assertThat(e.path("calls").asLong()).as(edge).isPositive();
    }
  }

  /**
   * With its database down, cart fails before any JDBC span starts (the pool cannot connect), so no
   * span reaches the database node: the map shows the failure on cart and on the edges into it.
   * Cart's health check, polled by Sextant, names the database: that marks the database node and
   * the edge to it as failing.
   */
  @Test
  void map_databaseDown_isFailingByHealth_andErrorsOnItsServiceAndTheEdgesIntoIt()
      throws Exception {
    // Only cart's health endpoint is polled: polling all 18 adds database pings that push the
    // latency tests' calls over their timeouts.
    demo.sextant().health().add(new HealthTarget("cart", demo.services().get("cart").healthUrl()));
    assertThat(call("view_cart").status()).isEqualTo(200);
    fault("down", "cart-db", 0, 0);
    for (int i = 0; i < 3; i++) {
      call("view_cart");
    }
    Predicate<JsonNode> intoCartFailing =
        m -> {
          for (JsonNode e : m.path("edges")) {
            if (e.path("to").asText().equals("cart") && e.path("errors").asLong() > 0) {
              return true;
            }
          }
          return false;
        };
    JsonNode map =
        mapUntil(
            "1m",
            m ->
                node(m, "cart") != null
                    && node(m, "cart").path("errors").asLong() > 0
                    && intoCartFailing.test(m));
    assertThat(node(map, "cart").path("errors").asLong()).as(map.toString()).isPositive();
    assertThat(intoCartFailing.test(map)).as("an edge into cart has errors: " + map).isTrue();

    // cart's own health check names the database; Sextant polls it and keeps the history.
    JsonNode cartHealth = null;
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline && cartHealth == null) {
      for (JsonNode t : TraceView.get(demo.apiUrl() + "/api/v1/health").path("targets")) {
        if (t.path("service").asText().equals("cart") && !t.path("healthy").asBoolean(true)) {
          cartHealth = t;
        }
      }
      Thread.sleep(500);
    }
    assertThat(cartHealth).as("cart reported unhealthy by its health check").isNotNull();
    assertThat(cartHealth.path("dependencies").toString()).contains("\"cart-db\"");
    String history = "";
    while (System.nanoTime() < deadline && !history.contains("\"cart\"")) {
      HttpResponse<String> r =
          TraceView.HTTP.send(
              HttpRequest.newBuilder(URI.create(demo.apiUrl() + "/api/v1/query"))
                  .timeout(Duration.ofSeconds(20))
                  .header("content-type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"q\": \"where health.check = cart-db and error = true"
                              + " | count() by service.name | last 5m\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      history = r.body();
      Thread.sleep(500);
    }
    assertThat(history).as("failed health checks are stored").contains("\"cart\"");

    // ...and the map shows the database, seen before the fault, failing by cart's health check.
    JsonNode marked =
        mapUntil(
            "2m",
            m -> {
              String db = dbNode(m, "cart-db");
              return db != null && "failing".equals(node(m, db).path("health").asText());
            });
    String db = dbNode(marked, "cart-db");
    assertThat(db).as(marked.toString()).isNotNull();
    assertThat(node(marked, db).path("health").asText()).as(marked.toString()).isEqualTo("failing");
    assertThat(edge(marked, "cart", db).path("health").asText()).isEqualTo("failing");
  }
}
