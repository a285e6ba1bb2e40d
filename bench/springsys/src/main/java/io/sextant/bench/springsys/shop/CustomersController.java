package io.sextant.bench.springsys.shop;

import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Profile;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Customers: owns customers-db. */
@RestController
@Profile("customers")
public class CustomersController {
  private final JdbcTemplate db;

  public CustomersController(JdbcTemplate db) {
    this.db = db;
  }

  @GetMapping("/customers/{id}")
  ResponseEntity<Map<String, Object>> customer(@PathVariable long id) {
    List<Map<String, Object>> rows =
        db.queryForList("select id, name, email, country from customers where id = ?", id);
    return rows.isEmpty() ? ResponseEntity.notFound().build() : ResponseEntity.ok(rows.get(0));
  }

  /** Static: never touches the database. */
  @GetMapping("/countries")
  List<String> countries() {
    return List.of("DE", "FR", "NL", "PL", "SE", "US");
  }
}
