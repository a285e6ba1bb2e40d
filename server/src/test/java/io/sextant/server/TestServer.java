package io.sextant.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.model.Event;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.ForwardingEventStore;
import io.sextant.store.spi.StoreException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A real Sextant server on free loopback ports over a DuckDB file in a temp directory, or over the
 * store a supplier opens.
 */
final class TestServer implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final SextantServer server;
  final ServerConfig config;

  TestServer(Path dir) {
    this(ports(ServerConfig.defaults(dir)), UnaryOperator.identity());
  }

  TestServer(ServerConfig config, UnaryOperator<EventStore> decorate) {
    this.config = config;
    this.server = new SextantServer(config, decorate).start();
  }

  /** A server over the store {@code openStore} opens (e.g. ClickHouse's) instead of DuckDB's. */
  TestServer(ServerConfig config, Supplier<EventStore> openStore) {
    this.config = config;
    this.server =
        new SextantServer(config, openStore, UnaryOperator.identity(), List.of(), false).start();
  }

  /** {@code config} with four free ephemeral ports on 127.0.0.1. */
  static ServerConfig ports(ServerConfig config) {
    int[] p = freePorts(4);
    return config.withPorts(p[0], p[1], p[2], p[3]);
  }

  static int[] freePorts(int n) {
    ServerSocket[] sockets = new ServerSocket[n];
    int[] ports = new int[n];
    try {
      for (int i = 0; i < n; i++) {
        sockets[i] = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        ports[i] = sockets[i].getLocalPort();
      }
      for (ServerSocket s : sockets) {
        s.close();
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return ports;
  }

  /** Decorates the real store so every write first waits {@code millis}: a slow disk. */
  static UnaryOperator<EventStore> slowedBy(long millis) {
    return store ->
        new ForwardingEventStore(store) {
          @Override
          public void write(List<Event> batch) throws StoreException {
            try {
              Thread.sleep(millis);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            super.write(batch);
          }
        };
  }

  String grpcEndpoint() {
    return "http://127.0.0.1:" + config.otlpGrpcPort();
  }

  String otlpHttp(String path) {
    return "http://127.0.0.1:" + config.otlpHttpPort() + path;
  }

  String zipkin(String path) {
    return "http://127.0.0.1:" + config.zipkinPort() + path;
  }

  String api(String path) {
    return "http://127.0.0.1:" + config.apiPort() + path;
  }

  /** GET on the API; returns the status and the parsed JSON body. */
  Reply get(String path) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(api(path))).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body(), r.headers().firstValue("retry-after").orElse(null));
  }

  static Reply post(String url, String contentType, byte[] body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    return new Reply(
        r.statusCode(),
        new String(r.body(), java.nio.charset.StandardCharsets.UTF_8),
        r.headers().firstValue("retry-after").orElse(null),
        r.body());
  }

  record Reply(int status, String body, String retryAfter, byte[] bytes) {
    Reply(int status, String body, String retryAfter) {
      this(status, body, retryAfter, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    JsonNode json() throws IOException {
      return JSON.readTree(body);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
