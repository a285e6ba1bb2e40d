package io.sextant.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.demo.traffic.TrafficGenerator;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CatalogTest {

  @Test
  void everySearchShoppersMake_findsProducts() {
    Set<String> terms = new HashSet<>();
    for (int id = 1; id <= Catalog.PRODUCTS; id++) {
      terms.addAll(Catalog.terms(Catalog.product(id)));
    }
    // A search that finds nothing calls no cache and no catalog database: its trace would not
    // touch the search function's designed footprint (DemoIT) and its probe would blame nothing.
    assertThat(TrafficGenerator.QUERIES).allSatisfy(q -> assertThat(terms).contains(q));
    assertThat(terms).contains("red", "dress", "jewelry").doesNotContain("dresse", "jewelr");
  }

  @Test
  void singularIsWhatAShopperTypes() {
    assertThat(Catalog.singular("dresses")).isEqualTo("dress");
    assertThat(Catalog.singular("hats")).isEqualTo("hat");
    assertThat(Catalog.singular("jewelry")).isEqualTo("jewelry");
  }
}
