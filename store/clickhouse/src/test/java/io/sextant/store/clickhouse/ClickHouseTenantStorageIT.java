package io.sextant.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.Tenant;
import io.sextant.model.TraceId;
import io.sextant.store.spi.AttributeKey;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.TimeRange;
import io.sextant.store.testkit.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tenant contract cannot see from outside the ClickHouse store: two tenants' events that
 * differ in nothing but the tenant stay two rows after ClickHouse merged the parts (the event key
 * holds the tenant), and a database made before tenants gains the tenant column and keeps its
 * events and attribute keys as the default tenant's, with a redelivery of them still counted once.
 */
class ClickHouseTenantStorageIT {
  private static final TimeRange ALL = new TimeRange(0, Long.MAX_VALUE);
  private static final TraceId TRACE = new TraceId(0xabc, 0xdef);

  @TempDir Path dir;

  /** The store kept in {@code dir}, on the server these tests run against. */
  ClickHouseEventStore open(Path dir) throws Exception {
    return (ClickHouseEventStore) TestServer.open(dir);
  }

  private static List<Event> sameEventsIn(String... tenants) {
    List<Event> out = new ArrayList<>();
    for (String tenant : tenants) {
      out.add(
          Event.span(TRACE, new SpanId(7))
              .resource(new Resource(Attributes.of("service.name", "shop")))
              .name("GET /")
              .spanKind(SpanKind.SERVER)
              .timeUnixNano(Fixtures.T0)
              .durationNanos(1_000_000)
              .attributes(Attributes.of("user_id", "u-1"))
              .tenant(tenant)
              .build());
      out.add(
          Event.log()
              .resource(new Resource(Attributes.of("service.name", "shop")))
              .traceId(TRACE)
              .timeUnixNano(Fixtures.T0 + 1)
              .body("hello")
              .severityNumber(9)
              .tenant(tenant)
              .build());
    }
    return out;
  }

  @Test
  void eventsThatDifferOnlyInTheirTenant_areNotMerged() throws Exception {
    try (ClickHouseEventStore store = open(dir)) {
      List<Event> events = sameEventsIn("acme", "globex", Tenant.DEFAULT);
      store.write(events);
      store.write(events); // a redelivery
      store.execute("OPTIMIZE TABLE events FINAL");
      assertThat((Long) store.select("SELECT count() FROM events").rows.get(0)[0]).isEqualTo(6);
      assertThat(store.stats().events()).isEqualTo(6);
      assertThat(new HashSet<>(store.trace(TRACE))).isEqualTo(new HashSet<>(events));
      for (String tenant : List.of("acme", "globex", Tenant.DEFAULT)) {
        EventStore view = store.forTenant(tenant);
        assertThat(view.trace(TRACE))
            .hasSize(2)
            .allSatisfy(e -> assertThat(e.tenant()).isEqualTo(tenant));
        assertThat(view.stats().events()).isEqualTo(2);
        assertThat(view.stats().bytesOnDisk()).isZero();
        assertThat(view.services(ALL).get(0).events()).isEqualTo(2);
      }
    }
  }

  @Test
  void aDatabaseMadeBeforeTenants_isTheDefaultTenants() throws Exception {
    List<Event> events = new ArrayList<>(Fixtures.trace(new Random(5), Fixtures.T0, 12));
    events.addAll(sameEventsIn(Tenant.DEFAULT));
    List<AttributeKey> keys;
    try (ClickHouseEventStore store = open(dir)) {
      store.write(events);
      keys = store.attributeKeys();
      PreTenant.downgrade(store);
    }
    try (ClickHouseEventStore store = open(dir)) {
      assertThat(store.check().healthy()).isTrue();
      assertThat(
              (Long)
                  store.select("SELECT count() FROM system.tables WHERE name = 'attribute_keys'")
                      .rows
                      .get(0)[0])
          .as("the old keys table is gone")
          .isZero();
      EventStore mine = store.forTenant(Tenant.DEFAULT);
      assertThat(mine.attributeKeys()).isEqualTo(keys);
      assertThat(store.forTenant("acme").attributeKeys()).isEmpty();
      assertThat(mine.stats().events()).isEqualTo(events.size());
      assertThat(store.forTenant("acme").stats().events()).isZero();
      assertThat(new HashSet<>(mine.trace(events.get(0).traceId())))
          .isEqualTo(
              new HashSet<>(
                  events.stream()
                      .filter(e -> events.get(0).traceId().equals(e.traceId()))
                      .toList()));

      // The same events again, as a writer's redelivery across the upgrade: counted once.
      store.write(events);
      assertThat(store.stats().events()).isEqualTo(events.size());
      store.execute("OPTIMIZE TABLE events FINAL");
      assertThat((Long) store.select("SELECT count() FROM events").rows.get(0)[0])
          .isEqualTo(events.size());
    }
    // Opening it once more changes nothing.
    try (ClickHouseEventStore store = open(dir)) {
      assertThat(store.forTenant(Tenant.DEFAULT).attributeKeys()).isEqualTo(keys);
      assertThat(store.stats().events()).isEqualTo(events.size());
    }
  }
}
