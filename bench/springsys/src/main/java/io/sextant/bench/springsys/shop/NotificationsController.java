package io.sextant.bench.springsys.shop;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.context.annotation.Profile;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Notifications: consumes the orders topic and records a message in notifications-db. */
@RestController
@Profile("notifications")
public class NotificationsController {
  private static final Pattern ORDER = Pattern.compile("\"order_id\"\\s*:\\s*(\\d+)");
  private static final Pattern CUSTOMER = Pattern.compile("\"customer_id\"\\s*:\\s*(\\d+)");
  private final JdbcTemplate db;

  public NotificationsController(JdbcTemplate db) {
    this.db = db;
  }

  @KafkaListener(topics = "orders", groupId = "notifications")
  void onOrder(String event) {
    Matcher o = ORDER.matcher(event);
    Matcher c = CUSTOMER.matcher(event);
    if (o.find() && c.find()) {
      db.update(
          "insert into notifications(customer_id, order_id, message) values (?, ?, ?)",
          Long.parseLong(c.group(1)),
          Long.parseLong(o.group(1)),
          "Your order " + o.group(1) + " is confirmed");
    }
  }

  @GetMapping("/notifications/customer/{id}")
  List<Map<String, Object>> forCustomer(@PathVariable long id) {
    return db.queryForList(
        "select id, order_id, message from notifications where customer_id = ? order by id desc"
            + " limit 5",
        id);
  }

  @GetMapping("/channels")
  List<String> channels() {
    return List.of("email", "sms");
  }
}
