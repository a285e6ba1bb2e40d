package io.sextant.bench.springsys;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A TCP proxy on a loopback port in front of one database, with (after the demo's FaultProxy; this
 * module does not depend on the demo) faults switchable at run time. Callers only ever know the
 * proxy's port, so a fault here is what the network would do: refuse connections (down), accept and
 * never answer (hung), delay every message (slow), or reset connections. There is no toxiproxy or
 * netem on this machine (shared/research/dependencies.md §8), hence this.
 */
public final class FaultProxy implements AutoCloseable {
  /** The network state of the component behind the proxy. */
  public enum Mode {
    UP,
    DOWN,
    HUNG
  }

  private final String name;
  private final InetSocketAddress upstream;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final Object lock = new Object();
  private volatile ServerSocket listener;
  private volatile int port;
  private volatile Mode mode = Mode.UP;
  private volatile int latencyMillis;
  private volatile int jitterMillis;
  private volatile int resetPercent;
  private volatile boolean closed;

  public FaultProxy(String name, int upstreamPort) {
    this.name = name;
    this.upstream = new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort);
  }

  /** Starts listening on a free loopback port. */
  public FaultProxy start() throws IOException {
    listen(0);
    return this;
  }

  public int port() {
    return port;
  }

  public String name() {
    return name;
  }

  public Mode mode() {
    return mode;
  }

  /** Down: the port refuses connections and every open connection is cut. */
  public void setMode(Mode m) throws IOException {
    synchronized (lock) {
      Mode was = mode;
      mode = m;
      if (m == Mode.DOWN && was != Mode.DOWN) {
        ServerSocket l = listener;
        listener = null;
        if (l != null) {
          l.close();
        }
        for (Link link : links) {
          link.reset();
        }
      } else if (m != Mode.DOWN && was == Mode.DOWN) {
        listen(port);
      }
      lock.notifyAll();
    }
  }

  /** Every message through the proxy, in either direction, waits {@code millis ± jitter}. */
  public void setLatency(int millis, int jitter) {
    this.latencyMillis = Math.max(0, millis);
    this.jitterMillis = Math.max(0, jitter);
  }

  /** Each message has a {@code percent} chance of resetting its connection instead. */
  public void setResetPercent(int percent) {
    this.resetPercent = Math.max(0, Math.min(100, percent));
  }

  private void listen(int p) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), p), 256);
    listener = s;
    port = s.getLocalPort();
    Thread.ofVirtual().name("proxy-accept-" + name).start(() -> accept(s));
  }

  private void accept(ServerSocket s) {
    while (!s.isClosed()) {
      Socket client;
      try {
        client = s.accept();
      } catch (IOException e) {
        return; // closed: down or shut down
      }
      Thread.ofVirtual().name("proxy-open-" + name).start(() -> open(client));
    }
  }

  private void open(Socket client) {
    Socket server = new Socket();
    try {
      client.setTcpNoDelay(true);
      server.setTcpNoDelay(true);
      server.connect(upstream, 2000);
    } catch (IOException e) {
      closeQuietly(client);
      closeQuietly(server);
      return;
    }
    Link link = new Link(client, server);
    links.add(link);
    Thread.ofVirtual().name("proxy-up-" + name).start(() -> pump(link, client, server));
    Thread.ofVirtual().name("proxy-down-" + name).start(() -> pump(link, server, client));
  }

  private void pump(Link link, Socket from, Socket to) {
    byte[] buf = new byte[16 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buf)) >= 0) {
        awaitNotHung();
        if (mode == Mode.DOWN || closed) {
          break;
        }
        int reset = resetPercent;
        if (reset > 0 && ThreadLocalRandom.current().nextInt(100) < reset) {
          link.reset();
          return;
        }
        int delay = latencyMillis;
        if (delay > 0) {
          int j = jitterMillis;
          Thread.sleep(delay + (j > 0 ? ThreadLocalRandom.current().nextInt(-j, j + 1) : 0));
        }
        out.write(buf, 0, n);
        out.flush();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      link.reset();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      link.reset();
    } finally {
      if (from.isClosed() || to.isClosed()) {
        links.remove(link);
      }
    }
  }

  private void awaitNotHung() throws InterruptedException {
    if (mode != Mode.HUNG) {
      return;
    }
    synchronized (lock) {
      while (mode == Mode.HUNG && !closed) {
        lock.wait(1000);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    synchronized (lock) {
      lock.notifyAll();
    }
    ServerSocket l = listener;
    if (l != null) {
      closeQuietly(l);
    }
    for (Link link : links) {
      link.reset();
    }
  }

  private final class Link {
    final Socket a;
    final Socket b;

    Link(Socket a, Socket b) {
      this.a = a;
      this.b = b;
    }

    /** Closes both sides with RST, as a crashed peer or a middlebox would. */
    void reset() {
      rst(a);
      rst(b);
      links.remove(this);
    }

    private void rst(Socket s) {
      try {
        s.setSoLinger(true, 0);
      } catch (SocketException ignored) {
        // already closed
      }
      closeQuietly(s);
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing on a fault path; nothing to add
    }
  }
}
