package io.sextant.bench.springsys.shop;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.context.annotation.Profile;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Shipping: consumes the orders topic and records a shipment in shipping-db. */
@RestController
@Profile("shipping")
public class ShippingController {
  private static final Pattern ORDER = Pattern.compile("\"order_id\"\\s*:\\s*(\\d+)");
  private final JdbcTemplate db;

  public ShippingController(JdbcTemplate db) {
    this.db = db;
  }

  @KafkaListener(topics = "orders", groupId = "shipping")
  void onOrder(String event) {
    Matcher m = ORDER.matcher(event);
    if (m.find()) {
      db.update(
          "insert into shipments(order_id, status) values (?, 'label-printed')",
          Long.parseLong(m.group(1)));
    }
  }

  @GetMapping("/shipments/recent")
  List<Map<String, Object>> recent() {
    return db.queryForList("select id, order_id, status from shipments order by id desc limit 5");
  }

  @GetMapping("/rates")
  Map<String, Object> rates() {
    return Map.of("standard_cents", 490, "express_cents", 1290);
  }
}
