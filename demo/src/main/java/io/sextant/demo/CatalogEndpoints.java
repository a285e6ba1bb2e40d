package io.sextant.demo;

import static io.sextant.demo.Ids.ids;
import static io.sextant.demo.Ids.idsOf;
import static io.sextant.demo.Ids.parseId;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.demo.service.Call;
import io.sextant.demo.service.Handler;
import io.sextant.demo.service.HttpError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Finding products: catalog, search and recommendations. */
final class CatalogEndpoints {
  private CatalogEndpoints() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  static Map<String, Map<String, Handler>> byService() {
    return Map.of(
        "catalog",
        Map.of(
            "GET /products", CatalogEndpoints::products,
            "GET /products/batch", CatalogEndpoints::batch,
            "GET /products/{id}", CatalogEndpoints::product),
        "search",
        Map.of(
            "GET /suggest", CatalogEndpoints::suggest,
            "GET /related", CatalogEndpoints::related,
            "GET /search", CatalogEndpoints::search),
        "recommendations",
        Map.of("GET /recommendations", CatalogEndpoints::recommendations));
  }

  // ---- catalog ----

  private static Object products(Call c) throws Exception {
    return Map.of(
        "products",
        c.db()
            .query(
                "SELECT id, name, price_cents FROM products WHERE category = ?"
                    + " ORDER BY id LIMIT 12",
                c.query("category", "dresses")));
  }

  private static Object batch(Call c) throws Exception {
    List<String> ids = ids(c.query("ids", ""));
    if (ids.isEmpty()) {
      return Map.of("products", List.of());
    }
    List<String> keys = ids.stream().map(i -> "product:" + i).toList();
    Map<String, String> hits;
    try {
      hits = c.cache().getMany(keys);
    } catch (IOException e) {
      hits = Map.of(); // the cache is an optimisation: fall back to the database
    }
    List<Object> out = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String id : ids) {
      String v = hits.get("product:" + id);
      if (v == null) {
        missing.add(id);
      } else {
        out.add(JSON.readTree(v));
      }
    }
    if (!missing.isEmpty()) {
      out.addAll(
          c.db()
              .query(
                  "SELECT id, name, price_cents FROM products WHERE id IN ("
                      + String.join(",", missing.stream().map(x -> "?").toList())
                      + ")",
                  missing.stream().map(Integer::valueOf).toArray()));
    }
    return Map.of("products", out);
  }

  private static Object product(Call c) throws Exception {
    int id = parseId(c.path("id"));
    var rows =
        c.db().query("SELECT id, name, category, price_cents FROM products WHERE id = ?", id);
    if (rows.isEmpty()) {
      throw new HttpError(404, "no product " + id);
    }
    Map<String, Object> p = new LinkedHashMap<>(rows.get(0));
    String cached = null;
    try {
      cached = c.cache().get("product:" + id);
    } catch (IOException e) {
      c.log().warn("cache unavailable, serving without description", "product_id", id);
    }
    p.put("summary", cached == null ? null : JSON.readTree(cached));
    return p;
  }

  // ---- search ----

  private static Object suggest(Call c) throws Exception {
    String v = c.cache().get("suggest:" + c.query("prefix", "d"));
    return Map.of("suggestions", v == null ? List.of() : Arrays.asList(v.split(",")));
  }

  private static Object related(Call c) throws Exception {
    return Map.of(
        "related",
        c.db()
            .query(
                "SELECT DISTINCT t2.product_id FROM terms t1 JOIN terms t2 ON t1.term ="
                    + " t2.term WHERE t1.product_id = ? AND t2.product_id <> ? LIMIT 6",
                parseId(c.query("product", "1")),
                parseId(c.query("product", "1"))));
  }

  private static Object search(Call c) throws Exception {
    String q = c.query("q", "dress").toLowerCase(Locale.ROOT);
    var rows = c.db().query("SELECT product_id FROM terms WHERE term = ? LIMIT 10", q);
    List<String> ids = rows.stream().map(r -> String.valueOf(r.get("product_id"))).toList();
    String joined = String.join(",", ids);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("query", q);
    out.put(
        "results",
        c.get("catalog", "/products/batch", "/products/batch?ids=" + joined).path("products"));
    out.put("thumbnails", c.get("assets", "/thumbnails", "/thumbnails?ids=" + joined));
    out.put("comment_counts", c.get("comments", "/counts", "/counts?ids=" + joined));
    return out;
  }

  // ---- recommendations ----

  private static Object recommendations(Call c) throws Exception {
    String user = c.query("user", "anonymous");
    String personal = c.cache().get("recs:" + user);
    JsonNode top = c.get("voting", "/votes/top", "/votes/top");
    String ids = personal != null ? personal : idsOf(top.path("top"));
    return c.get("catalog", "/products/batch", "/products/batch?ids=" + ids).path("products");
  }
}
