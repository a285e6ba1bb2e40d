package io.sextant.bench.springsys.shop;

import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Profile;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Catalog: reads catalog-db, which it shares with reviews. */
@RestController
@Profile("catalog")
public class CatalogController {
  private final JdbcTemplate db;

  public CatalogController(JdbcTemplate db) {
    this.db = db;
  }

  @GetMapping("/products")
  List<Map<String, Object>> products() {
    return db.queryForList("select id, name, price_cents from products order by id limit 20");
  }

  @GetMapping("/products/{id}")
  ResponseEntity<Map<String, Object>> product(@PathVariable long id) {
    List<Map<String, Object>> rows =
        db.queryForList("select id, name, description, price_cents from products where id = ?", id);
    return rows.isEmpty() ? ResponseEntity.notFound().build() : ResponseEntity.ok(rows.get(0));
  }

  /** From the configuration, not the database. */
  @GetMapping("/categories")
  List<String> categories() {
    return List.of("books", "garden", "kitchen", "toys");
  }
}
