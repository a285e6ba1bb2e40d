package io.sextant.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.demo.Storefront.Spec;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class StorefrontTest {
  private final List<Spec> specs = Storefront.services();
  private final Map<String, Spec> byName =
      specs.stream().collect(Collectors.toMap(Spec::name, Function.identity()));

  @Test
  void theTable_buildsTheStorefrontTheReadmeDescribes() {
    assertThat(specs).hasSize(18);
    assertThat(specs.stream().map(Spec::database).filter(Objects::nonNull)).hasSize(14);
    assertThat(specs.stream().filter(Spec::publishes).map(Spec::name))
        .containsExactly("checkout", "comments");
    assertThat(byName.get("notifications").consumes())
        .containsExactly(Storefront.ORDERS_TOPIC, Storefront.COMMENTS_TOPIC);
    assertThat(byName.get("shipping").consumer()).isNotNull();
    assertThat(byName.get("gateway").host()).isEqualTo("edge-1");
    assertThat(byName.get("checkout").version()).isEqualTo("6.3.1");
  }

  @Test
  void everyEndpointHasAHandler_andEveryCallAndFunctionReachesADeclaredService() {
    for (Spec s : specs) {
      assertThat(s.routes())
          .as(s.name())
          .isNotEmpty()
          .allSatisfy(r -> assertThat(r.handler()).isNotNull());
      assertThat(byName.keySet()).as(s.name()).containsAll(s.calls());
    }
    assertThat(Storefront.FUNCTIONS).hasSize(12);
    for (Storefront.Function f : Storefront.FUNCTIONS) {
      assertThat(byName.get("gateway").calls()).contains(f.edge());
      assertThat(byName.get(f.edge()).routes())
          .anyMatch(r -> r.method().name().equals(f.method()) && r.path().equals(f.edgePath()));
    }
  }

  @Test
  void aTableWithAnUnknownKeyOrAnUndeclaredCallee_isRefused() {
    assertThatThrownBy(() -> parse("services:\n  a: {version: 1.0.0, host: h, calls: [b]}\n"))
        .hasMessageContaining("a calls b, which is not declared");
    assertThatThrownBy(() -> parse("services:\n  a: {version: 1.0.0, host: h, cahce: true}\n"))
        .hasMessageContaining("cahce");
  }

  private static Object parse(String yaml) throws Exception {
    return Storefront.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aBadDeploy_breaksOneOfTheServicesOwnRoutes() {
    for (Spec s : specs) {
      if (s.badDeployRoute() != null) {
        assertThat(s.routes().stream().map(r -> r.method() + " " + r.path()))
            .as(s.name())
            .contains(s.badDeployRoute());
      }
    }
  }

  @Test
  void seededDatabases_getCatalogsRowsAfterTheirSchema() {
    List<String> catalog = byName.get("catalog").schema();
    assertThat(catalog.get(0)).startsWith("CREATE TABLE products(");
    assertThat(catalog.get(catalog.size() - 1)).isEqualTo(Catalog.productRows());
    List<String> search = byName.get("search").schema();
    assertThat(search.get(search.size() - 1)).isEqualTo(Catalog.termRows());
  }
}
