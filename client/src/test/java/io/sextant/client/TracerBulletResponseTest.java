package io.sextant.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two services on real HTTP servers, an edge that calls an orders service that writes through the
 * kit's data source: a tracer bullet's answer says its write was rolled back, end to end.
 */
class TracerBulletResponseTest {
  private static final AtomicInteger DB = new AtomicInteger();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final TextMapGetter<HttpExchange> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpExchange carrier) {
          return carrier.getRequestHeaders().keySet();
        }

        @Override
        public String get(HttpExchange carrier, String key) {
          return carrier.getRequestHeaders().getFirst(key);
        }
      };

  DataSource raw;
  HttpServer orders;
  HttpServer edge;

  @BeforeEach
  void start() throws Exception {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:resp" + DB.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
    raw = h2;
    try (Connection c = raw.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE orders(id INT AUTO_INCREMENT PRIMARY KEY, total INT)");
    }
    DataSource guarded = TracerBulletDataSource.wrap(h2);
    orders = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    orders.createContext(
        "/orders",
        ex ->
            serve(
                ex,
                () -> {
                  try (Connection c = guarded.getConnection();
                      PreparedStatement p =
                          c.prepareStatement("INSERT INTO orders(total) VALUES (42)")) {
                    p.executeUpdate();
                    c.commit();
                  }
                }));
    orders.createContext(
        "/count",
        ex ->
            serve(
                ex,
                () -> {
                  try (Connection c = guarded.getConnection();
                      Statement s = c.createStatement();
                      ResultSet r = s.executeQuery("SELECT count(*) FROM orders")) {
                    r.next();
                  }
                }));
    orders.start();
    edge = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    edge.createContext(
        "/checkout",
        ex ->
            serve(
                ex,
                () -> {
                  // the call to orders carries the baggage; its answer's header is relayed
                  HttpRequest.Builder b =
                      HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:" + orders.getAddress().getPort() + "/orders"));
                  W3CBaggagePropagator.getInstance()
                      .inject(Context.current(), b, HttpRequest.Builder::header);
                  HttpResponse<String> r =
                      HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
                  TracerBullet.noteResponse(r.headers());
                }));
    edge.start();
  }

  @AfterEach
  void stop() {
    orders.stop(0);
    edge.stop(0);
  }

  interface Work {
    void run() throws Exception;
  }

  /** A service's request handling with the kit: context from the baggage, tracked, answered. */
  private static void serve(HttpExchange ex, Work work) throws IOException {
    Context context = W3CBaggagePropagator.getInstance().extract(Context.root(), ex, HEADERS);
    try (Scope s = context.makeCurrent();
        TracerBullet.Tracked t = TracerBullet.begin()) {
      int status = 200;
      try {
        work.run();
      } catch (Exception e) {
        status = 500;
      }
      t.responseHeader()
          .ifPresent(v -> ex.getResponseHeaders().set(TracerBullet.RESPONSE_HEADER, v));
      ex.sendResponseHeaders(status, -1);
    } finally {
      ex.close();
    }
  }

  HttpResponse<String> call(HttpServer server, String path, String baggage) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path))
            .header("baggage", baggage)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  int count() throws Exception {
    try (Connection c = raw.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM orders")) {
      r.next();
      return r.getInt(1);
    }
  }

  @Test
  void aTracerBulletsAnswerSaysItsWriteWasRolledBackThroughEveryHop() throws Exception {
    HttpResponse<String> r = call(edge, "/checkout", "request_type=TRACE,user_id=u-tester-01");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().allValues("Sextant-Tracer-Bullet")).isEqualTo(List.of("rolled-back"));
    assertThat(count()).isZero();
  }

  @Test
  void aRealRequestOrAReadSaysNothing() throws Exception {
    HttpResponse<String> real = call(edge, "/checkout", "request_type=STANDARD");
    assertThat(real.statusCode()).isEqualTo(200);
    assertThat(real.headers().firstValue("Sextant-Tracer-Bullet")).isEmpty();
    assertThat(count()).isEqualTo(1);
    HttpResponse<String> read = call(orders, "/count", "request_type=TRACE");
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.headers().firstValue("Sextant-Tracer-Bullet")).isEmpty();
  }
}
