package io.sextant.demo.service;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Faults inside one service's request handling (the proxy in front of it handles the network ones).
 * Set by the fault injector; read on every request.
 */
public final class ServiceFaults {
  volatile int errorPercent;
  volatile int latencyMillis;
  volatile int jitterMillis;
  volatile int cpuMillis;
  volatile String failingRoute;
  private final ExecutorService core =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "cpu-hog");
            t.setDaemon(true);
            return t;
          });

  public void set(
      int errorPercent, int latencyMillis, int jitterMillis, int cpuMillis, String failingRoute) {
    this.errorPercent = errorPercent;
    this.latencyMillis = latencyMillis;
    this.jitterMillis = jitterMillis;
    this.cpuMillis = cpuMillis;
    this.failingRoute = failingRoute;
  }

  /** Stops the thread that burns CPU for a cpu-hog. */
  void close() {
    core.shutdownNow();
  }

  /** Runs before the handler of {@code route}: may sleep, burn CPU or throw. */
  void before(String method, String route) throws InterruptedException {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    int cpu = cpuMillis;
    if (cpu > 0) {
      // The service's CPU limit, one core as a container's would be: its own platform thread
      // burns while the request waits (parked), so the demo's other services, which share this
      // JVM's few virtual-thread carriers, keep them.
      Future<?> f = core.submit(() -> burn(cpu));
      try {
        f.get();
      } catch (InterruptedException e) {
        f.cancel(true); // the caller gave up: its CPU work is not done for nobody
        throw e;
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }
    int lat = latencyMillis;
    if (lat > 0) {
      int j = jitterMillis;
      Thread.sleep(Math.max(0, lat + (j > 0 ? r.nextInt(-j, j + 1) : 0)));
    }
    String bad = failingRoute;
    if (bad != null && bad.equals(method + " " + route)) {
      throw new IllegalStateException(
          "Cannot invoke \"java.math.BigDecimal.multiply(java.math.BigDecimal)\" because"
              + " \"discount\" is null");
    }
    int p = errorPercent;
    if (p > 0 && r.nextInt(100) < p) {
      throw new IllegalStateException("connection to upstream state store lost");
    }
  }

  /**
   * Busy CPU work for {@code millis} of wall time (thread CPU time is not available on virtual
   * threads). One request at a time per service burns (a container limited to one core): the others
   * queue behind it, and the rest of the demo keeps the machine's other cores.
   */
  private static void burn(int millis) {
    long until = System.nanoTime() + millis * 1_000_000L;
    long x = 0;
    while (System.nanoTime() < until && !Thread.currentThread().isInterrupted()) {
      for (int i = 0; i < 10_000; i++) {
        x += Long.rotateLeft(x ^ i, 7) * 31;
      }
    }
    if (x == 42) {
      Thread.onSpinWait();
    }
  }
}
