package io.sextant.demo.fault;

import io.sextant.demo.net.FaultProxy;
import io.sextant.demo.service.ServiceNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Applies and clears faults at run time. The state of every component is recomputed from the whole
 * set of active faults on each change, so faults stack and clearing one leaves the others.
 */
public final class FaultInjector {
  /** A database and the service that owns it. */
  public record Database(String component, FaultProxy proxy, ServiceNode owner) {}

  private final Map<String, ServiceNode> services;
  private final Map<String, String> hostOf;
  private final Map<String, Database> databases;
  private final Map<String, String> badRoutes;
  private final Map<String, String> versions = new LinkedHashMap<>();
  private final FaultProxy cache;
  private final Clock clock;
  private final Map<String, Fault> active = new LinkedHashMap<>();
  private final Set<String> exhausted = new TreeSet<>();
  private int next = 1;

  public FaultInjector(
      Map<String, ServiceNode> services,
      Map<String, String> hostOf,
      Map<String, Database> databases,
      Map<String, String> badRoutes,
      FaultProxy cache,
      Clock clock) {
    this.services = services;
    this.hostOf = hostOf;
    this.databases = databases;
    this.badRoutes = badRoutes;
    this.cache = cache;
    this.clock = clock;
    services.forEach((n, s) -> versions.put(n, s.telemetry().version()));
  }

  /** Every host, service, database and the cache, for listings and errors. */
  public Map<String, List<String>> targets() {
    Map<String, List<String>> t = new LinkedHashMap<>();
    t.put("services", List.copyOf(services.keySet()));
    t.put("databases", List.copyOf(databases.keySet()));
    t.put("cache", List.of("cache"));
    t.put("hosts", List.copyOf(new TreeSet<>(hostOf.values())));
    return t;
  }

  public synchronized List<Fault> list() {
    return List.copyOf(active.values());
  }

  public synchronized Fault add(
      FaultKind kind, String target, int percent, int millis, int jitter) {
    validate(kind, target);
    int p = percent;
    int ms = millis;
    switch (kind) {
      case ERROR_RATE, RESETS -> p = percent <= 0 ? 50 : Math.min(100, percent);
      case LATENCY -> ms = millis <= 0 ? 500 : millis;
      case CPU_HOG -> ms = millis <= 0 ? 300 : millis;
      default -> {}
    }
    Fault f = new Fault("f" + next++, kind, target, p, ms, Math.max(0, jitter), clock.instant());
    active.put(f.id(), f);
    reconcile();
    return f;
  }

  /** Clears one fault; false when there is none with that id. */
  public synchronized boolean clear(String id) {
    boolean removed = active.remove(id) != null;
    if (removed) {
      reconcile();
    }
    return removed;
  }

  public synchronized int clearAll() {
    int n = active.size();
    active.clear();
    reconcile();
    return n;
  }

  private void validate(FaultKind kind, String target) {
    boolean service = services.containsKey(target);
    boolean db = databases.containsKey(target);
    boolean isCache = target.equals("cache");
    boolean host = hostOf.containsValue(target);
    boolean ok =
        switch (kind) {
          case DOWN, HUNG, LATENCY, RESETS -> service || db || isCache;
          case ERROR_RATE, BAD_DEPLOY, CPU_HOG -> service;
          case HOST_DOWN -> host;
          case POOL_EXHAUSTION -> (service && services.get(target).database() != null) || db;
        };
    if (!ok) {
      throw new IllegalArgumentException(
          kind.label()
              + " cannot target \""
              + target
              + "\": it applies to "
              + kind.description()
              + "; targets are "
              + targets());
    }
  }

  private List<Fault> on(String target) {
    List<Fault> out = new ArrayList<>();
    for (Fault f : active.values()) {
      if (f.target().equals(target)) {
        out.add(f);
      }
    }
    return out;
  }

  private void reconcile() {
    try {
      for (ServiceNode s : services.values()) {
        List<Fault> fs = on(s.name());
        boolean hostDown =
            active.values().stream()
                .anyMatch(
                    f ->
                        f.kind() == FaultKind.HOST_DOWN && f.target().equals(hostOf.get(s.name())));
        applyNetwork(s.proxy(), fs, hostDown);
        int error = max(fs, FaultKind.ERROR_RATE, true);
        int latency = max(fs, FaultKind.LATENCY, false);
        int jitter =
            fs.stream()
                .filter(f -> f.kind() == FaultKind.LATENCY)
                .mapToInt(Fault::jitterMillis)
                .max()
                .orElse(0);
        int cpu = max(fs, FaultKind.CPU_HOG, false);
        boolean badDeploy = fs.stream().anyMatch(f -> f.kind() == FaultKind.BAD_DEPLOY);
        s.faults().set(error, latency, jitter, cpu, badDeploy ? badRoutes.get(s.name()) : null);
        String base = versions.get(s.name());
        s.telemetry().deploy(badDeploy ? nextVersion(base) : base);
      }
      for (Database d : databases.values()) {
        applyNetwork(d.proxy(), on(d.component()), false);
        boolean exhaust =
            active.values().stream()
                .anyMatch(
                    f ->
                        f.kind() == FaultKind.POOL_EXHAUSTION
                            && (f.target().equals(d.component())
                                || f.target().equals(d.owner().name())));
        if (exhaust && exhausted.add(d.component())) {
          d.owner().database().exhaust();
        } else if (!exhaust && exhausted.remove(d.component())) {
          d.owner().database().releaseAll();
        }
      }
      applyNetwork(cache, on("cache"), false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void applyNetwork(FaultProxy proxy, List<Fault> fs, boolean forceDown)
      throws IOException {
    boolean down = forceDown || fs.stream().anyMatch(f -> f.kind() == FaultKind.DOWN);
    boolean hung = fs.stream().anyMatch(f -> f.kind() == FaultKind.HUNG);
    proxy.setMode(down ? FaultProxy.Mode.DOWN : hung ? FaultProxy.Mode.HUNG : FaultProxy.Mode.UP);
    proxy.setResetPercent(max(fs, FaultKind.RESETS, true));
    // A service's latency is added in its handler (so its own span shows it); a database's or the
    // cache's on the wire.
    if (!proxyCarriesLatency(proxy)) {
      return;
    }
    int latency = max(fs, FaultKind.LATENCY, false);
    int jitter =
        fs.stream()
            .filter(f -> f.kind() == FaultKind.LATENCY)
            .mapToInt(Fault::jitterMillis)
            .max()
            .orElse(0);
    proxy.setLatency(latency, jitter);
  }

  private static boolean proxyCarriesLatency(FaultProxy proxy) {
    return proxy.name().endsWith("-db") || proxy.name().equals("cache");
  }

  private static int max(List<Fault> fs, FaultKind kind, boolean percent) {
    return fs.stream()
        .filter(f -> f.kind() == kind)
        .mapToInt(f -> percent ? f.percent() : f.millis())
        .max()
        .orElse(0);
  }

  /** {@code 6.3.1} → {@code 6.4.0}: the bad deploy's version. */
  static String nextVersion(String v) {
    String[] p = v.split("\\.");
    if (p.length < 2) {
      return v + "-next";
    }
    return p[0] + "." + (Integer.parseInt(p[1]) + 1) + ".0";
  }
}
