package io.sextant.demo.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback port helpers. */
public final class Ports {
  private Ports() {}

  /** A port free on 127.0.0.1 right now (the OS picks an ephemeral one). */
  public static int free() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free loopback port", e);
    }
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
}
