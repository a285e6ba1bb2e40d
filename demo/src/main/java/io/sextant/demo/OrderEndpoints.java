package io.sextant.demo;

import static io.sextant.demo.Ids.id;
import static io.sextant.demo.Ids.ids;
import static io.sextant.demo.Storefront.ORDERS_TOPIC;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.client.TracerBullet;
import io.sextant.demo.Storefront.EventHandler;
import io.sextant.demo.db.ServiceDatabase;
import io.sextant.demo.service.Call;
import io.sextant.demo.service.Handler;
import io.sextant.demo.service.HttpError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Buying: cart, checkout, payments, inventory, and what follows an order through the queue
 * (shipping, notifications).
 */
final class OrderEndpoints {
  private OrderEndpoints() {}

  static Map<String, Map<String, Handler>> byService() {
    return Map.of(
        "cart",
        Map.of(
            "GET /count", OrderEndpoints::count,
            "GET /carts/{user}", OrderEndpoints::cart,
            "POST /carts/{user}/items", OrderEndpoints::addItem,
            "DELETE /carts/{user}", OrderEndpoints::emptyCart),
        "checkout",
        Map.of(
            "POST /orders", OrderEndpoints::placeOrder,
            "GET /orders/recent", OrderEndpoints::recentOrders,
            "GET /orders/history", OrderEndpoints::orderHistory),
        "payments",
        Map.of(
            "POST /charges", OrderEndpoints::charge,
            "GET /methods", OrderEndpoints::methods,
            "GET /receipts", OrderEndpoints::receipts),
        "inventory",
        Map.of(
            "GET /stock", OrderEndpoints::stock,
            "POST /reservations", OrderEndpoints::reserve,
            "GET /eta", OrderEndpoints::eta),
        "shipping",
        Map.of(
            "GET /quotes", OrderEndpoints::quotes,
            "GET /shipments", OrderEndpoints::shipments),
        "notifications",
        Map.of("GET /unread", OrderEndpoints::unread));
  }

  /** The services that consume the queue, and what each does with an event. */
  static Map<String, EventHandler> consumers() {
    return Map.of(
        "shipping", OrderEndpoints::shipOrder, "notifications", OrderEndpoints::notifyUser);
  }

  // ---- cart ----

  private static Object count(Call c) throws Exception {
    String v = c.cache().get("cart:count:" + c.query("user", "anonymous"));
    return Map.of("count", v == null ? 0 : Integer.parseInt(v));
  }

  private static Object cart(Call c) throws Exception {
    var items =
        c.db()
            .query(
                "SELECT product_id, SUM(qty) AS qty FROM cart_items WHERE user_id = ?"
                    + " GROUP BY product_id ORDER BY product_id",
                c.path("user"));
    String ids =
        String.join(",", items.stream().map(i -> String.valueOf(i.get("product_id"))).toList());
    JsonNode products =
        c.get("catalog", "/products/batch", "/products/batch?ids=" + ids).path("products");
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
      lines.add(Map.of("product_id", i.get("product_id"), "qty", qty, "price_cents", price));
    }
    return Map.of("items", lines, "total_cents", total);
  }

  private static Object addItem(Call c) throws Exception {
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
  }

  private static Object emptyCart(Call c) throws Exception {
    return Map.of(
        "removed", c.db().update("DELETE FROM cart_items WHERE user_id = ?", c.path("user")));
  }

  // ---- checkout ----

  private static Object placeOrder(Call c) throws Exception {
    JsonNode in = c.body();
    String user = in.path("user_id").asText();
    JsonNode profile = c.get("identity", "/users/{id}", "/users/" + user);
    JsonNode cart = c.get("cart", "/carts/{user}", "/carts/" + user);
    List<Map<String, Object>> items = new ArrayList<>();
    long total = 0;
    for (JsonNode i : cart.path("items")) {
      items.add(Map.of("product_id", i.path("product_id").asInt(), "qty", i.path("qty").asInt()));
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
    // Tracer bullets publish too: the event carries request_type=TRACE in its baggage and every
    // consumer's writes roll back (the kit's data source guard).
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
    c.log().info("order placed", "order_id", orderId, "total_cents", total, "items", items.size());
    return Map.of("order_id", orderId, "total_cents", total, "status", "placed");
  }

  private static Object recentOrders(Call c) throws Exception {
    return Map.of(
        "orders",
        c.db()
            .query(
                "SELECT id, total_cents FROM orders WHERE user_id = ?"
                    + " ORDER BY created_at DESC LIMIT 3",
                c.query("user", "anonymous")));
  }

  private static Object orderHistory(Call c) throws Exception {
    String v = c.cache().get("orders:" + c.query("user", "anonymous"));
    return Map.of("latest", v == null ? "" : v);
  }

  // ---- payments ----

  private static Object charge(Call c) throws Exception {
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
  }

  private static Object methods(Call c) throws Exception {
    return Map.of(
        "methods",
        c.db()
            .query(
                "SELECT brand, last4 FROM methods WHERE user_id = ?",
                c.query("user", "anonymous")));
  }

  private static Object receipts(Call c) throws Exception {
    String v = c.cache().get("receipts:" + c.query("user", "anonymous"));
    return Map.of("receipts", v == null ? List.of() : List.of(v));
  }

  // ---- inventory ----

  private static Object stock(Call c) throws Exception {
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
  }

  private static Object reserve(Call c) throws Exception {
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
  }

  private static Object eta(Call c) {
    return Map.of("days", 2 + Math.floorMod(c.query("ids", "").hashCode(), 4));
  }

  // ---- shipping and notifications ----

  private static Object quotes(Call c) {
    return Map.of("standard_cents", 499, "express_cents", 1499, "free_over_cents", 7500);
  }

  private static Object shipments(Call c) throws Exception {
    return Map.of(
        "shipments",
        c.db()
            .query(
                "SELECT order_id, status FROM shipments WHERE user_id = ?"
                    + " ORDER BY created_at DESC LIMIT 5",
                c.query("user", "anonymous")));
  }

  private static void shipOrder(ServiceDatabase db, String topic, JsonNode e) throws Exception {
    db.update(
        "INSERT INTO shipments(id, order_id, user_id, status) VALUES (?, ?, ?, ?)",
        id(),
        e.path("order_id").asText(),
        e.path("user_id").asText(),
        "label_created");
  }

  private static Object unread(Call c) throws Exception {
    return c.db()
        .query(
            "SELECT COUNT(*) AS unread FROM notifications WHERE user_id = ? AND NOT seen",
            c.query("user", "anonymous"))
        .get(0);
  }

  private static void notifyUser(ServiceDatabase db, String topic, JsonNode e) throws Exception {
    if (topic.equals(ORDERS_TOPIC)) {
      db.update(
          "INSERT INTO notifications(id, user_id, kind, body) VALUES (?, ?, ?, ?)",
          id(),
          e.path("user_id").asText(),
          "order",
          "Your order " + e.path("order_id").asText() + " is confirmed");
    }
    // comment events become push messages only: nothing is stored for them
  }
}
