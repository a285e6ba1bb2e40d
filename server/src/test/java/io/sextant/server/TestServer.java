package io.sextant.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

  /**
   * For a POST the server refuses before reading its whole body (413): over HTTP/2 it answers and
   * resets the stream, and the JDK's client may report the reset instead of the answer it got.
   */
  static final HttpClient HTTP_1 =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  final SextantServer server;
  final ServerConfig config;

  TestServer(Path dir) {
    this(ports(ServerConfig.defaults(dir)), UnaryOperator.identity());
  }

  TestServer(ServerConfig config, UnaryOperator<EventStore> decorate) {
    this.config = config;
    this.server = SextantServer.builder(config).decorateStore(decorate).build().start();
    BY_API_PORT.put(config.apiPort(), this);
  }

  // Running servers by API port: a POST to an API answers once what was acknowledged is loaded.
  private static final java.util.Map<Integer, TestServer> BY_API_PORT =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** A server over the store {@code openStore} opens (e.g. ClickHouse's) instead of DuckDB's. */
  TestServer(ServerConfig config, Supplier<EventStore> openStore) {
    this.config = config;
    this.server = SextantServer.builder(config).store(openStore).build().start();
    BY_API_PORT.put(config.apiPort(), this);
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
          protected void writing(int events, Write write) throws StoreException {
            try {
              Thread.sleep(millis);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            write.run();
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

  /**
   * GET on the API, once what the server acknowledged is loaded into its store; returns the status
   * and the parsed JSON body.
   */
  Reply get(String path) throws Exception {
    loaded();
    return getNow(path);
  }

  /** GET on the API at once, whatever the server still has to load. */
  Reply getNow(String path) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(api(path))).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body(), r.headers().firstValue("retry-after").orElse(null));
  }

  /**
   * {@code method} (PUT, DELETE…) on the API with {@code body} as JSON, or none when null, once
   * what the server acknowledged is loaded.
   */
  Reply send(String method, String path, String body) throws Exception {
    loaded();
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(api(path))).timeout(Duration.ofSeconds(30));
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body(), r.headers().firstValue("retry-after").orElse(null));
  }

  /** Waits until what the server acknowledged is in its store (the segment log's loader). */
  void loaded() throws InterruptedException {
    if (!server.awaitLoaded(Duration.ofSeconds(30))) {
      throw new AssertionError("the server did not load what it acknowledged within 30 s");
    }
  }

  static Reply post(String url, String contentType, byte[] body, String... headers)
      throws Exception {
    TestServer api = BY_API_PORT.get(URI.create(url).getPort());
    if (api != null) {
      api.loaded();
    }
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
    HttpResponse<byte[]> r;
    try {
      r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      if (e.getMessage() == null || !e.getMessage().contains("RST_STREAM")) {
        throw e;
      }
      // The server answered early and reset the stream (see HTTP_1): ask again over HTTP/1.1,
      // where its answer arrives whole.
      r = HTTP_1.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
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
    BY_API_PORT.remove(config.apiPort(), this);
    server.close();
  }
}
