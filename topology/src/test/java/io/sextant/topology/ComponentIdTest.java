package io.sextant.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** One value per component: its text is made in one place, and names are matched in one place. */
class ComponentIdTest {
  @Test
  void display_isTheTextTheMapAndTriageShow() {
    assertThat(ComponentId.service("checkout").display()).isEqualTo("checkout");
    assertThat(ComponentId.datastore("mem:payments", "h2", "127.0.0.1:5433").display())
        .isEqualTo("mem:payments (h2 @ 127.0.0.1:5433)");
    assertThat(ComponentId.datastore(null, "postgresql", null).display())
        .isEqualTo("postgresql (postgresql)");
    assertThat(ComponentId.queue("orders", "kafka").display()).isEqualTo("orders (kafka)");
    assertThat(ComponentId.queue("orders", null).display()).isEqualTo("orders (queue)");
    assertThat(ComponentId.host("node-3").display()).isEqualTo("node-3 (host)");
    assertThat(ComponentId.external("10.0.0.7:443").display()).isEqualTo("10.0.0.7:443");
  }

  @Test
  void aCacheIsTold_byItsSystem() {
    assertThat(ComponentId.datastore("sessions", "Redis", "r:6379").kind())
        .isEqualTo(NodeKind.CACHE);
    assertThat(ComponentId.datastore("shop", "mysql", "m:3306").kind())
        .isEqualTo(NodeKind.DATABASE);
  }

  @Test
  void matches_theTextTheNameOrADatabaseWrittenWithADbSuffix() {
    ComponentId db = ComponentId.datastore("mem:payments", "h2", "127.0.0.1:5433");
    assertThat(db.matches("mem:payments (h2 @ 127.0.0.1:5433)")).isTrue();
    assertThat(db.matches("mem:payments")).isTrue();
    assertThat(db.matches("payments-db")).isTrue();
    assertThat(db.matches("Payments_DB")).isTrue();
    assertThat(db.matches("payments-database")).isTrue();
    // A service's name does not name its database, nor another database.
    assertThat(db.matches("payments")).isFalse();
    assertThat(db.matches("orders-db")).isFalse();
    assertThat(db.matches("-db")).isFalse();
    assertThat(ComponentId.service("payments").matches("payments-db")).isFalse();
    assertThat(ComponentId.service("payments").matches("payments")).isTrue();
    assertThat(ComponentId.host("node-3").matches("node-3")).isTrue();
    assertThat(ComponentId.datastore("cache", "memcached", "127.0.0.1:1").matches("cache"))
        .isTrue();
    assertThat(db.matches(null)).isFalse();
  }

  @Test
  void known_givesBackTheValueBehindTheText_andAServiceForAnyOtherText() {
    ComponentIds.Callee c =
        ComponentIds.callee(
            Map.of(
                "db.system",
                "postgresql",
                "db.namespace",
                "orders",
                "server.address",
                "db",
                "server.port",
                "5432"),
            Map.of());
    assertThat(c.id()).isEqualTo("orders (postgresql @ db:5432)");
    ComponentId back = ComponentIds.known(c.id());
    assertThat(back).isEqualTo(c.component());
    assertThat(back.system()).isEqualTo("postgresql");
    assertThat(back.address()).isEqualTo("db:5432");
    assertThat(ComponentIds.known(ComponentIds.host("node-9")).kind()).isEqualTo(NodeKind.HOST);
    assertThat(ComponentIds.known("checkout")).isEqualTo(ComponentId.service("checkout"));
  }
}
