package io.sextant.bench.springsys.shop;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.context.annotation.Profile;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Payments: owns payments-db. */
@RestController
@Profile("payments")
public class PaymentsController {
  private static final Pattern AMOUNT = Pattern.compile("\"amount_cents\"\\s*:\\s*(\\d+)");
  private final JdbcTemplate db;

  public PaymentsController(JdbcTemplate db) {
    this.db = db;
  }

  @PostMapping("/payments")
  Map<String, Object> pay(@RequestBody String body) {
    Matcher m = AMOUNT.matcher(body);
    long amount = m.find() ? Long.parseLong(m.group(1)) : 0;
    Long id =
        db.queryForObject(
            "insert into payments(amount_cents, status) values (?, 'captured') returning id",
            Long.class,
            amount);
    return Map.of("payment_id", id, "status", "captured");
  }

  @GetMapping("/payments/recent")
  List<Map<String, Object>> recent() {
    return db.queryForList(
        "select id, amount_cents, status from payments order by id desc limit 5");
  }

  @GetMapping("/methods")
  List<String> methods() {
    return List.of("card", "invoice", "paypal");
  }
}
