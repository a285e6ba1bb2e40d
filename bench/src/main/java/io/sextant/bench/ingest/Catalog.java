package io.sextant.bench.ingest;

import java.util.ArrayList;
import java.util.List;

/**
 * The fixed world the generated traces live in: 20 services on 50 hosts in 3 regions, 50 HTTP
 * routes, 32 database span names and 18 internal ones (100 span names in all).
 */
final class Catalog {
  private Catalog() {}

  static final String[] SERVICES = {
    "frontend",
    "api-gateway",
    "mobile-bff",
    "auth",
    "users",
    "sessions",
    "catalog",
    "search",
    "recommendations",
    "cart",
    "checkout",
    "payments",
    "orders",
    "inventory",
    "shipping",
    "notifications",
    "email",
    "pricing",
    "reviews",
    "ads"
  };

  /** Services a trace starts in. */
  static final int ENTRY_SERVICES = 3;

  static final String[] REGIONS = {"us-east-1", "eu-west-1", "ap-southeast-2"};

  static final int HOSTS = 50;

  static final int HOSTS_PER_SERVICE = 3;

  static final String[] DB_SYSTEMS = {"postgresql", "redis", "mongodb", "mysql"};

  static final int[] DB_PORTS = {5432, 6379, 27017, 3306};

  static final String[] DB_OPERATIONS = {"SELECT", "INSERT", "UPDATE", "DELETE"};

  static final String[] DB_TABLES = {
    "users", "sessions", "products", "carts", "orders", "payments", "inventory", "shipments"
  };

  static final String[] INTERNAL_NAMES = {
    "validate request",
    "authorize",
    "cache lookup",
    "load config",
    "build query",
    "unmarshal",
    "marshal",
    "serialize response",
    "render template",
    "compute price",
    "apply discounts",
    "rank results",
    "filter results",
    "encrypt",
    "decrypt",
    "compress",
    "emit metrics",
    "publish event"
  };

  /** One HTTP endpoint: the service that serves it, its method and its route template. */
  record Route(int service, String method, String route) {
    String spanName() {
      return method + " " + route;
    }
  }

  static final List<Route> ROUTES = routes();

  private static List<Route> routes() {
    String[][] byService = {
      {"GET /", "GET /products/{id}", "GET /cart", "POST /checkout", "GET /search"},
      {
        "GET /api/v1/products", "GET /api/v1/products/{id}", "POST /api/v1/orders", "GET /api/v1/me"
      },
      {"GET /m/home", "GET /m/feed", "POST /m/cart/items"},
      {"POST /auth/token", "POST /auth/refresh", "GET /auth/jwks"},
      {"GET /users/{id}", "PUT /users/{id}", "POST /users"},
      {"GET /sessions/{id}", "POST /sessions"},
      {"GET /catalog/items", "GET /catalog/items/{id}", "GET /catalog/categories"},
      {"GET /search", "GET /search/suggest"},
      {"GET /recommendations/{userId}", "POST /recommendations/feedback"},
      {"GET /carts/{id}", "POST /carts/{id}/items", "DELETE /carts/{id}/items/{itemId}"},
      {"POST /checkout/sessions", "GET /checkout/sessions/{id}"},
      {"POST /payments", "GET /payments/{id}", "POST /payments/{id}/capture"},
      {"POST /orders", "GET /orders/{id}", "GET /orders"},
      {"GET /inventory/{sku}", "POST /inventory/reserve"},
      {"POST /shipments", "GET /shipments/{id}/quote"},
      {"POST /notifications"},
      {"POST /email/send"},
      {"POST /prices/quote", "GET /prices/{sku}"},
      {"GET /reviews/{productId}"},
      {"GET /ads/slots"}
    };
    List<Route> all = new ArrayList<>();
    for (int s = 0; s < byService.length; s++) {
      for (String r : byService[s]) {
        int space = r.indexOf(' ');
        all.add(new Route(s, r.substring(0, space), r.substring(space + 1)));
      }
    }
    return List.copyOf(all);
  }

  static final List<List<Route>> ROUTES_BY_SERVICE = routesByService();

  private static List<List<Route>> routesByService() {
    List<List<Route>> out = new ArrayList<>();
    for (int s = 0; s < SERVICES.length; s++) {
      int service = s;
      out.add(ROUTES.stream().filter(r -> r.service() == service).toList());
    }
    return List.copyOf(out);
  }

  static String serviceVersion(int service) {
    return "2." + (service * 7 % 13) + "." + (service % 4);
  }

  static String environment(int service) {
    return "production";
  }

  /** The hosts a service runs on (overlapping: 60 placements on 50 hosts). */
  static int host(int service, int instance) {
    return (service * HOSTS_PER_SERVICE + instance) % HOSTS;
  }

  static String hostName(int host) {
    return "node-" + host + "." + region(host) + ".compute.internal";
  }

  static String region(int host) {
    return REGIONS[host % REGIONS.length];
  }

  /** Like a Deployment's pod: {@code <service>-<9 hex>-<5 base-36>}, fixed per host. */
  static String podName(int service, int host) {
    long h = Ids.mix(service * 1_000L + host);
    long fiveChars = 60_466_176L; // 36^5
    return SERVICES[service]
        + "-"
        + Long.toHexString((h & 0xfffffffffL) | 0x1000000000L).substring(1)
        + "-"
        + Long.toString(Math.floorMod(h >>> 36, fiveChars) + fiveChars, 36).substring(1);
  }

  static int dbSystem(int service) {
    return service % DB_SYSTEMS.length;
  }

  static String dbAddress(int service) {
    return DB_SYSTEMS[dbSystem(service)] + "-" + SERVICES[service] + ".db.internal";
  }

  static String serviceAddress(int service) {
    return SERVICES[service] + ".prod.svc.cluster.local";
  }

  static String codeFunction(int internalName) {
    String n = INTERNAL_NAMES[internalName];
    StringBuilder b = new StringBuilder();
    boolean upper = false;
    for (char c : n.toCharArray()) {
      if (c == ' ') {
        upper = true;
      } else {
        b.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return b.toString();
  }
}
