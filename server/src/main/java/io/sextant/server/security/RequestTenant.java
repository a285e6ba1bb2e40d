package io.sextant.server.security;

import com.linecorp.armeria.common.RequestContext;
import io.netty.util.AttributeKey;
import io.sextant.model.Tenant;

/**
 * Whose data a request writes or reads (docs/security.md, "Tenants"): the tenant of its key when
 * keys are on, else the {@code X-Scope-OrgID} header (the convention of Grafana Tempo, Loki and
 * Mimir), else {@link Tenant#DEFAULT}. The doors (the API guard, the ingest check) decide it once
 * and leave it on the request's context, where every service reads it.
 */
public final class RequestTenant {
  private static final AttributeKey<String> TENANT =
      AttributeKey.valueOf(RequestTenant.class, "tenant");

  /** A request whose tenant cannot be decided: a 400 or a 403, with one sentence. */
  public static final class Refused extends Exception {
    private final boolean forbidden;

    Refused(String message, boolean forbidden) {
      super(message, null, false, false);
      this.forbidden = forbidden;
    }

    /** True: the header names another tenant than the key's (403); false: a bad header (400). */
    public boolean forbidden() {
      return forbidden;
    }
  }

  /**
   * The tenant of a request with {@code key} (null when keys are off or the route needs none) and
   * the {@code X-Scope-OrgID} value {@code header} (null when absent).
   */
  public static String decide(ApiToken key, String header) throws Refused {
    String named = header == null || header.isBlank() ? null : header.strip();
    if (named != null) {
      String problem = Tenant.problem(named);
      if (problem != null) {
        throw new Refused(Tenant.HEADER + " is not a tenant name: " + problem, false);
      }
    }
    if (key != null) {
      if (named != null && !named.equals(key.tenant())) {
        throw new Refused(
            "key "
                + key.name()
                + " belongs to tenant "
                + key.tenant()
                + ", not to the tenant "
                + named
                + " that "
                + Tenant.HEADER
                + " names",
            true);
      }
      return key.tenant();
    }
    return named == null ? Tenant.DEFAULT : named;
  }

  /** Leaves {@code tenant} on {@code ctx} for the services behind the door. */
  public static void set(RequestContext ctx, String tenant) {
    ctx.setAttr(TENANT, tenant);
  }

  /** The tenant the door left on {@code ctx}; the default tenant when no door decided one. */
  public static String of(RequestContext ctx) {
    String t = ctx.attr(TENANT);
    return t == null ? Tenant.DEFAULT : t;
  }

  private RequestTenant() {}
}
