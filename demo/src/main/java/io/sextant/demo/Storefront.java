package io.sextant.demo;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.linecorp.armeria.common.HttpMethod;
import io.sextant.demo.db.ServiceDatabase;
import io.sextant.demo.service.Handler;
import io.sextant.demo.service.ServiceNode.Route;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo system: a storefront in the spirit of shared/seeds/001_16572784da120c39.txt, declared as
 * data in demo/src/main/resources/storefront.yaml (services, hosts, databases, the cache and the
 * queue, calls, endpoints) and built from it here. What each endpoint does is in the *Endpoints
 * classes. The public API (the gateway's routes) and the components each function touches are
 * tabulated in demo/README.md; DemoIT holds the same table for the tests.
 */
public final class Storefront {
  private Storefront() {}

  public static final String ORDERS_TOPIC = "orders";
  public static final String COMMENTS_TOPIC = "comment-events";

  /** Handles one queue event in a consumer's process span. */
  @FunctionalInterface
  public interface EventHandler {
    void handle(ServiceDatabase db, String topic, JsonNode event) throws Exception;
  }

  /** One service of the system. */
  public record Spec(
      String name,
      String version,
      String host,
      String database,
      List<String> schema,
      boolean cache,
      boolean publishes,
      List<String> calls,
      List<Route> routes,
      List<String> consumes,
      EventHandler consumer,
      String badDeployRoute) {}

  /** The public functions: method, gateway path, edge service, edge path template. */
  public record Function(String name, String method, String path, String edge, String edgePath) {}

  /** The tier decides how long a caller waits: edge calls wait longer than inner ones. */
  public static Duration timeout(String caller) {
    return switch (caller) {
      case "gateway" -> Duration.ofSeconds(8);
      case "web", "mobile-api" -> Duration.ofSeconds(5);
      default -> Duration.ofSeconds(3);
    };
  }

  /**
   * One entry of storefront.yaml (its header says what each key means); a key it does not know is
   * refused.
   */
  record Row(
      String version,
      String host,
      String database,
      List<String> schema,
      String seed,
      boolean cache,
      List<String> publishes,
      List<String> consumes,
      List<String> calls,
      List<String> endpoints,
      @JsonProperty("bad_deploy") String badDeploy,
      LinkedHashMap<String, String> functions) {
    Row {
      schema = schema == null ? List.of() : List.copyOf(schema);
      publishes = publishes == null ? List.of() : List.copyOf(publishes);
      consumes = consumes == null ? List.of() : List.copyOf(consumes);
      calls = calls == null ? List.of() : List.copyOf(calls);
      endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    }
  }

  private record Table(LinkedHashMap<String, Row> services) {}

  private static final String TABLE = "storefront.yaml";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern FORWARD =
      Pattern.compile("([A-Z]+)\\s+(/\\S*)\\s+->\\s+(\\S+)\\s+(/\\S*)");
  private static final Map<String, Row> ROWS = read();

  /** The gateway's routes, in the table's order. */
  public static final List<Function> FUNCTIONS = functions(ROWS.get("gateway"));

  /** Every service, in the table's order, with its handlers bound. */
  public static List<Spec> services() {
    Map<String, Map<String, Handler>> handlers = new HashMap<>();
    handlers.putAll(EdgeEndpoints.byService());
    handlers.putAll(IdentityEndpoints.byService());
    handlers.putAll(CatalogEndpoints.byService());
    handlers.putAll(OrderEndpoints.byService());
    handlers.putAll(CommunityEndpoints.byService());
    Map<String, EventHandler> consumers = new HashMap<>(OrderEndpoints.consumers());
    Map<String, Supplier<String>> seeds =
        Map.of("products", Catalog::productRows, "terms", Catalog::termRows);

    List<Spec> specs = new ArrayList<>();
    for (Map.Entry<String, Row> e : ROWS.entrySet()) {
      String name = e.getKey();
      Row row = e.getValue();
      List<Route> routes =
          row.functions() != null
              ? FUNCTIONS.stream().map(Storefront::forward).toList()
              : routes(name, row.endpoints(), handlers.remove(name));
      List<String> schema = new ArrayList<>(row.schema());
      if (row.seed() != null) {
        schema.add(must(seeds.get(row.seed()), name, "seed " + row.seed()).get());
      }
      EventHandler consumer = consumers.remove(name);
      if (row.consumes().isEmpty() != (consumer == null)) {
        throw invalid(name, "consumes topics if and only if it has a consumer (OrderEndpoints)");
      }
      specs.add(
          new Spec(
              name,
              row.version(),
              row.host(),
              row.database(),
              List.copyOf(schema),
              row.cache(),
              !row.publishes().isEmpty(),
              row.calls(),
              routes,
              row.consumes(),
              consumer,
              row.badDeploy()));
    }
    if (!handlers.isEmpty() || !consumers.isEmpty()) {
      throw new IllegalStateException(
          TABLE + " declares no service " + handlers.keySet() + consumers.keySet());
    }
    return List.copyOf(specs);
  }

  private static Map<String, Row> read() {
    try (InputStream in = Storefront.class.getResourceAsStream("/" + TABLE)) {
      return parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + TABLE + ": " + e.getMessage(), e);
    }
  }

  /** The table, checked for what does not depend on the handlers. */
  static Map<String, Row> parse(InputStream in) throws IOException {
    Map<String, Row> services = YAML.readValue(in, Table.class).services();
    Set<String> topics = Set.of(ORDERS_TOPIC, COMMENTS_TOPIC);
    services.forEach(
        (name, row) -> {
          if (row.version() == null || row.host() == null) {
            throw invalid(name, "needs a version and a host");
          }
          for (String target : row.calls()) {
            if (!services.containsKey(target)) {
              throw invalid(name, "calls " + target + ", which is not declared");
            }
          }
          if (!topics.containsAll(row.publishes()) || !topics.containsAll(row.consumes())) {
            throw invalid(name, "uses a topic other than " + topics);
          }
          if ((row.database() != null) != (!row.schema().isEmpty() || row.seed() != null)) {
            throw invalid(name, "has a database without a schema, or a schema without one");
          }
          if (row.badDeploy() != null && !row.endpoints().contains(row.badDeploy())) {
            throw invalid(name, "bad_deploy " + row.badDeploy() + " is not one of its endpoints");
          }
        });
    return services;
  }

  /** {@code browse: GET /api/browse -> web /browse}. */
  private static List<Function> functions(Row gateway) {
    List<Function> out = new ArrayList<>();
    gateway
        .functions()
        .forEach(
            (name, forward) -> {
              Matcher m = FORWARD.matcher(forward);
              if (!m.matches() || !gateway.calls().contains(m.group(3))) {
                throw invalid("gateway", name + " is not METHOD /path -> one-of-its-calls /path");
              }
              out.add(new Function(name, m.group(1), m.group(2), m.group(3), m.group(4)));
            });
    return List.copyOf(out);
  }

  /** The gateway passes a function's request on to its edge service, under the edge's path. */
  private static Route forward(Function f) {
    return new Route(
        HttpMethod.valueOf(f.method()),
        f.path(),
        c -> {
          String edgePath = c.pathAndQuery().substring(f.path().startsWith("/api/m/") ? 6 : 4);
          return c.forward(f.edge(), f.edgePath(), edgePath);
        });
  }

  /** The declared endpoints, each with its handler; both sides must name the same ones. */
  private static List<Route> routes(
      String service, List<String> endpoints, Map<String, Handler> handlers) {
    Map<String, Handler> left = new LinkedHashMap<>(handlers == null ? Map.of() : handlers);
    List<Route> routes = new ArrayList<>();
    for (String endpoint : endpoints) {
      Handler h = must(left.remove(endpoint), service, "endpoint " + endpoint + "'s handler");
      String[] methodAndPath = endpoint.split(" ", 2);
      routes.add(new Route(HttpMethod.valueOf(methodAndPath[0]), methodAndPath[1], h));
    }
    if (!left.isEmpty()) {
      throw invalid(
          service, "does not declare the endpoints it has handlers for: " + left.keySet());
    }
    return List.copyOf(routes);
  }

  private static <T> T must(T value, String service, String what) {
    if (value == null) {
      throw invalid(service, "has no " + what);
    }
    return value;
  }

  private static IllegalStateException invalid(String service, String problem) {
    return new IllegalStateException(TABLE + ": " + service + " " + problem);
  }
}
