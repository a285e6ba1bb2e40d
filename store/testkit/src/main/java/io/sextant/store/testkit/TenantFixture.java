package io.sextant.store.testkit;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.StatusCode;
import io.sextant.model.TraceId;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.TimeRange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store holding the events of two tenants, built to leak if any read forgets the tenant: {@code
 * acme} and {@code globex} share a trace id and even a span id (two systems that happen to draw the
 * same ids, or a tenant forging another's), each has attribute keys and values of its own, and
 * globex has a server span whose parent is acme's client span, so a call join without the tenant
 * would name globex's service as acme's callee. The store is opened in a fresh directory and
 * written before each test, and closed after it. The tenant contracts extend this: the store's
 * ({@link TenantContract}) and the query engine's (query/testkit's {@code TenantQueryContract}).
 */
public abstract class TenantFixture {
  public static final long S = 1_000_000_000L;
  public static final long MS = 1_000_000L;

  /** The hour every event lies in. */
  public static final TimeRange HOUR = new TimeRange(Fixtures.T0, Fixtures.T0 + 3600 * S);

  /** The trace id both tenants use. */
  public static final TraceId SHARED = new TraceId(0x5eed, 0x1);

  public static final String ACME = "acme";
  public static final String GLOBEX = "globex";

  @TempDir protected Path dir;
  private EventStore store;

  protected abstract EventStore openStore(Path dir) throws Exception;

  @BeforeEach
  protected void openStoreAndWriteTheTenants() throws Exception {
    store = openStore(dir);
    store.write(events());
  }

  @AfterEach
  protected void closeStore() {
    store.close();
  }

  /** The store holding both tenants' events. */
  protected final EventStore store() {
    return store;
  }

  /** The store's view of {@code acme}. */
  protected final EventStore acme() {
    return store.forTenant(ACME);
  }

  private static Event.Builder span(
      String tenant, String service, long span, Long parent, SpanKind kind, long at) {
    return Event.span(SHARED, new SpanId(span))
        .parentSpanId(parent == null ? null : new SpanId(parent))
        .resource(
            new Resource(
                Attributes.of("service.name", service, tenant + ".region", tenant + "-east")))
        .spanKind(kind)
        .timeUnixNano(at)
        .durationNanos(10 * MS)
        .tenant(tenant);
  }

  /** acme: 3 spans and a log; globex: 2 spans, one with acme's span id, one error. */
  public static List<Event> events() {
    long t0 = Fixtures.T0;
    List<Event> out = new ArrayList<>();
    out.add(
        span(ACME, "shop", 1, null, SpanKind.SERVER, t0 + S)
            .name("GET /cart")
            .attributes(Attributes.of("user_id", "u-acme", "acme.secret", "acme-value"))
            .build());
    out.add(
        span(ACME, "shop", 2, 1L, SpanKind.CLIENT, t0 + S + MS)
            .name("call pricing")
            .attributes(Attributes.of("user_id", "u-acme"))
            .build());
    out.add(
        span(ACME, "pricing", 3, 2L, SpanKind.SERVER, t0 + S + 2 * MS)
            .name("price")
            .attributes(Attributes.of("user_id", "u-acme"))
            .build());
    out.add(
        Event.log()
            .timeUnixNano(t0 + 2 * S)
            .traceId(SHARED)
            .resource(new Resource(Attributes.of("service.name", "shop")))
            .body("acme log")
            .severityNumber(9)
            .tenant(ACME)
            .build());
    // The same trace id and span id as acme's root, another name: not a duplicate of it.
    out.add(
        span(GLOBEX, "bank", 1, null, SpanKind.SERVER, t0 + 3 * S)
            .name("POST /transfer")
            .status(StatusCode.ERROR)
            .attributes(Attributes.of("user_id", "u-globex", "globex.only", "globex-value"))
            .build());
    // A server span whose parent is acme's client span.
    out.add(
        span(GLOBEX, "ledger", 9, 2L, SpanKind.SERVER, t0 + S + 3 * MS)
            .name("book")
            .attributes(Attributes.of("user_id", "u-globex"))
            .build());
    return out;
  }
}
