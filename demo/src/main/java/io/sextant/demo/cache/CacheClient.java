package io.sextant.demo.cache;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A service's cache client: memcached text protocol over a small pool of sockets, one client span
 * per command ({@code db.system.name=memcached}, {@code db.operation.name}, {@code server.address},
 * {@code server.port}), with a 1 s read timeout so a hung cache fails fast.
 */
public final class CacheClient implements AutoCloseable {
  private final int port;
  private final Tracer tracer;
  private final BlockingQueue<Conn> idle = new ArrayBlockingQueue<>(8);

  public CacheClient(int port, Tracer tracer) {
    this.port = port;
    this.tracer = tracer;
  }

  /** The value, or null on a miss. Throws when the cache cannot be reached. */
  public String get(String key) throws IOException {
    return call("get", key, null);
  }

  public void set(String key, String value) throws IOException {
    call("set", key, value);
  }

  /**
   * Values of several keys in one round trip ({@code get k1 k2 ...}), as a JSON-free map; missing
   * keys are absent.
   */
  public Map<String, String> getMany(List<String> keys) throws IOException {
    String joined = String.join(" ", keys);
    String raw = call("gets", joined, null);
    Map<String, String> out = new LinkedHashMap<>();
    if (raw != null && !raw.isEmpty()) {
      for (String entry : raw.split("\u0000")) {
        int eq = entry.indexOf('\u0001');
        out.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    return out;
  }

  private String call(String op, String key, String value) throws IOException {
    Span span =
        tracer
            .spanBuilder((op.equals("set") ? "SET" : "GET") + " cache")
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute("db.system", "memcached")
            .setAttribute("db.system.name", "memcached")
            .setAttribute("db.operation.name", op.equals("set") ? "set" : "get")
            .setAttribute("db.namespace", "cache")
            .setAttribute("peer.service", "cache")
            .setAttribute("server.address", "127.0.0.1")
            .setAttribute("server.port", (long) port)
            .startSpan();
    try (Scope ignored = span.makeCurrent()) {
      Conn c = borrow();
      try {
        String result =
            switch (op) {
              case "get" -> c.get(key);
              case "gets" -> c.getMany(key);
              default -> c.set(key, value);
            };
        if (op.equals("get")) {
          span.setAttribute("cache.hit", result != null);
        }
        if (!idle.offer(c)) {
          c.close();
        }
        return result;
      } catch (IOException | RuntimeException e) {
        c.close();
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR, e.toString());
      throw e;
    } finally {
      span.end();
    }
  }

  private Conn borrow() throws IOException {
    Conn c = idle.poll();
    return c != null ? c : new Conn(port);
  }

  @Override
  public void close() {
    Conn c;
    while ((c = idle.poll()) != null) {
      c.close();
    }
  }

  private static final class Conn {
    final Socket socket;
    final InputStream in;
    final OutputStream out;

    Conn(int port) throws IOException {
      socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      socket.setSoTimeout(1000);
      socket.setTcpNoDelay(true);
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    }

    String get(String key) throws IOException {
      out.write(("get " + key + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      String line = CacheServer.readLine(in);
      if (line == null) {
        throw new IOException("cache closed the connection");
      }
      if (line.equals("END")) {
        return null;
      }
      if (!line.startsWith("VALUE ")) {
        throw new IOException("unexpected cache reply: " + line);
      }
      int len = Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1));
      byte[] v = in.readNBytes(len);
      in.readNBytes(2);
      String end = CacheServer.readLine(in);
      if (!"END".equals(end)) {
        throw new IOException("unexpected cache reply: " + end);
      }
      return new String(v, StandardCharsets.UTF_8);
    }

    /** Several keys; entries as key SOH value, joined by NUL. */
    String getMany(String keys) throws IOException {
      out.write(("get " + keys + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      StringBuilder b = new StringBuilder();
      while (true) {
        String line = CacheServer.readLine(in);
        if (line == null) {
          throw new IOException("cache closed the connection");
        }
        if (line.equals("END")) {
          return b.toString();
        }
        String[] parts = line.split(" ");
        byte[] v = in.readNBytes(Integer.parseInt(parts[3]));
        in.readNBytes(2);
        if (!b.isEmpty()) {
          b.append('\u0000');
        }
        b.append(parts[1]).append('\u0001').append(new String(v, StandardCharsets.UTF_8));
      }
    }

    String set(String key, String value) throws IOException {
      byte[] v = value.getBytes(StandardCharsets.UTF_8);
      out.write(("set " + key + " 0 0 " + v.length + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.write(v);
      out.write(new byte[] {'\r', '\n'});
      out.flush();
      String line = CacheServer.readLine(in);
      if (!"STORED".equals(line)) {
        throw new IOException("cache did not store: " + line);
      }
      return null;
    }

    void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // dropping a broken connection
      }
    }
  }
}
