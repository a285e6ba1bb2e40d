package io.sextant.bench.springsys.shop;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.context.annotation.Profile;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Orders: owns orders-db; placing an order calls customers, inventory and payments synchronously,
 * then publishes the order on the Kafka topic {@code orders} for shipping and notifications.
 */
@RestController
@Profile("orders")
public class OrdersController {
  private static final Pattern CUSTOMER = Pattern.compile("\"customer_id\"\\s*:\\s*(\\d+)");
  private static final Pattern PRODUCT = Pattern.compile("\"product_id\"\\s*:\\s*(\\d+)");
  private final JdbcTemplate db;
  private final ShopApplication.Downstream down;
  private final KafkaTemplate<String, String> kafka;

  public OrdersController(
      JdbcTemplate db, ShopApplication.Downstream down, KafkaTemplate<String, String> kafka) {
    this.db = db;
    this.down = down;
    this.kafka = kafka;
  }

  @PostMapping("/orders")
  ResponseEntity<Map<String, Object>> place(@RequestBody String body) throws Exception {
    long customer = number(CUSTOMER, body, 1);
    long product = number(PRODUCT, body, 1);
    down.to("customers").get().uri("/customers/" + customer).retrieve().toEntity(String.class);
    down.to("inventory")
        .post()
        .uri("/stock/" + product + "/reserve")
        .contentType(MediaType.APPLICATION_JSON)
        .body("{\"quantity\":1}")
        .retrieve()
        .toEntity(String.class);
    long amount = 100 * (product % 50 + 1);
    String payment =
        down.to("payments")
            .post()
            .uri("/payments")
            .contentType(MediaType.APPLICATION_JSON)
            .body("{\"amount_cents\":" + amount + "}")
            .retrieve()
            .body(String.class);
    Long id =
        db.queryForObject(
            "insert into orders(customer_id, product_id, amount_cents, status)"
                + " values (?, ?, ?, 'accepted') returning id",
            Long.class,
            customer,
            product,
            amount);
    kafka
        .send(
            "orders",
            Long.toString(id),
            "{\"order_id\":" + id + ",\"customer_id\":" + customer + "}")
        .get(3, TimeUnit.SECONDS);
    return ResponseEntity.ok(
        Map.of(
            "order_id",
            id,
            "status",
            "accepted",
            "paid",
            payment != null && payment.contains("captured")));
  }

  @GetMapping("/orders/recent")
  List<Map<String, Object>> recent() {
    return db.queryForList(
        "select id, customer_id, product_id, amount_cents, status from orders order by id desc"
            + " limit 5");
  }

  @GetMapping("/statuses")
  List<String> statuses() {
    return List.of("accepted", "shipped", "delivered", "cancelled");
  }

  private static long number(Pattern p, String body, long otherwise) {
    Matcher m = p.matcher(body);
    return m.find() ? Long.parseLong(m.group(1)) : otherwise;
  }
}
