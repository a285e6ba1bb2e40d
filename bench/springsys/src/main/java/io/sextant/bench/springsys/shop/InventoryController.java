package io.sextant.bench.springsys.shop;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.context.annotation.Profile;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Inventory: owns inventory-db. */
@RestController
@Profile("inventory")
public class InventoryController {
  private static final Pattern QTY = Pattern.compile("\"quantity\"\\s*:\\s*(\\d+)");
  private final JdbcTemplate db;

  public InventoryController(JdbcTemplate db) {
    this.db = db;
  }

  @GetMapping("/stock/{id}")
  ResponseEntity<Map<String, Object>> stock(@PathVariable long id) {
    List<Map<String, Object>> rows =
        db.queryForList(
            "select product_id, on_hand - reserved as available, warehouse from stock"
                + " where product_id = ?",
            id);
    return rows.isEmpty() ? ResponseEntity.notFound().build() : ResponseEntity.ok(rows.get(0));
  }

  @PostMapping("/stock/{id}/reserve")
  ResponseEntity<Map<String, Object>> reserve(@PathVariable long id, @RequestBody String body) {
    Matcher m = QTY.matcher(body);
    int q = m.find() ? Integer.parseInt(m.group(1)) : 1;
    int n =
        db.update(
            "update stock set reserved = reserved + ? where product_id = ? and on_hand - reserved"
                + " >= ?",
            q,
            id,
            q);
    return n == 1
        ? ResponseEntity.ok(Map.of("product_id", id, "reserved", q))
        : ResponseEntity.status(409).body(Map.of("error", "out of stock"));
  }

  @GetMapping("/warehouses")
  List<String> warehouses() {
    return List.of("north", "south");
  }
}
