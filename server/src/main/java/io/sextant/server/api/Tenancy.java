package io.sextant.server.api;

import com.linecorp.armeria.common.RequestContext;
import io.sextant.query.Engine;
import io.sextant.server.security.RequestTenant;
import io.sextant.store.spi.EventStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Each tenant's side of the API (docs/security.md, "Tenants"): the store's view of the tenant's
 * events, the engine over that view, and the API objects built on them, made at the tenant's first
 * request. Every API route answers from the reads of the request's tenant ({@link RequestTenant}),
 * so no answer is built over another tenant's events. The most recently used {@link #KEPT} tenants
 * are kept; another is made again when it asks.
 */
public final class Tenancy {
  static final int KEPT = 256;

  /** One tenant's reads, and the API objects made over them. */
  public static final class Reads {
    private final String tenant;
    private final EventStore store;
    private final Engine engine;
    private final Map<Object, Object> parts = new ConcurrentHashMap<>();

    Reads(String tenant, EventStore store, Engine engine) {
      this.tenant = tenant;
      this.store = store;
      this.engine = engine;
    }

    public String tenant() {
      return tenant;
    }

    /** The store as the tenant sees it: only its events. */
    public EventStore store() {
      return store;
    }

    /** The query engine over {@link #store}. */
    public Engine engine() {
      return engine;
    }

    /** The part named {@code key}, made once per tenant by {@code make}. */
    @SuppressWarnings("unchecked")
    public <T> T part(Object key, Function<Reads, T> make) {
      return (T) parts.computeIfAbsent(key, k -> make.apply(this));
    }
  }

  private final Function<String, Reads> make;
  private final Map<String, Reads> kept =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Reads> eldest) {
          return size() > KEPT;
        }
      };

  /** Tenants over {@code store}, each with the engine {@code engineOf} makes over its view. */
  public Tenancy(EventStore store, Function<EventStore, Engine> engineOf) {
    this(store, (tenant, view) -> engineOf.apply(view));
  }

  /** As above; {@code engineOf} is given the tenant's name beside its view. */
  public Tenancy(EventStore store, BiFunction<String, EventStore, Engine> engineOf) {
    this.make =
        tenant -> {
          EventStore view = store.forTenant(tenant);
          return new Reads(tenant, view, engineOf.apply(tenant, view));
        };
  }

  /** The reads of {@code tenant}. */
  public synchronized Reads of(String tenant) {
    return kept.computeIfAbsent(tenant, make);
  }

  /** The reads of the request's tenant. */
  public Reads of(RequestContext ctx) {
    return of(RequestTenant.of(ctx));
  }
}
