package io.sextant.store.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.model.Event;
import io.sextant.store.spi.AttributeKey;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.ServiceSummary;
import io.sextant.store.spi.StoreException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Isolation between tenants, which every store must keep: through a tenant's view ({@link
 * EventStore#forTenant}) no event, count or attribute key of another tenant is read, and the view
 * writes nothing. The store and its events are {@link TenantFixture}'s, built to leak;
 * query/testkit's {@code TenantQueryContract} holds the query engine over a view to the same.
 */
public abstract class TenantContract extends TenantFixture {
  @Test
  void aTraceHoldsOnlyItsTenantsEvents() throws Exception {
    List<Event> acme = acme().trace(SHARED);
    assertThat(acme).extracting(Event::tenant).containsOnly(ACME);
    assertThat(acme)
        .extracting(Event::name)
        .containsExactly("GET /cart", "call pricing", "price", "");
    List<Event> globex = store().forTenant(GLOBEX).trace(SHARED);
    assertThat(globex).extracting(Event::name).containsExactly("book", "POST /transfer");
    assertThat(store().forTenant("initech").trace(SHARED)).isEmpty();
  }

  @Test
  void servicesAndCountsAreTheTenants() throws Exception {
    assertThat(acme().services(HOUR))
        .extracting(ServiceSummary::name)
        .containsExactly("shop", "pricing");
    assertThat(acme().stats().events()).isEqualTo(4);
    assertThat(store().forTenant(GLOBEX).stats().events()).isEqualTo(2);
    assertThat(store().stats().events()).isEqualTo(6);
  }

  @Test
  void attributeKeysAreTheTenants() throws Exception {
    List<String> keys = acme().attributeKeys().stream().map(AttributeKey::key).toList();
    assertThat(keys).contains("acme.secret", "acme.region", "user_id");
    assertThat(keys).noneMatch(k -> k.startsWith("globex"));
    assertThat(store().forTenant("initech").attributeKeys()).isEmpty();
  }

  @Test
  void aTenantsViewIsReadOnly() {
    EventStore acme = acme();
    assertThatThrownBy(() -> acme.write(events())).isInstanceOf(StoreException.class);
    assertThatThrownBy(() -> acme.deleteBefore(Long.MAX_VALUE)).isInstanceOf(StoreException.class);
    acme.close(); // the view's close leaves the store open
    assertThat(store().check().healthy()).isTrue();
  }

  @Test
  void aBadTenantNameIsRefused() {
    assertThatThrownBy(() -> store().forTenant("a'; DROP TABLE events"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tenant name");
    assertThatThrownBy(() -> store().forTenant("")).isInstanceOf(IllegalArgumentException.class);
  }
}
