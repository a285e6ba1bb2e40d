package io.sextant.bench.springsys;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Faults from outside the services' code, as an operator or the kernel would cause them: signals to
 * processes, the TCP proxy in front of each database, the chaos hook of a service ({@code POST
 * /chaos}), and a neighbour process that takes one core. {@link #clear()} undoes them all and
 * restarts what was killed.
 */
public final class FaultInjector {
  /** The kinds of fault, with the names the grid uses. */
  public enum Kind {
    SERVICE_KILL(true),
    SERVICE_FREEZE(true),
    SERVICE_CPU(true),
    SERVICE_EXCEPTIONS(true),
    DB_KILL(false),
    DB_FREEZE(false),
    DB_LATENCY(false),
    DB_RESETS(false),
    NEIGHBOUR_CPU(false);

    private final boolean service;

    Kind(boolean service) {
      this.service = service;
    }

    /** Whether its target is a service (else a database, or nothing for the neighbour). */
    public boolean onService() {
      return service;
    }

    public String id() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Kind of(String id) {
      return valueOf(id.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
  }

  /** A fault in force. */
  public record Active(Kind kind, String target, double parameter, List<Long> pids) {}

  /** Milliseconds the proxy adds to every message of a slowed database. */
  public static final int DEFAULT_LATENCY_MS = 400;

  /** Percent of messages through the proxy that reset their connection instead. */
  public static final int DEFAULT_RESET_PERCENT = 30;

  /** Share of requests the chaos filter fails. */
  public static final double DEFAULT_EXCEPTION_RATE = 0.5;

  private final SpringSystem system;
  private final List<Active> active = new CopyOnWriteArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private volatile Process neighbour;

  FaultInjector(SpringSystem system) {
    this.system = system;
  }

  public List<Active> active() {
    return List.copyOf(active);
  }

  public void inject(Kind kind, String target) throws IOException, InterruptedException {
    inject(
        kind,
        target,
        switch (kind) {
          case DB_LATENCY -> DEFAULT_LATENCY_MS;
          case DB_RESETS -> DEFAULT_RESET_PERCENT;
          case SERVICE_EXCEPTIONS -> DEFAULT_EXCEPTION_RATE;
          default -> 0;
        });
  }

  /** Injects one fault; {@code parameter}: ms, percent or rate for the kinds that take one. */
  public synchronized void inject(Kind kind, String target, double parameter)
      throws IOException, InterruptedException {
    List<Long> pids = new ArrayList<>();
    switch (kind) {
      case SERVICE_KILL -> {
        Process p = alive(target);
        pids.add(p.pid());
        List<ProcessHandle> kids = p.descendants().toList();
        p.destroyForcibly(); // SIGKILL
        kids.forEach(ProcessHandle::destroyForcibly);
      }
      case SERVICE_FREEZE -> {
        Process p = alive(target);
        pids.add(p.pid());
        Signals.send("STOP", pids);
      }
      case SERVICE_CPU -> chaos(target, "{\"cpuHog\":true}");
      case SERVICE_EXCEPTIONS -> chaos(target, "{\"exceptionRate\":" + parameter + "}");
      case DB_KILL -> {
        PgCluster c = system.database(target);
        pids.addAll(c.pids()); // the postmaster first, then its children, as they were
        c.killPostmaster();
      }
      case DB_FREEZE -> {
        PgCluster c = system.database(target);
        pids.addAll(c.pids());
        Signals.send("STOP", pids);
      }
      case DB_LATENCY -> system.proxy(target).setLatency((int) parameter, 0);
      case DB_RESETS -> system.proxy(target).setResetPercent((int) parameter);
      case NEIGHBOUR_CPU -> startNeighbour();
    }
    active.add(new Active(kind, target, parameter, List.copyOf(pids)));
  }

  /** Undoes every fault in force (restarting what was killed) and returns at once. */
  public synchronized void clear() throws IOException, InterruptedException {
    for (Active a : active) {
      switch (a.kind()) {
        case SERVICE_KILL -> system.startService(a.target());
        case SERVICE_FREEZE -> Signals.send("CONT", a.pids());
        case SERVICE_CPU, SERVICE_EXCEPTIONS -> chaos(a.target(), "{}");
        case DB_KILL -> {
          // Children of the killed postmaster exit when they notice; make sure none still holds
          // the old shared memory, which would stop the new postmaster.
          Signals.send(
              "KILL", a.pids().stream().filter(p -> ProcessHandle.of(p).isPresent()).toList());
          system.database(a.target()).restart();
        }
        case DB_FREEZE -> {
          List<Long> now = new ArrayList<>(a.pids());
          now.addAll(system.database(a.target()).pids());
          Signals.send("CONT", now);
        }
        case DB_LATENCY -> system.proxy(a.target()).setLatency(0, 0);
        case DB_RESETS -> system.proxy(a.target()).setResetPercent(0);
        case NEIGHBOUR_CPU -> stopNeighbour();
      }
    }
    active.clear();
  }

  private Process alive(String service) {
    SpringSystem.spec(service);
    Process p = system.process(service);
    if (p == null || !p.isAlive()) {
      throw new IllegalStateException(service + " is not running");
    }
    return p;
  }

  private void chaos(String service, String body) throws IOException, InterruptedException {
    Integer port = system.servicePorts().get(service);
    if (port == null) {
      throw new IllegalArgumentException("no service " + service);
    }
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/chaos"))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException(service + " /chaos answered " + r.statusCode() + ": " + r.body());
    }
  }

  /** A process outside the system that keeps one core busy: {@code sha256sum /dev/zero}. */
  private synchronized void startNeighbour() throws IOException {
    if (neighbour == null || !neighbour.isAlive()) {
      neighbour =
          new ProcessBuilder("sha256sum", "/dev/zero")
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectErrorStream(true)
              .start();
      system.adopt(neighbour);
    }
  }

  synchronized void stopNeighbour() {
    Process n = neighbour;
    if (n != null) {
      n.destroyForcibly();
      neighbour = null;
    }
  }
}
