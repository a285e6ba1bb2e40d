package io.sextant.bench.springsys.shop;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.function.Supplier;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;

/**
 * The API gateway: every public route, one Resilience4j circuit breaker shared by all of them, a
 * retry on GETs, and fallbacks that hide failures as gateways often do: a failed GET answers 405
 * (its fallback is mapped to POST only), a failed POST 503, and the product page answers 200 with
 * the parts that failed left empty.
 */
@RestController
@Profile("gateway")
public class GatewayController {
  private final ShopApplication.Downstream down;
  private final CircuitBreaker breaker =
      CircuitBreaker.of(
          "downstream",
          CircuitBreakerConfig.custom()
              .slidingWindowSize(20)
              .minimumNumberOfCalls(10)
              .failureRateThreshold(50)
              .waitDurationInOpenState(Duration.ofSeconds(5))
              .permittedNumberOfCallsInHalfOpenState(3)
              .automaticTransitionFromOpenToHalfOpenEnabled(true)
              .ignoreExceptions(HttpClientErrorException.class)
              .build());
  private final Retry retry =
      Retry.of(
          "get",
          RetryConfig.custom()
              .maxAttempts(2)
              .waitDuration(Duration.ofMillis(100))
              .retryExceptions(ResourceAccessException.class, HttpServerErrorException.class)
              .build());

  public GatewayController(ShopApplication.Downstream down) {
    this.down = down;
  }

  @GetMapping("/api/products")
  ResponseEntity<String> products() {
    return get("catalog", "/products");
  }

  /** The fan-out: the product is required; its stock and reviews are left empty when they fail. */
  @GetMapping("/api/products/{id}")
  ResponseEntity<String> product(@PathVariable long id) {
    ResponseEntity<String> product = get("catalog", "/products/" + id);
    if (!product.getStatusCode().is2xxSuccessful()) {
      return product;
    }
    String stock = part("inventory", "/stock/" + id, "null");
    String reviews = part("reviews", "/reviews/product/" + id, "[]");
    return json(
        HttpStatus.OK,
        "{\"product\":"
            + product.getBody()
            + ",\"stock\":"
            + stock
            + ",\"reviews\":"
            + reviews
            + "}");
  }

  @GetMapping("/api/catalog/categories")
  ResponseEntity<String> categories() {
    return get("catalog", "/categories");
  }

  @GetMapping("/api/customers/countries")
  ResponseEntity<String> countries() {
    return get("customers", "/countries");
  }

  @GetMapping("/api/customers/{id}")
  ResponseEntity<String> customer(@PathVariable long id) {
    return get("customers", "/customers/" + id);
  }

  @GetMapping("/api/stock/{id}")
  ResponseEntity<String> stock(@PathVariable long id) {
    return get("inventory", "/stock/" + id);
  }

  @GetMapping("/api/inventory/warehouses")
  ResponseEntity<String> warehouses() {
    return get("inventory", "/warehouses");
  }

  @GetMapping("/api/reviews/guidelines")
  ResponseEntity<String> guidelines() {
    return get("reviews", "/guidelines");
  }

  @GetMapping("/api/reviews/{productId}")
  ResponseEntity<String> reviews(@PathVariable long productId) {
    return get("reviews", "/reviews/product/" + productId);
  }

  @PostMapping("/api/orders")
  ResponseEntity<String> placeOrder(@RequestBody String body) {
    return post("orders", "/orders", body);
  }

  @GetMapping("/api/orders/statuses")
  ResponseEntity<String> statuses() {
    return get("orders", "/statuses");
  }

  @GetMapping("/api/orders/recent")
  ResponseEntity<String> recentOrders() {
    return get("orders", "/orders/recent");
  }

  @GetMapping("/api/payments/methods")
  ResponseEntity<String> methods() {
    return get("payments", "/methods");
  }

  @GetMapping("/api/payments/recent")
  ResponseEntity<String> recentPayments() {
    return get("payments", "/payments/recent");
  }

  @GetMapping("/api/shipping/rates")
  ResponseEntity<String> rates() {
    return get("shipping", "/rates");
  }

  @GetMapping("/api/shipments/recent")
  ResponseEntity<String> shipments() {
    return get("shipping", "/shipments/recent");
  }

  @GetMapping("/api/notifications/channels")
  ResponseEntity<String> channels() {
    return get("notifications", "/channels");
  }

  @GetMapping("/api/notifications/{customerId}")
  ResponseEntity<String> notifications(@PathVariable long customerId) {
    return get("notifications", "/notifications/customer/" + customerId);
  }

  private ResponseEntity<String> get(String service, String path) {
    Supplier<ResponseEntity<String>> call =
        () -> down.to(service).get().uri(path).retrieve().toEntity(String.class);
    try {
      return pass(
          Retry.decorateSupplier(retry, CircuitBreaker.decorateSupplier(breaker, call)).get());
    } catch (HttpClientErrorException e) {
      return json(e.getStatusCode(), e.getResponseBodyAsString());
    } catch (RuntimeException e) {
      // The route's fallback is a forward to a handler mapped to POST only: GETs get 405.
      return json(HttpStatus.METHOD_NOT_ALLOWED, "{\"error\":\"Method Not Allowed\"}");
    }
  }

  private ResponseEntity<String> post(String service, String path, String body) {
    Supplier<ResponseEntity<String>> call =
        () ->
            down.to(service)
                .post()
                .uri(path)
                .contentType(MediaType.APPLICATION_JSON)
                .body(body)
                .retrieve()
                .toEntity(String.class);
    try {
      return pass(CircuitBreaker.decorateSupplier(breaker, call).get());
    } catch (HttpClientErrorException e) {
      return json(e.getStatusCode(), e.getResponseBodyAsString());
    } catch (RuntimeException e) {
      return json(HttpStatus.SERVICE_UNAVAILABLE, "{\"error\":\"Service Unavailable\"}");
    }
  }

  /** A part of the fan-out: its JSON, or {@code empty} when it failed. */
  private String part(String service, String path, String empty) {
    ResponseEntity<String> r = get(service, path);
    return r.getStatusCode().is2xxSuccessful() && r.getBody() != null ? r.getBody() : empty;
  }

  private static ResponseEntity<String> pass(ResponseEntity<String> r) {
    return json(r.getStatusCode(), r.getBody() == null ? "" : r.getBody());
  }

  private static ResponseEntity<String> json(
      org.springframework.http.HttpStatusCode status, String body) {
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
  }
}
