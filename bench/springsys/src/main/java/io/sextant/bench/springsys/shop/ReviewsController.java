package io.sextant.bench.springsys.shop;

import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Profile;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Reviews: its table lives in catalog-db, the database it shares with catalog. */
@RestController
@Profile("reviews")
public class ReviewsController {
  private final JdbcTemplate db;

  public ReviewsController(JdbcTemplate db) {
    this.db = db;
  }

  @GetMapping("/reviews/product/{id}")
  List<Map<String, Object>> reviews(@PathVariable long id) {
    return db.queryForList(
        "select id, stars, body from reviews where product_id = ? order by id limit 10", id);
  }

  @GetMapping("/guidelines")
  Map<String, Object> guidelines() {
    return Map.of("max_length", 2000, "stars", List.of(1, 2, 3, 4, 5));
  }
}
