package io.sextant.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The 2,000 products of the storefront, their search terms, and what the cache starts with. */
final class Catalog {
  static final int PRODUCTS = 2000;
  static final List<String> CATEGORIES =
      List.of("dresses", "shoes", "bags", "tops", "skirts", "jackets", "jewelry", "hats");
  private static final List<String> ADJECTIVES =
      List.of(
          "red", "vintage", "floral", "linen", "velvet", "striped", "denim", "silk", "wool",
          "polka", "retro", "lace", "green", "navy", "golden");

  private Catalog() {}

  record Product(int id, String name, String category, int priceCents) {}

  static Product product(int id) {
    String category = CATEGORIES.get(id % CATEGORIES.size());
    String adjective = ADJECTIVES.get((id * 7) % ADJECTIVES.size());
    String noun = singular(category);
    return new Product(
        id, adjective + " " + noun + " no. " + id, category, 1900 + (id * 37) % 12000);
  }

  /** "dresses" → "dress", "hats" → "hat", "jewelry" → "jewelry": what a shopper types. */
  static String singular(String category) {
    if (category.endsWith("sses")) {
      return category.substring(0, category.length() - 2);
    }
    return category.endsWith("s") ? category.substring(0, category.length() - 1) : category;
  }

  /** The search terms of a product: its adjective, its noun and its category, lower case. */
  static List<String> terms(Product p) {
    return List.of(p.name().split(" ")[0], singular(p.category()), p.category()).stream()
        .map(t -> t.toLowerCase(Locale.ROOT))
        .toList();
  }

  /** The products as one INSERT (storefront.yaml's catalog-db seed). */
  static String productRows() {
    StringBuilder insert = new StringBuilder("INSERT INTO products VALUES ");
    for (int i = 1; i <= PRODUCTS; i++) {
      Product p = product(i);
      if (i > 1) {
        insert.append(',');
      }
      insert
          .append('(')
          .append(p.id())
          .append(",'")
          .append(p.name())
          .append("','")
          .append(p.category())
          .append("',")
          .append(p.priceCents())
          .append(",'A ")
          .append(p.name())
          .append(", true to size.')");
    }
    return insert.toString();
  }

  /** The products' search terms as one INSERT (storefront.yaml's search-db seed). */
  static String termRows() {
    StringBuilder insert = new StringBuilder("INSERT INTO terms VALUES ");
    boolean first = true;
    for (int i = 1; i <= PRODUCTS; i++) {
      Product p = product(i);
      for (String term : terms(p)) {
        if (!first) {
          insert.append(',');
        }
        first = false;
        insert.append("('").append(term).append("',").append(i).append(')');
      }
    }
    return insert.toString();
  }

  /** What the cache holds at start-up: product summaries, counts, top lists, suggestions. */
  static Map<String, String> cacheEntries() {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 1; i <= PRODUCTS; i++) {
      Product p = product(i);
      m.put(
          "product:" + i,
          "{\"id\":"
              + i
              + ",\"name\":\""
              + p.name()
              + "\",\"price_cents\":"
              + p.priceCents()
              + "}");
      m.put("comments:count:" + i, Integer.toString((i * 13) % 9));
    }
    m.put("votes:top", "17,34,51,68,85,102,119,136");
    for (char c = 'a'; c <= 'z'; c++) {
      List<String> words = new ArrayList<>();
      for (String a : ADJECTIVES) {
        if (a.charAt(0) == c) {
          words.add(a);
        }
      }
      for (String cat : CATEGORIES) {
        if (cat.charAt(0) == c) {
          words.add(cat);
        }
      }
      m.put("suggest:" + c, String.join(",", words));
    }
    return m;
  }
}
