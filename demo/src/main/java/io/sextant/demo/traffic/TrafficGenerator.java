package io.sextant.demo.traffic;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Shoppers: sessions of about 100,000 users in 1,000 accounts (accounts are skewed: a few big
 * teams, many small ones) calling the gateway's public API at a steady rate, each request carrying
 * its user, account and tenant as W3C baggage; plus tester accounts ({@code a-tester}) that fire a
 * tracer bullet ({@code request_type=TRACE}) at each public function in turn.
 */
public final class TrafficGenerator implements AutoCloseable {
  public static final int USERS = 100_000;
  public static final int ACCOUNTS = 1_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A public function and how often shoppers call it (relative weight). */
  private record Mix(String name, int weight) {}

  private static final List<Mix> MIX =
      List.of(
          new Mix("browse", 20),
          new Mix("search", 14),
          new Mix("product", 24),
          new Mix("recommendations", 8),
          new Mix("view_cart", 8),
          new Mix("add_to_cart", 8),
          new Mix("checkout", 4),
          new Mix("post_comment", 3),
          new Mix("vote", 5),
          new Mix("orders", 3),
          new Mix("upload_photo", 1));

  private static final List<String> FUNCTIONS =
      List.of(
          "browse",
          "search",
          "product",
          "login",
          "checkout",
          "upload_photo",
          "recommendations",
          "view_cart",
          "add_to_cart",
          "post_comment",
          "vote",
          "orders");

  /** What shoppers type into search; each finds products (CatalogTest). */
  public static final List<String> QUERIES =
      List.of("dress", "red", "vintage", "shoes", "linen", "bag", "silk", "jacket", "hat", "lace");

