package io.sextant.demo;

import static io.sextant.demo.Ids.idsOf;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.demo.service.Call;
import io.sextant.demo.service.Handler;
import io.sextant.demo.service.HttpError;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The edge services the gateway forwards to: web (browsers) and mobile-api (apps). */
final class EdgeEndpoints {
  private EdgeEndpoints() {}

  static Map<String, Map<String, Handler>> byService() {
    return Map.of(
        "web",
        Map.of(
            "GET /browse", EdgeEndpoints::browse,
            "GET /search", EdgeEndpoints::search,
            "GET /products/{id}", EdgeEndpoints::product,
            "POST /login", EdgeEndpoints::login,
            "POST /checkout", EdgeEndpoints::checkout,
            "POST /photos", EdgeEndpoints::uploadPhoto),
        "mobile-api",
        Map.of(
            "GET /recommendations", EdgeEndpoints::recommendations,
            "GET /cart", EdgeEndpoints::viewCart,
            "POST /cart/items", EdgeEndpoints::addToCart,
            "POST /comments", EdgeEndpoints::postComment,
            "POST /votes", EdgeEndpoints::vote,
            "GET /orders", EdgeEndpoints::orders));
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

  // ---- web ----

  private static Object browse(Call c) {
    String category = c.query("category", "dresses");
    JsonNode products = c.get("catalog", "/products", "/products?category=" + category);
    String ids = idsOf(products.path("products"));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("products", products.path("products"));
    out.put("thumbnails", c.get("assets", "/thumbnails", "/thumbnails?ids=" + ids));
    out.put("covers", c.get("photos", "/covers", "/covers?ids=" + ids));
    out.put("suggestions", c.get("search", "/suggest", "/suggest?prefix=" + category.charAt(0)));
    String user = c.context().userId();
    out.put(
        "cart_count",
        c.get("cart", "/count", "/count?user=" + (user == null ? "anonymous" : user)));
    return out;
  }

  private static Object search(Call c) {
    return c.get("search", "/search", "/search?q=" + c.query("q", "dress"));
  }

  private static Object product(Call c) {
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
  }

  private static Object login(Call c) throws IOException {
    return c.post("identity", "/sessions", "/sessions", c.body());
  }

  private static Object checkout(Call c) throws IOException {
    Map<String, String> who = auth(c);
    Map<String, Object> order = new LinkedHashMap<>(who);
    order.put("product_id", c.body().path("product_id").asInt(1));
    return c.post("checkout", "/orders", "/orders", order);
  }

  private static Object uploadPhoto(Call c) throws IOException {
    Map<String, String> who = auth(c);
    Map<String, Object> photo = new LinkedHashMap<>(who);
    photo.put("product_id", c.body().path("product_id").asInt(1));
    return c.post("photos", "/photos", "/photos", photo);
  }

  // ---- mobile-api ----

  private static Object recommendations(Call c) {
    Map<String, String> who = auth(c);
    String user = who.get("user_id");
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("items", c.get("recommendations", "/recommendations", "/recommendations?user=" + user));
    out.put("unread", c.get("notifications", "/unread", "/unread?user=" + user));
    return out;
  }

  private static Object viewCart(Call c) {
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
  }

  private static Object addToCart(Call c) throws IOException {
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
  }

  private static Object postComment(Call c) throws IOException {
    Map<String, Object> comment = new LinkedHashMap<>(auth(c));
    comment.put("product_id", c.body().path("product_id").asInt(1));
    comment.put("body", c.body().path("body").asText("Great fit"));
    return c.post("comments", "/comments", "/comments", comment);
  }

  private static Object vote(Call c) throws IOException {
    Map<String, Object> vote = new LinkedHashMap<>(auth(c));
    vote.put("product_id", c.body().path("product_id").asInt(1));
    vote.put("value", c.body().path("value").asInt(1));
    return c.post("voting", "/votes", "/votes", vote);
  }

  private static Object orders(Call c) {
    String user = auth(c).get("user_id");
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("orders", c.get("checkout", "/orders/history", "/orders/history?user=" + user));
    out.put("shipments", c.get("shipping", "/shipments", "/shipments?user=" + user));
    out.put("receipts", c.get("payments", "/receipts", "/receipts?user=" + user));
    return out;
  }
}
