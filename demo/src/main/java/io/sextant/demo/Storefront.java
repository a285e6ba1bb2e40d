package io.sextant.demo;

import static com.linecorp.armeria.common.HttpMethod.DELETE;
import static com.linecorp.armeria.common.HttpMethod.GET;
import static com.linecorp.armeria.common.HttpMethod.POST;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.client.TracerBullet;
import io.sextant.demo.db.ServiceDatabase;
import io.sextant.demo.service.Call;
import io.sextant.demo.service.HttpError;
import io.sextant.demo.service.ServiceNode.Route;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The demo system: a storefront in the spirit of shared/seeds/001_16572784da120c39.txt. Each {@link
 * Spec} is one service: where it runs, its database and schema, whom it calls, and its routes. The
 * public API (the gateway's routes) and the components each function touches are tabulated in
 * demo/README.md; {@link Footprints} holds the same table for the tests.
 */
public final class Storefront {
  private Storefront() {}

  public static final String ORDERS_TOPIC = "orders";
  public static final String COMMENTS_TOPIC = "comment-events";

  /** Handles one queue event in a consumer's process span. */
  @FunctionalInterface
  public interface EventHandler {
    void handle(ServiceDatabase db, String topic, JsonNode event) throws Exception;
  }

  /** One service of the system. */
  public record Spec(
      String name,
      String version,
      String host,
      String database,
      List<String> schema,
      boolean cache,
      boolean publishes,
      List<String> calls,
      List<Route> routes,
      List<String> consumes,
      EventHandler consumer,
      String badDeployRoute) {}

  /** The tier decides how long a caller waits: edge calls wait longer than inner ones. */
  public static Duration timeout(String caller) {
    return switch (caller) {
      case "gateway" -> Duration.ofSeconds(8);
      case "web", "mobile-api" -> Duration.ofSeconds(5);
      default -> Duration.ofSeconds(3);
    };
  }

  public static List<Spec> services() {
    List<Spec> s = new ArrayList<>();
    s.add(
        new Spec(
            "gateway",
            "3.2.0",
            "edge-1",
            null,
            List.of(),
            false,
            false,
            List.of("web", "mobile-api"),
            gatewayRoutes(),
            List.of(),
            null,
            null));
    s.add(
        new Spec(
            "web",
            "5.14.1",
            "node-1",
            null,
            List.of(),
            false,
            false,
            List.of(
                "identity",
                "catalog",
                "assets",
                "search",
                "cart",
                "photos",
                "inventory",
                "comments",
                "voting",
                "shipping",
                "checkout"),
            webRoutes(),
            List.of(),
            null,
            "GET /products/{id}"));
    s.add(
        new Spec(
            "mobile-api",
            "2.8.0",
            "node-2",
            null,
            List.of(),
            false,
            false,
            List.of(
                "identity",
                "recommendations",
                "notifications",
                "cart",
                "inventory",
                "payments",
                "shipping",
                "comments",
                "voting",
                "checkout"),
            mobileRoutes(),
            List.of(),
            null,
            "GET /cart"));
    s.add(
        new Spec(
            "identity",
            "4.1.3",
            "node-1",
            "identity-db",
            List.of(
                "CREATE TABLE users(id VARCHAR(16) PRIMARY KEY, account_id VARCHAR(16) NOT NULL,"
                    + " name VARCHAR(64), email VARCHAR(128), address VARCHAR(128))",
                "INSERT INTO users SELECT 'u-' || LPAD(CAST(X AS VARCHAR), 6, '0'),"
                    + " 'a-' || LPAD(CAST(MOD(X, 1000) AS VARCHAR), 4, '0'), 'User ' || X,"
                    + " 'user' || X || '@example.com', X || ' Main St' FROM SYSTEM_RANGE(1, 100000)",
                "INSERT INTO users SELECT 'u-tester-' || LPAD(CAST(X AS VARCHAR), 2, '0'),"
                    + " 'a-tester', 'Tester ' || X, 'tester' || X || '@example.com', '1 Probe Rd'"
                    + " FROM SYSTEM_RANGE(1, 10)",
                "CREATE TABLE sessions(token VARCHAR(128) PRIMARY KEY, user_id VARCHAR(16),"
                    + " created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)"),
            true,
            false,
            List.of("assets"),
            identityRoutes(),
            List.of(),
            null,
            "POST /sessions"));
    s.add(
        new Spec(
            "catalog",
            "7.0.2",
            "node-1",
            "catalog-db",
            Catalog.schema(),
            true,
            false,
            List.of(),
            catalogRoutes(),
            List.of(),
            null,
            "GET /products/{id}"));
    s.add(
        new Spec(
            "search",
            "1.9.4",
            "node-2",
            "search-db",
            Catalog.searchSchema(),
            true,
            false,
            List.of("catalog", "assets", "comments"),
            searchRoutes(),
            List.of(),
            null,
            "GET /search"));
    s.add(
        new Spec(
            "recommendations",
            "0.12.0",
            "node-2",
            null,
            List.of(),
            true,
            false,
            List.of("voting", "catalog"),
            recommendationRoutes(),
            List.of(),
            null,
            "GET /recommendations"));
    s.add(
        new Spec(
            "checkout",
            "6.3.1",
            "node-3",
            "checkout-db",
            List.of(
                "CREATE TABLE orders(id VARCHAR(40) PRIMARY KEY, user_id VARCHAR(16),"
                    + " account_id VARCHAR(16), total_cents BIGINT, items INT, status VARCHAR(16),"
                    + " created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)",
                "CREATE INDEX orders_user ON orders(user_id)"),
            true,
            true,
            List.of("identity", "cart", "inventory", "payments"),
            checkoutRoutes(),
            List.of(),
            null,
            "POST /orders"));
    s.add(
        new Spec(
            "cart",
            "3.0.7",
            "node-3",
            "cart-db",
            List.of(
                "CREATE TABLE cart_items(id VARCHAR(40) PRIMARY KEY, user_id VARCHAR(16),"
                    + " product_id INT, qty INT)",
                "CREATE INDEX cart_user ON cart_items(user_id)",
                "INSERT INTO cart_items SELECT 'seed-' || X, 'u-tester-' ||"
                    + " LPAD(CAST(MOD(X, 10) + 1 AS VARCHAR), 2, '0'), MOD(X * 37, 2000) + 1, 1"
                    + " FROM SYSTEM_RANGE(1, 20)"),
            true,
            false,
            List.of("catalog", "inventory"),
            cartRoutes(),
            List.of(),
            null,
            "POST /carts/{user}/items"));
    s.add(
        new Spec(
            "payments",
            "9.1.0",
            "node-3",
            "payments-db",
            List.of(
                "CREATE TABLE charges(id VARCHAR(40) PRIMARY KEY, order_id VARCHAR(40),"
                    + " user_id VARCHAR(16), amount_cents BIGINT, status VARCHAR(16),"
                    + " created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)",
                "CREATE TABLE methods(user_id VARCHAR(16), brand VARCHAR(16), last4 VARCHAR(4))",
                "CREATE INDEX methods_user ON methods(user_id)",
                "INSERT INTO methods SELECT 'u-' || LPAD(CAST(X AS VARCHAR), 6, '0'),"
                    + " CASEWHEN(MOD(X, 3) = 0, 'visa', 'mastercard'),"
                    + " LPAD(CAST(MOD(X * 7919, 10000) AS VARCHAR), 4, '0')"
                    + " FROM SYSTEM_RANGE(1, 100000)"),
            true,
            false,
            List.of(),
            paymentRoutes(),
            List.of(),
            null,
            "POST /charges"));
    s.add(
        new Spec(
            "inventory",
            "2.2.5",
            "node-4",
            "inventory-db",
            List.of(
                "CREATE TABLE stock(product_id INT PRIMARY KEY, quantity BIGINT, reserved BIGINT)",
                "INSERT INTO stock SELECT X, 1000000000, 0 FROM SYSTEM_RANGE(1, 2000)"),
            false,
            false,
            List.of(),
            inventoryRoutes(),
            List.of(),
            null,
            "POST /reservations"));
    s.add(
        new Spec(
            "shipping",
            "1.4.2",
            "node-4",
            "shipping-db",
            List.of(
                "CREATE TABLE shipments(id VARCHAR(40) PRIMARY KEY, order_id VARCHAR(40),"
                    + " user_id VARCHAR(16), status VARCHAR(16),"
                    + " created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)",
                "CREATE INDEX shipments_user ON shipments(user_id)"),
            false,
            false,
            List.of(),
            shippingRoutes(),
            List.of(ORDERS_TOPIC),
            (db, topic, e) ->
                db.update(
                    "INSERT INTO shipments(id, order_id, user_id, status) VALUES (?, ?, ?, ?)",
                    id(),
                    e.path("order_id").asText(),
                    e.path("user_id").asText(),
                    "label_created"),
            "GET /quotes"));
    s.add(
        new Spec(
            "notifications",
            "1.1.9",
            "node-4",
            "notifications-db",
            List.of(
                "CREATE TABLE notifications(id VARCHAR(40) PRIMARY KEY, user_id VARCHAR(16),"
                    + " kind VARCHAR(16), body VARCHAR(256), seen BOOLEAN DEFAULT FALSE,"
                    + " created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)",
                "CREATE INDEX notifications_user ON notifications(user_id)"),
            false,
            false,
            List.of(),
            notificationRoutes(),
            List.of(ORDERS_TOPIC, COMMENTS_TOPIC),
            (db, topic, e) -> {
              if (topic.equals(ORDERS_TOPIC)) {
                db.update(
                    "INSERT INTO notifications(id, user_id, kind, body) VALUES (?, ?, ?, ?)",
                    id(),
                    e.path("user_id").asText(),
                    "order",
                    "Your order " + e.path("order_id").asText() + " is confirmed");
              }
              // comment events become push messages only: nothing is stored for them
            },
            "GET /unread"));
    s.add(
        new Spec(
            "comments",
            "2.5.0",
            "node-5",
            "comments-db",
            List.of(
                "CREATE TABLE comments(id VARCHAR(40) PRIMARY KEY, product_id INT,"
                    + " user_id VARCHAR(16), body VARCHAR(512),"
                    + " created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)",
                "CREATE INDEX comments_product ON comments(product_id)",
                "INSERT INTO comments(id, product_id, user_id, body) SELECT 'seed-' || X,"
                    + " MOD(X * 13, 2000) + 1, 'u-' || LPAD(CAST(MOD(X * 7, 100000) + 1 AS"
                    + " VARCHAR), 6, '0'), 'Love it, runs a bit small' FROM SYSTEM_RANGE(1, 6000)"),
            true,
            true,
            List.of("moderation"),
            commentRoutes(),
            List.of(),
            null,
            "POST /comments"));
    s.add(
        new Spec(
            "voting",
            "1.0.4",
            "node-5",
            "voting-db",
            List.of(
                "CREATE TABLE votes(id VARCHAR(40) PRIMARY KEY, product_id INT, user_id"
                    + " VARCHAR(16), vote INT)",
                "CREATE INDEX votes_product ON votes(product_id)",
                "INSERT INTO votes SELECT 'seed-' || X, MOD(X * 17, 2000) + 1, 'u-' ||"
                    + " LPAD(CAST(MOD(X * 11, 100000) + 1 AS VARCHAR), 6, '0'),"
                    + " CASEWHEN(MOD(X, 5) = 0, -1, 1) FROM SYSTEM_RANGE(1, 20000)"),
            true,
            false,
            List.of("moderation"),
            votingRoutes(),
            List.of(),
            null,
            "POST /votes"));
    s.add(
        new Spec(
            "moderation",
            "0.9.8",
            "node-5",
            "moderation-db",
            List.of(
                "CREATE TABLE reviews(id VARCHAR(40) PRIMARY KEY, subject_kind VARCHAR(16),"
                    + " subject_id VARCHAR(40), user_id VARCHAR(16), verdict VARCHAR(16),"
                    + " created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)"),
            false,
            false,
            List.of(),
            moderationRoutes(),
            List.of(),
            null,
            "POST /reviews"));
    s.add(
        new Spec(
            "photos",
            "3.3.0",
            "node-6",
            "photos-db",
            List.of(
                "CREATE TABLE photos(id VARCHAR(40) PRIMARY KEY, product_id INT, user_id"
                    + " VARCHAR(16), asset_id VARCHAR(48), status VARCHAR(16))",
                "CREATE INDEX photos_product ON photos(product_id)",
                "INSERT INTO photos SELECT 'seed-' || X, MOD(X, 2000) + 1, 'u-000001', 'asset-' ||"
                    + " X, 'approved' FROM SYSTEM_RANGE(1, 4000)"),
            false,
            false,
            List.of("moderation", "assets"),
            photoRoutes(),
            List.of(),
            null,
            "POST /photos"));
    s.add(
        new Spec(
            "assets",
            "2.0.1",
            "node-6",
            "assets-db",
            List.of(
                "CREATE TABLE assets(id VARCHAR(48) PRIMARY KEY, owner_id VARCHAR(16), kind"
                    + " VARCHAR(16), url VARCHAR(128), bytes BIGINT)",
                "INSERT INTO assets SELECT 'asset-' || X, 'u-000001', 'photo',"
                    + " 'https://cdn.storefront.test/p/' || X || '.jpg', 120000 + X"
                    + " FROM SYSTEM_RANGE(1, 4000)"),
            false,
            false,
            List.of(),
            assetRoutes(),
            List.of(),
            null,
            "POST /assets"));
    return List.copyOf(s);
  }

  // ---- the public API: gateway → web (browser) and mobile-api (apps) ----

  /** The public functions: method, gateway path, edge service, edge path template. */
  public record Function(String name, String method, String path, String edge, String edgePath) {}

  public static final List<Function> FUNCTIONS =
      List.of(
          new Function("browse", "GET", "/api/browse", "web", "/browse"),
          new Function("search", "GET", "/api/search", "web", "/search"),
          new Function("product", "GET", "/api/products/{id}", "web", "/products/{id}"),
          new Function("login", "POST", "/api/login", "web", "/login"),
          new Function("checkout", "POST", "/api/checkout", "web", "/checkout"),
          new Function("upload_photo", "POST", "/api/photos", "web", "/photos"),
          new Function(
              "recommendations", "GET", "/api/m/recommendations", "mobile-api", "/recommendations"),
          new Function("view_cart", "GET", "/api/m/cart", "mobile-api", "/cart"),
          new Function("add_to_cart", "POST", "/api/m/cart/items", "mobile-api", "/cart/items"),
          new Function("post_comment", "POST", "/api/m/comments", "mobile-api", "/comments"),
          new Function("vote", "POST", "/api/m/votes", "mobile-api", "/votes"),
          new Function("orders", "GET", "/api/m/orders", "mobile-api", "/orders"));

  private static List<Route> gatewayRoutes() {
    List<Route> r = new ArrayList<>();
    for (Function f : FUNCTIONS) {
      com.linecorp.armeria.common.HttpMethod m =
          com.linecorp.armeria.common.HttpMethod.valueOf(f.method());
      r.add(
          new Route(
              m,
              f.path(),
              c -> {
                String edgePath =
                    c.pathAndQuery().substring(f.path().startsWith("/api/m/") ? 6 : 4);
                return c.forward(f.edge(), f.edgePath(), edgePath);
              }));
    }
    return r;
  }

  private static Map<String, String> auth(Call c) {
    String h = c.header("authorization");
    if (h == null || !h.startsWith("Bearer ")) {
      throw new HttpError(401, "log in first: send Authorization: Bearer <token from /api/login>");
    }
    JsonNode who = c.get("identity", "/sessions/{token}", "/sessions/" + h.substring(7));
    return Map.of(
        "user_id", who.path("user_id").asText(), "account_id", who.path("account_id").asText());
  }

  private static List<Route> webRoutes() {
    return List.of(
        new Route(
            GET,
            "/browse",
            c -> {
              String category = c.query("category", "dresses");
              JsonNode products = c.get("catalog", "/products", "/products?category=" + category);
              String ids = idsOf(products.path("products"));
              Map<String, Object> out = new LinkedHashMap<>();
              out.put("products", products.path("products"));
              out.put("thumbnails", c.get("assets", "/thumbnails", "/thumbnails?ids=" + ids));
              out.put("covers", c.get("photos", "/covers", "/covers?ids=" + ids));
              out.put(
                  "suggestions",
                  c.get("search", "/suggest", "/suggest?prefix=" + category.charAt(0)));
              String user = c.context().userId();
              out.put(
                  "cart_count",
                  c.get("cart", "/count", "/count?user=" + (user == null ? "anonymous" : user)));
              return out;
            }),
        new Route(
            GET, "/search", c -> c.get("search", "/search", "/search?q=" + c.query("q", "dress"))),
        new Route(
            GET,
            "/products/{id}",
            c -> {
              String id = c.path("id");
              String user = c.context().userId();
              Map<String, Object> out = new LinkedHashMap<>();
              out.put("product", c.get("catalog", "/products/{id}", "/products/" + id));
              out.put("stock", c.get("inventory", "/stock", "/stock?ids=" + id));
              out.put("comments", c.get("comments", "/comments", "/comments?product=" + id));
              out.put("votes", c.get("voting", "/votes", "/votes?product=" + id));
              out.put("photos", c.get("photos", "/photos", "/photos?product=" + id));
              out.put("related", c.get("search", "/related", "/related?product=" + id));
              out.put(
                  "bought_before",
                  c.get(
                      "checkout",
                      "/orders/recent",
                      "/orders/recent?user=" + (user == null ? "anonymous" : user)));
              return out;
            }),
        new Route(POST, "/login", c -> c.post("identity", "/sessions", "/sessions", c.body())),
        new Route(
            POST,
            "/checkout",
            c -> {
              Map<String, String> who = auth(c);
              Map<String, Object> order = new LinkedHashMap<>(who);
              order.put("product_id", c.body().path("product_id").asInt(1));
              return c.post("checkout", "/orders", "/orders", order);
            }),
        new Route(
            POST,
            "/photos",
            c -> {
              Map<String, String> who = auth(c);
              Map<String, Object> photo = new LinkedHashMap<>(who);
              photo.put("product_id", c.body().path("product_id").asInt(1));
              return c.post("photos", "/photos", "/photos", photo);
            }));
  }

  private static List<Route> mobileRoutes() {
    return List.of(
        new Route(
            GET,
            "/recommendations",
            c -> {
              Map<String, String> who = auth(c);
              String user = who.get("user_id");
              Map<String, Object> out = new LinkedHashMap<>();
              out.put(
                  "items",
                  c.get("recommendations", "/recommendations", "/recommendations?user=" + user));
              out.put("unread", c.get("notifications", "/unread", "/unread?user=" + user));
              return out;
            }),
        new Route(
            GET,
            "/cart",
            c -> {
              String user = auth(c).get("user_id");
              JsonNode cart = c.get("cart", "/carts/{user}", "/carts/" + user);
              Map<String, Object> out = new LinkedHashMap<>();
              out.put("cart", cart);
              out.put("eta", c.get("inventory", "/eta", "/eta?ids=" + idsOf(cart.path("items"))));
              out.put("payment_methods", c.get("payments", "/methods", "/methods?user=" + user));
              out.put(
                  "you_may_also_like",
                  c.get("recommendations", "/recommendations", "/recommendations?user=" + user));
              return out;
            }),
        new Route(
            POST,
            "/cart/items",
            c -> {
              String user = auth(c).get("user_id");
              int product = c.body().path("product_id").asInt(1);
              Map<String, Object> out = new LinkedHashMap<>();
              out.put(
                  "cart",
                  c.post(
                      "cart",
                      "/carts/{user}/items",
                      "/carts/" + user + "/items",
                      Map.of("product_id", product, "qty", c.body().path("qty").asInt(1))));
              out.put("shipping", c.get("shipping", "/quotes", "/quotes?ids=" + product));
              return out;
            }),
        new Route(
            POST,
            "/comments",
            c -> {
              Map<String, Object> comment = new LinkedHashMap<>(auth(c));
              comment.put("product_id", c.body().path("product_id").asInt(1));
              comment.put("body", c.body().path("body").asText("Great fit"));
              return c.post("comments", "/comments", "/comments", comment);
            }),
        new Route(
            POST,
            "/votes",
            c -> {
              Map<String, Object> vote = new LinkedHashMap<>(auth(c));
              vote.put("product_id", c.body().path("product_id").asInt(1));
              vote.put("value", c.body().path("value").asInt(1));
              return c.post("voting", "/votes", "/votes", vote);
            }),
        new Route(
            GET,
            "/orders",
            c -> {
              String user = auth(c).get("user_id");
              Map<String, Object> out = new LinkedHashMap<>();
              out.put(
                  "orders", c.get("checkout", "/orders/history", "/orders/history?user=" + user));
              out.put("shipments", c.get("shipping", "/shipments", "/shipments?user=" + user));
              out.put("receipts", c.get("payments", "/receipts", "/receipts?user=" + user));
              return out;
            }));
  }

  // ---- identity ----

  private static final byte[] TOKEN_KEY =
      "storefront-demo-signing-key".getBytes(StandardCharsets.UTF_8);

  static String sign(String user, String account) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(TOKEN_KEY, "HmacSHA256"));
      byte[] sig = mac.doFinal((user + "|" + account).getBytes(StandardCharsets.UTF_8));
      return "s."
          + user
          + "."
          + account
          + "."
          + Base64.getUrlEncoder().withoutPadding().encodeToString(sig).substring(0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Route> identityRoutes() {
    return List.of(
        new Route(
            POST,
            "/sessions",
            c -> {
              String user = c.body().path("user_id").asText();
              var rows = c.db().query("SELECT id, account_id, name FROM users WHERE id = ?", user);
              if (rows.isEmpty()) {
                throw new HttpError(404, "no user " + user);
              }
              String account = (String) rows.get(0).get("account_id");
              String token = sign(user, account);
              c.db()
                  .update(
                      "MERGE INTO sessions(token, user_id) KEY(token) VALUES (?, ?)", token, user);
              JsonNode avatar = c.get("assets", "/assets/{id}", "/assets/avatar-" + user);
              c.log().info("user logged in", "session.user_id", user);
              return Map.of(
                  "token",
                  token,
                  "user_id",
                  user,
                  "account_id",
                  account,
                  "avatar",
                  avatar.path("url").asText());
            }),
        new Route(
            GET,
            "/sessions/{token}",
            c -> {
              String token = c.path("token");
              String[] parts = token.split("\\.");
              if (parts.length != 4 || !sign(parts[1], parts[2]).equals(token)) {
                throw new HttpError(401, "session token is not valid");
              }
              if (c.cache().get("revoked:" + parts[3]) != null) {
                throw new HttpError(401, "session was revoked");
              }
              return Map.of("user_id", parts[1], "account_id", parts[2]);
            }),
        new Route(
            GET,
            "/users/{id}",
            c -> {
              var rows =
                  c.db()
                      .query(
                          "SELECT id, account_id, name, address FROM users WHERE id = ?",
                          c.path("id"));
              if (rows.isEmpty()) {
                throw new HttpError(404, "no user " + c.path("id"));
              }
              return rows.get(0);
            }));
  }

  // ---- catalog and search ----

  private static List<Route> catalogRoutes() {
    return List.of(
        new Route(
            GET,
            "/products",
            c ->
                Map.of(
                    "products",
                    c.db()
                        .query(
                            "SELECT id, name, price_cents FROM products WHERE category = ?"
                                + " ORDER BY id LIMIT 12",
                            c.query("category", "dresses")))),
        new Route(
            GET,
            "/products/batch",
            c -> {
              List<String> ids = ids(c.query("ids", ""));
              if (ids.isEmpty()) {
                return Map.of("products", List.of());
              }
              List<String> keys = ids.stream().map(i -> "product:" + i).toList();
              Map<String, String> hits;
              try {
                hits = c.cache().getMany(keys);
              } catch (IOException e) {
                hits = Map.of(); // the cache is an optimisation: fall back to the database
              }
              List<Object> out = new ArrayList<>();
              List<String> missing = new ArrayList<>();
              for (String id : ids) {
                String v = hits.get("product:" + id);
                if (v == null) {
                  missing.add(id);
                } else {
                  out.add(JSON.readTree(v));
                }
              }
              if (!missing.isEmpty()) {
                out.addAll(
                    c.db()
                        .query(
                            "SELECT id, name, price_cents FROM products WHERE id IN ("
                                + String.join(",", missing.stream().map(x -> "?").toList())
                                + ")",
                            missing.stream().map(Integer::valueOf).toArray()));
              }
              return Map.of("products", out);
            }),
        new Route(
            GET,
            "/products/{id}",
            c -> {
              int id = parseId(c.path("id"));
              var rows =
                  c.db()
                      .query(
                          "SELECT id, name, category, price_cents FROM products WHERE id = ?", id);
              if (rows.isEmpty()) {
                throw new HttpError(404, "no product " + id);
              }
              Map<String, Object> p = new LinkedHashMap<>(rows.get(0));
              String cached = null;
              try {
                cached = c.cache().get("product:" + id);
              } catch (IOException e) {
                c.log().warn("cache unavailable, serving without description", "product_id", id);
              }
              p.put("summary", cached == null ? null : JSON.readTree(cached));
              return p;
            }));
  }

  private static List<Route> searchRoutes() {
    return List.of(
        new Route(
            GET,
            "/suggest",
            c -> {
              String v = c.cache().get("suggest:" + c.query("prefix", "d"));
              return Map.of("suggestions", v == null ? List.of() : Arrays.asList(v.split(",")));
            }),
        new Route(
            GET,
            "/related",
            c ->
                Map.of(
                    "related",
                    c.db()
                        .query(
                            "SELECT DISTINCT t2.product_id FROM terms t1 JOIN terms t2 ON t1.term ="
                                + " t2.term WHERE t1.product_id = ? AND t2.product_id <> ? LIMIT 6",
                            parseId(c.query("product", "1")),
                            parseId(c.query("product", "1"))))),
        new Route(
            GET,
            "/search",
            c -> {
              String q = c.query("q", "dress").toLowerCase(Locale.ROOT);
              var rows = c.db().query("SELECT product_id FROM terms WHERE term = ? LIMIT 10", q);
              List<String> ids =
                  rows.stream().map(r -> String.valueOf(r.get("product_id"))).toList();
              String joined = String.join(",", ids);
              Map<String, Object> out = new LinkedHashMap<>();
              out.put("query", q);
              out.put(
                  "results",
                  c.get("catalog", "/products/batch", "/products/batch?ids=" + joined)
                      .path("products"));
              out.put("thumbnails", c.get("assets", "/thumbnails", "/thumbnails?ids=" + joined));
              out.put("comment_counts", c.get("comments", "/counts", "/counts?ids=" + joined));
              return out;
            }));
  }

  private static List<Route> recommendationRoutes() {
    return List.of(
        new Route(
            GET,
            "/recommendations",
            c -> {
              String user = c.query("user", "anonymous");
              String personal = c.cache().get("recs:" + user);
              JsonNode top = c.get("voting", "/votes/top", "/votes/top");
              String ids = personal != null ? personal : idsOf(top.path("top"));
              return c.get("catalog", "/products/batch", "/products/batch?ids=" + ids)
                  .path("products");
            }));
  }

  // ---- buying ----

  private static List<Route> cartRoutes() {
    return List.of(
        new Route(
            GET,
            "/count",
            c -> {
              String v = c.cache().get("cart:count:" + c.query("user", "anonymous"));
              return Map.of("count", v == null ? 0 : Integer.parseInt(v));
            }),
        new Route(
            GET,
            "/carts/{user}",
            c -> {
              var items =
                  c.db()
                      .query(
                          "SELECT product_id, SUM(qty) AS qty FROM cart_items WHERE user_id = ?"
                              + " GROUP BY product_id ORDER BY product_id",
                          c.path("user"));
              String ids =
                  String.join(
                      ",", items.stream().map(i -> String.valueOf(i.get("product_id"))).toList());
              JsonNode products =
                  c.get("catalog", "/products/batch", "/products/batch?ids=" + ids)
                      .path("products");
              Map<String, Long> prices = new HashMap<>();
              for (JsonNode p : products) {
                prices.put(p.path("id").asText(), p.path("price_cents").asLong());
              }
              List<Map<String, Object>> lines = new ArrayList<>();
              long total = 0;
              for (var i : items) {
                long qty = ((Number) i.get("qty")).longValue();
                long price = prices.getOrDefault(String.valueOf(i.get("product_id")), 0L);
                total += qty * price;
                lines.add(
                    Map.of("product_id", i.get("product_id"), "qty", qty, "price_cents", price));
              }
              return Map.of("items", lines, "total_cents", total);
            }),
        new Route(
            POST,
            "/carts/{user}/items",
            c -> {
              int product = c.body().path("product_id").asInt(1);
              JsonNode stock = c.get("inventory", "/stock", "/stock?ids=" + product);
              if (stock.path("stock").path(0).path("available").asLong(0) <= 0) {
                throw new HttpError(409, "product " + product + " is out of stock");
              }
              c.db()
                  .update(
                      "INSERT INTO cart_items(id, user_id, product_id, qty) VALUES (?, ?, ?, ?)",
                      id(),
                      c.path("user"),
                      product,
                      c.body().path("qty").asInt(1));
              return Map.of("added", product);
            }),
        new Route(
            DELETE,
            "/carts/{user}",
            c ->
                Map.of(
                    "removed",
                    c.db().update("DELETE FROM cart_items WHERE user_id = ?", c.path("user")))));
  }

  private static List<Route> checkoutRoutes() {
    return List.of(
        new Route(
            POST,
            "/orders",
            c -> {
              JsonNode in = c.body();
              String user = in.path("user_id").asText();
              JsonNode profile = c.get("identity", "/users/{id}", "/users/" + user);
              JsonNode cart = c.get("cart", "/carts/{user}", "/carts/" + user);
              List<Map<String, Object>> items = new ArrayList<>();
              long total = 0;
              for (JsonNode i : cart.path("items")) {
                items.add(
                    Map.of(
                        "product_id", i.path("product_id").asInt(), "qty", i.path("qty").asInt()));
                total += i.path("qty").asLong() * i.path("price_cents").asLong();
              }
              if (items.isEmpty()) { // "buy now": the product on the page
                items.add(Map.of("product_id", in.path("product_id").asInt(1), "qty", 1));
                total = 4900;
              }
              c.post("inventory", "/reservations", "/reservations", Map.of("items", items));
              String orderId = "o-" + id();
              c.post(
                  "payments",
                  "/charges",
                  "/charges",
                  Map.of("order_id", orderId, "user_id", user, "amount_cents", total));
              c.db()
                  .update(
                      "INSERT INTO orders(id, user_id, account_id, total_cents, items, status)"
                          + " VALUES (?, ?, ?, ?, ?, ?)",
                      orderId,
                      user,
                      profile.path("account_id").asText(),
                      total,
                      items.size(),
                      "placed");
              Map<String, Object> event =
                  Map.of(
                      "order_id", orderId,
                      "user_id", user,
                      "account_id", profile.path("account_id").asText(),
                      "total_cents", total);
              // Tracer bullets publish too: the event carries request_type=TRACE in its baggage
              // and every consumer's writes roll back (the kit's data source guard).
              c.publisher().publish(ORDERS_TOPIC, orderId, event);
              c.delete("cart", "/carts/{user}", "/carts/" + user);
              final long orderTotal = total;
              TracerBullet.unlessActive(
                  () -> {
                    try {
                      c.cache().set("orders:" + user, orderId + ":" + orderTotal);
                    } catch (IOException e) {
                      c.log().warn("could not cache order summary", "order_id", orderId);
                    }
                  });
              c.log()
                  .info(
                      "order placed",
                      "order_id",
                      orderId,
                      "total_cents",
                      total,
                      "items",
                      items.size());
              return Map.of("order_id", orderId, "total_cents", total, "status", "placed");
            }),
        new Route(
            GET,
            "/orders/recent",
            c ->
                Map.of(
                    "orders",
                    c.db()
                        .query(
                            "SELECT id, total_cents FROM orders WHERE user_id = ?"
                                + " ORDER BY created_at DESC LIMIT 3",
                            c.query("user", "anonymous")))),
        new Route(
            GET,
            "/orders/history",
            c -> {
              String v = c.cache().get("orders:" + c.query("user", "anonymous"));
              return Map.of("latest", v == null ? "" : v);
            }));
  }

  private static List<Route> paymentRoutes() {
    return List.of(
        new Route(
            POST,
            "/charges",
            c -> {
              JsonNode in = c.body();
              String chargeId = "ch-" + id();
              c.db()
                  .update(
                      "INSERT INTO charges(id, order_id, user_id, amount_cents, status)"
                          + " VALUES (?, ?, ?, ?, ?)",
                      chargeId,
                      in.path("order_id").asText(),
                      in.path("user_id").asText(),
                      in.path("amount_cents").asLong(),
                      "captured");
              return Map.of("charge_id", chargeId, "status", "captured");
            }),
        new Route(
            GET,
            "/methods",
            c ->
                Map.of(
                    "methods",
                    c.db()
                        .query(
                            "SELECT brand, last4 FROM methods WHERE user_id = ?",
                            c.query("user", "anonymous")))),
        new Route(
            GET,
            "/receipts",
            c -> {
              String v = c.cache().get("receipts:" + c.query("user", "anonymous"));
              return Map.of("receipts", v == null ? List.of() : List.of(v));
            }));
  }

  private static List<Route> inventoryRoutes() {
    return List.of(
        new Route(
            GET,
            "/stock",
            c -> {
              List<String> ids = ids(c.query("ids", "1"));
              return Map.of(
                  "stock",
                  c.db()
                      .query(
                          "SELECT product_id, quantity - reserved AS available FROM stock WHERE"
                              + " product_id IN ("
                              + String.join(",", ids.stream().map(x -> "?").toList())
                              + ")",
                          ids.stream().map(Integer::valueOf).toArray()));
            }),
        new Route(
            POST,
            "/reservations",
            c -> {
              int reserved = 0;
              for (JsonNode i : c.body().path("items")) {
                reserved +=
                    c.db()
                        .update(
                            "UPDATE stock SET reserved = reserved + ? WHERE product_id = ? AND"
                                + " quantity - reserved >= ?",
                            i.path("qty").asInt(1),
                            i.path("product_id").asInt(),
                            i.path("qty").asInt(1));
              }
              return Map.of("reserved", reserved);
            }),
        new Route(
            GET, "/eta", c -> Map.of("days", 2 + Math.floorMod(c.query("ids", "").hashCode(), 4))));
  }

  private static List<Route> shippingRoutes() {
    return List.of(
        new Route(
            GET,
            "/quotes",
            c -> Map.of("standard_cents", 499, "express_cents", 1499, "free_over_cents", 7500)),
        new Route(
            GET,
            "/shipments",
            c ->
                Map.of(
                    "shipments",
                    c.db()
                        .query(
                            "SELECT order_id, status FROM shipments WHERE user_id = ?"
                                + " ORDER BY created_at DESC LIMIT 5",
                            c.query("user", "anonymous")))));
  }

  private static List<Route> notificationRoutes() {
    return List.of(
        new Route(
            GET,
            "/unread",
            c ->
                c.db()
                    .query(
                        "SELECT COUNT(*) AS unread FROM notifications WHERE user_id = ? AND NOT"
                            + " seen",
                        c.query("user", "anonymous"))
                    .get(0)));
  }

  // ---- community ----

  private static List<Route> commentRoutes() {
    return List.of(
        new Route(
            GET,
            "/counts",
            c -> {
              List<String> ids = ids(c.query("ids", ""));
              Map<String, String> hits =
                  ids.isEmpty()
                      ? Map.of()
                      : c.cache().getMany(ids.stream().map(i -> "comments:count:" + i).toList());
              Map<String, Integer> out = new LinkedHashMap<>();
              for (String i : ids) {
                String v = hits.get("comments:count:" + i);
                out.put(i, v == null ? 0 : Integer.parseInt(v));
              }
              return out;
            }),
        new Route(
            GET,
            "/comments",
            c ->
                Map.of(
                    "comments",
                    c.db()
                        .query(
                            "SELECT user_id, body FROM comments WHERE product_id = ?"
                                + " ORDER BY created_at DESC LIMIT 10",
                            parseId(c.query("product", "1"))))),
        new Route(
            POST,
            "/comments",
            c -> {
              JsonNode in = c.body();
              String commentId = "c-" + id();
              JsonNode verdict =
                  c.post(
                      "moderation",
                      "/reviews",
                      "/reviews",
                      Map.of(
                          "kind",
                          "comment",
                          "id",
                          commentId,
                          "user_id",
                          in.path("user_id").asText(),
                          "text",
                          in.path("body").asText()));
              c.db()
                  .update(
                      "INSERT INTO comments(id, product_id, user_id, body) VALUES (?, ?, ?, ?)",
                      commentId,
                      in.path("product_id").asInt(1),
                      in.path("user_id").asText(),
                      in.path("body").asText());
              c.publisher()
                  .publish(
                      COMMENTS_TOPIC,
                      commentId,
                      Map.of(
                          "comment_id",
                          commentId,
                          "product_id",
                          in.path("product_id").asInt(1),
                          "user_id",
                          in.path("user_id").asText()));
              return Map.of("comment_id", commentId, "verdict", verdict.path("verdict").asText());
            }));
  }

  private static List<Route> votingRoutes() {
    return List.of(
        new Route(
            GET,
            "/votes",
            c ->
                c.db()
                    .query(
                        "SELECT COUNT(*) AS votes, COALESCE(SUM(vote), 0) AS score FROM votes"
                            + " WHERE product_id = ?",
                        parseId(c.query("product", "1")))
                    .get(0)),
        new Route(
            GET,
            "/votes/top",
            c -> {
              String v = c.cache().get("votes:top");
              return Map.of("top", v == null ? List.of() : Arrays.asList(v.split(",")));
            }),
        new Route(
            POST,
            "/votes",
            c -> {
              JsonNode in = c.body();
              JsonNode policy =
                  c.get("moderation", "/policy", "/policy?user=" + in.path("user_id").asText());
              if (!policy.path("may_vote").asBoolean(true)) {
                throw new HttpError(403, "this account may not vote");
              }
              c.db()
                  .update(
                      "INSERT INTO votes(id, product_id, user_id, vote) VALUES (?, ?, ?, ?)",
                      "v-" + id(),
                      in.path("product_id").asInt(1),
                      in.path("user_id").asText(),
                      in.path("value").asInt(1) >= 0 ? 1 : -1);
              return Map.of("voted", in.path("product_id").asInt(1));
            }));
  }

  private static List<Route> moderationRoutes() {
    return List.of(
        new Route(
            POST,
            "/reviews",
            c -> {
              JsonNode in = c.body();
              String text = in.path("text").asText("");
              String verdict =
                  text.toLowerCase(Locale.ROOT).contains("spam") ? "rejected" : "approved";
              c.db()
                  .update(
                      "INSERT INTO reviews(id, subject_kind, subject_id, user_id, verdict)"
                          + " VALUES (?, ?, ?, ?, ?)",
                      "r-" + id(),
                      in.path("kind").asText(),
                      in.path("id").asText(),
                      in.path("user_id").asText(),
                      verdict);
              return Map.of("verdict", verdict);
            }),
        new Route(GET, "/policy", c -> Map.of("may_vote", !c.query("user", "").endsWith("13"))));
  }

  private static List<Route> photoRoutes() {
    return List.of(
        new Route(
            GET,
            "/covers",
            c -> {
              Map<String, String> out = new LinkedHashMap<>();
              for (String i : ids(c.query("ids", ""))) {
                out.put(i, "https://cdn.storefront.test/covers/" + i + ".jpg");
              }
              return out;
            }),
        new Route(
            GET,
            "/photos",
            c -> {
              var rows =
                  c.db()
                      .query(
                          "SELECT id, asset_id FROM photos WHERE product_id = ? AND status ="
                              + " 'approved' LIMIT 4",
                          parseId(c.query("product", "1")));
              String first = rows.isEmpty() ? "asset-1" : (String) rows.get(0).get("asset_id");
              JsonNode asset = c.get("assets", "/assets/{id}", "/assets/" + first);
              return Map.of("photos", rows, "hero", asset);
            }),
        new Route(
            POST,
            "/photos",
            c -> {
              JsonNode in = c.body();
              String photoId = "p-" + id();
              JsonNode asset =
                  c.post(
                      "assets",
                      "/assets",
                      "/assets",
                      Map.of("owner_id", in.path("user_id").asText(), "kind", "photo"));
              JsonNode verdict =
                  c.post(
                      "moderation",
                      "/reviews",
                      "/reviews",
                      Map.of(
                          "kind",
                          "photo",
                          "id",
                          photoId,
                          "user_id",
                          in.path("user_id").asText(),
                          "text",
                          ""));
              c.db()
                  .update(
                      "INSERT INTO photos(id, product_id, user_id, asset_id, status)"
                          + " VALUES (?, ?, ?, ?, ?)",
                      photoId,
                      in.path("product_id").asInt(1),
                      in.path("user_id").asText(),
                      asset.path("asset_id").asText(),
                      verdict.path("verdict").asText());
              return Map.of("photo_id", photoId, "status", verdict.path("verdict").asText());
            }));
  }

  private static List<Route> assetRoutes() {
    return List.of(
        new Route(
            GET,
            "/thumbnails",
            c -> {
              Map<String, String> out = new LinkedHashMap<>();
              for (String i : ids(c.query("ids", ""))) {
                out.put(i, "https://cdn.storefront.test/t/" + i + "-240.jpg");
              }
              return out;
            }),
        new Route(
            GET,
            "/assets/{id}",
            c -> {
              var rows =
                  c.db().query("SELECT id, url, bytes FROM assets WHERE id = ?", c.path("id"));
              return rows.isEmpty()
                  ? Map.of("id", c.path("id"), "url", "https://cdn.storefront.test/default.png")
                  : rows.get(0);
            }),
        new Route(
            POST,
            "/assets",
            c -> {
              String assetId = "asset-" + id();
              c.db()
                  .update(
                      "INSERT INTO assets(id, owner_id, kind, url, bytes) VALUES (?, ?, ?, ?, ?)",
                      assetId,
                      c.body().path("owner_id").asText(),
                      c.body().path("kind").asText("photo"),
                      "https://cdn.storefront.test/u/" + assetId + ".jpg",
                      180_000);
              return Map.of("asset_id", assetId);
            }));
  }

  // ---- helpers ----

  static final ObjectMapper JSON = new ObjectMapper();

  static String id() {
    return UUID.randomUUID().toString();
  }

  static List<String> ids(String csv) {
    List<String> out = new ArrayList<>();
    for (String s : csv.split(",")) {
      String t = s.trim();
      if (!t.isEmpty() && t.chars().allMatch(Character::isDigit) && out.size() < 50) {
        out.add(t);
      }
    }
    return out;
  }

  static int parseId(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new HttpError(400, "id must be a number: \"" + s + "\"");
    }
  }

  static String idsOf(JsonNode array) {
    List<String> ids = new ArrayList<>();
    for (JsonNode n : array) {
      JsonNode id = n.isObject() ? n.path("id") : n;
      if (id.isMissingNode()) {
        id = n.path("product_id");
      }
      ids.add(id.asText());
    }
    return String.join(",", ids);
  }
}
