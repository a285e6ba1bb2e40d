package io.sextant.demo.net;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loopback port helpers. A port found free can be taken by someone else (an outgoing connection's
 * local port, another test) before its owner binds it, so every component that binds a port chosen
 * here starts through {@link #bindRetrying}.
 */
public final class Ports {
  private static final Logger log = LoggerFactory.getLogger(Ports.class);
  private static final Set<Integer> handedOut = ConcurrentHashMap.newKeySet();

  private Ports() {}

  /** A port free on 127.0.0.1 right now, never one this process handed out before. */
  public static int free() {
    for (int i = 0; i < 100; i++) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        int port = s.getLocalPort();
        if (handedOut.add(port)) {
          return port;
        }
      } catch (IOException e) {
        throw new IllegalStateException("no free loopback port", e);
      }
    }
    throw new IllegalStateException("no free loopback port after 100 tries");
  }

  /** {@code preferred} if it can be bound on 127.0.0.1, else a free ephemeral port. */
  public static int preferred(int preferred) {
    if (preferred <= 0) {
      return free();
    }
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), preferred), 1);
      return preferred;
    } catch (IOException e) {
      return free();
    }
  }

  /**
   * Runs {@code start} (which picks its ports anew on every call) until it does not fail for a port
   * that was taken between choosing and binding it; at most five times.
   */
  public static <T> T bindRetrying(String what, Supplier<T> start) {
    for (int attempt = 1; ; attempt++) {
      try {
        return start.get();
      } catch (RuntimeException e) {
        if (attempt >= 5 || !portTaken(e)) {
          throw e;
        }
        log.warn("{}: a chosen port was taken before it was bound; retrying ({})", what, attempt);
      }
    }
  }

  static boolean portTaken(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException) {
        return true;
      }
      String m = t.getMessage();
      if (m != null && (m.contains("Address already in use") || m.contains("in use"))) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
