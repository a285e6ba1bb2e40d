package io.sextant.bench.springsys.shop;

import java.net.http.HttpClient;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * The shop: one Spring Boot application, one role per JVM ({@code --spring.profiles.active=ROLE}).
 * Every role has its own name, port, routes and configuration; only the roles' controllers of the
 * active profile are loaded.
 */
@SpringBootApplication
public class ShopApplication {

  public static void main(String[] args) {
    SpringApplication.run(ShopApplication.class, args);
  }

  /** Calls to the other services: JDK HttpClient with connect and read timeouts. */
  @Bean
  Downstream downstream(
      Environment env,
      @Value("${shop.http.connect-timeout-ms:500}") int connectMs,
      @Value("${shop.http.read-timeout-ms:1000}") int readMs) {
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofMillis(connectMs))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    JdkClientHttpRequestFactory f = new JdkClientHttpRequestFactory(http);
    f.setReadTimeout(Duration.ofMillis(readMs));
    return service -> {
      String url = env.getProperty("shop.url." + service);
      if (url == null) {
        throw new IllegalStateException("no shop.url." + service + " configured");
      }
      return RestClient.builder().baseUrl(url).requestFactory(f).build();
    };
  }

  /** A RestClient for each service this one calls, by the service's name. */
  public interface Downstream {
    RestClient to(String service);
  }
}
