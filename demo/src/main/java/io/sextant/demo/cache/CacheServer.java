package io.sextant.demo.cache;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small key-value cache server speaking a subset of the memcached text protocol ({@code get},
 * {@code set}, {@code delete}) over TCP: the shared cache of the demo. Values never expire; the
 * demo warms it at start-up.
 */
public final class CacheServer implements AutoCloseable {
  private final Map<String, byte[]> data = new ConcurrentHashMap<>();
  private final ServerSocket socket;

  public CacheServer() throws IOException {
    socket = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("cache-accept").start(this::accept);
  }

  public int port() {
    return socket.getLocalPort();
  }

  public int size() {
    return data.size();
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket s = socket.accept();
        Thread.ofVirtual().name("cache-conn").start(() -> serve(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s;
        InputStream in = new BufferedInputStream(s.getInputStream());
        OutputStream out = new BufferedOutputStream(s.getOutputStream())) {
      String line;
      while ((line = readLine(in)) != null) {
        String[] parts = line.split(" ");
        switch (parts[0]) {
          case "get" -> {
            for (int i = 1; i < parts.length; i++) {
              byte[] v = data.get(parts[i]);
              if (v != null) {
                out.write(
                    ("VALUE " + parts[i] + " 0 " + v.length + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(v);
                out.write(CRLF);
              }
            }
            out.write("END\r\n".getBytes(StandardCharsets.US_ASCII));
          }
          case "set" -> {
            int len = Integer.parseInt(parts[4]);
            byte[] v = in.readNBytes(len);
            in.readNBytes(2);
            data.put(parts[1], v);
            out.write("STORED\r\n".getBytes(StandardCharsets.US_ASCII));
          }
          case "delete" -> {
            boolean removed = data.remove(parts[1]) != null;
            out.write(
                (removed ? "DELETED\r\n" : "NOT_FOUND\r\n").getBytes(StandardCharsets.US_ASCII));
          }
          default -> out.write("ERROR\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
      }
    } catch (IOException | RuntimeException e) {
      // the client went away or sent garbage; drop the connection
    }
  }

  private static final byte[] CRLF = {'\r', '\n'};

  static String readLine(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        int n = b.length();
        if (n > 0 && b.charAt(n - 1) == '\r') {
          b.setLength(n - 1);
        }
        return b.toString();
      }
      b.append((char) c);
    }
    return b.isEmpty() ? null : b.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