  private final String gateway;
  private final double rate;
  private final HttpClient http;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().name("traffic").daemon().unstarted(r));
  private final Semaphore inFlight = new Semaphore(256);
  private final Map<String, String> tokens = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> ok = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> failed = new ConcurrentHashMap<>();
  private final AtomicLong testerTurn = new AtomicLong();

  public TrafficGenerator(String gateway, double requestsPerSecond) {
    this.gateway = gateway;
    this.rate = requestsPerSecond;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
  }

  public void start() {
    long periodNanos = (long) (1_000_000_000L / rate);
    scheduler.scheduleAtFixedRate(this::tick, 0, periodNanos, TimeUnit.NANOSECONDS);
    scheduler.scheduleAtFixedRate(this::testerTick, 5, 10, TimeUnit.SECONDS);
  }

  /** Requests answered below 500 and at or above it, per function, since start. */
  public Map<String, long[]> counts() {
    Map<String, long[]> out = new TreeMap<>();
    for (String f : FUNCTIONS) {
      long a = ok.getOrDefault(f, new LongAdder()).sum();
      long b = failed.getOrDefault(f, new LongAdder()).sum();
      if (a + b > 0) {
        out.put(f, new long[] {a, b});
      }
    }
    return out;
  }

  private void tick() {
    if (!inFlight.tryAcquire()) {
      return; // the system is not answering; shoppers give up rather than pile up
    }
    ThreadLocalRandom r = ThreadLocalRandom.current();
    int account = skewedAccount(r);
    int user = account + ACCOUNTS * r.nextInt(USERS / ACCOUNTS);
    if (user == 0) {
      user = ACCOUNTS;
    }
    Shopper s = Shopper.of(user);
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                run(s, pick(r), false);
              } finally {
                inFlight.release();
              }
            });
  }

  private void testerTick() {
    String function = FUNCTIONS.get((int) (testerTurn.getAndIncrement() % FUNCTIONS.size()));
    int n = 1 + (int) (testerTurn.get() % 10);
    Thread.ofVirtual().start(() -> run(Shopper.tester(n), function, true));
  }

  /** A Zipf-like account: account i is picked with weight 1/(i+1)^0.8, over 1,000 accounts. */
  private static int skewedAccount(ThreadLocalRandom r) {
    double u = r.nextDouble();
    // inverse CDF of a continuous power law on [1, ACCOUNTS]
    double s = 0.8;
    double a = Math.pow(ACCOUNTS + 1, 1 - s);
    int k = (int) Math.floor(Math.pow(u * (a - 1) + 1, 1 / (1 - s))) - 1;
    return Math.max(0, Math.min(ACCOUNTS - 1, k));
  }

  private static String pick(ThreadLocalRandom r) {
    int total = MIX.stream().mapToInt(Mix::weight).sum();
    int x = r.nextInt(total);
    for (Mix m : MIX) {
      x -= m.weight();
      if (x < 0) {
        return m.name();
      }
    }
    return "browse";
  }

  /** Calls one public function as {@code s}; logs in first when the shopper has no session. */
  public Response run(Shopper s, String function, boolean tracerBullet) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    String token = tokens.get(s.userId());
    if (token == null || function.equals("login")) {
      Response login =
          send(s, "login", "POST", "/api/login", Map.of("user_id", s.userId()), null, tracerBullet);
      if (login.status() != 200) {
        return login;
      }
      try {
        token = JSON.readTree(login.body()).path("token").asText();
      } catch (Exception e) {
        return login;
      }
      if (tokens.size() < 20_000) {
        tokens.put(s.userId(), token);
      }
      if (function.equals("login")) {
        return login;
      }
    }
    int product = 1 + r.nextInt(2000);
    return switch (function) {
      case "browse" ->
          send(
              s, function, "GET", "/api/browse?category=" + category(r), null, token, tracerBullet);
      case "search" ->
          send(
              s,
              function,
              "GET",
              "/api/search?q=" + QUERIES.get(r.nextInt(QUERIES.size())),
              null,
              token,
              tracerBullet);
      case "product" ->
          send(s, function, "GET", "/api/products/" + product, null, token, tracerBullet);
      case "checkout" ->
          send(
              s,
              function,
              "POST",
              "/api/checkout",
              Map.of("product_id", product),
              token,
              tracerBullet);
      case "upload_photo" ->
          send(
              s,
              function,
              "POST",
              "/api/photos",
              Map.of("product_id", product),
              token,
              tracerBullet);
      case "recommendations" ->
          send(s, function, "GET", "/api/m/recommendations", null, token, tracerBullet);
      case "view_cart" -> send(s, function, "GET", "/api/m/cart", null, token, tracerBullet);
      case "add_to_cart" ->
          send(
              s,
              function,
              "POST",
              "/api/m/cart/items",
              Map.of("product_id", product, "qty", 1),
              token,
              tracerBullet);
      case "post_comment" ->
          send(
              s,
              function,
              "POST",
              "/api/m/comments",
              Map.of("product_id", product, "body", "Fits well, lovely colour"),
              token,
              tracerBullet);
      case "vote" ->
          send(
              s,
              function,
              "POST",
              "/api/m/votes",
              Map.of("product_id", product, "value", r.nextInt(5) == 0 ? -1 : 1),
              token,
              tracerBullet);
      case "orders" -> send(s, function, "GET", "/api/m/orders", null, token, tracerBullet);
      default -> throw new IllegalArgumentException("unknown function " + function);
    };
  }

  private static String category(ThreadLocalRandom r) {
    List<String> c =
        List.of("dresses", "shoes", "bags", "tops", "skirts", "jackets", "jewelry", "hats");
    return c.get(r.nextInt(c.size()));
  }

  /** One answer from the gateway, with the trace id it reported in {@code traceresponse}. */
  public record Response(int status, String body, String traceId) {}

  private Response send(
      Shopper s,
      String function,
      String method,
      String path,
      Object body,
      String token,
      boolean tracerBullet) {
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(gateway + path))
              .timeout(Duration.ofSeconds(10))
              .header("baggage", s.baggage(tracerBullet))
              .header("user-agent", s.userAgent());
      if (token != null) {
        b.header("authorization", "Bearer " + token);
      }
      if (body != null) {
        b.header("content-type", "application/json");
        b.method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      } else {
        b.method(method, HttpRequest.BodyPublishers.noBody());
      }
      HttpResponse<String> res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      (res.statusCode() >= 500 ? failed : ok)
          .computeIfAbsent(function, k -> new LongAdder())
          .increment();
      String traceId =
          res.headers().firstValue("traceresponse").map(v -> v.split("-")[1]).orElse(null);
      return new Response(res.statusCode(), res.body(), traceId);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Response(0, e.toString(), null);
    } catch (Exception e) {
      failed.computeIfAbsent(function, k -> new LongAdder()).increment();
      return new Response(0, e.toString(), null);
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
