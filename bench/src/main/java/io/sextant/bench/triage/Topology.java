package io.sextant.bench.triage;

import io.sextant.topology.ComponentId;
import io.sextant.topology.ComponentIds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A simulated system: services placed on hosts, the databases, caches and queues they call, the
 * public API functions as call trees, the probe catalogue over them and the production traffic mix.
 */
final class Topology {
  /** One service: where it runs, where it answers, and how long its own work takes. */
  record Service(String name, String host, String address, int port, double selfMs) {}

  /** A database, cache or message broker reached by client spans (it emits no spans itself). */
  record Backend(String name, String system, String address, int port, String host, double ms) {
    /** As triage names it: a topic by its name, a database or cache by name, system and address. */
    String id() {
      return system.equals("kafka")
          ? ComponentIds.queue(name, system)
          : ComponentId.datastore(name, system, address + ":" + port).display();
    }
  }

  /** A node of a call tree. */
  sealed interface Step permits Call, Db, Publish, Par, Maybe, Opt {}

  /** An HTTP call to {@code service}'s {@code endpoint}, which then runs {@code children}. */
  record Call(String service, String endpoint, List<Step> children) implements Step {}

  /** A query to a database or cache. */
  record Db(String backend, String statement) implements Step {}

  /** A message to {@code topic} (a kafka backend), consumed asynchronously by {@code consumer}. */
  record Publish(String topic, String consumer, List<Step> children) implements Step {}

  /** Steps run at the same time. */
  record Par(List<Step> steps) implements Step {}

  /** A step taken in a share {@code p} of requests (a cache miss, an optional branch). */
  record Maybe(double p, Step step) implements Step {}

  /** A step whose failure the caller tolerates: the response is degraded, not an error. */
  record Opt(Step step) implements Step {}

  /**
   * A public API function: an entry call on the gateway.
   *
   * @param weight its share of production traffic (relative)
   */
  record Operation(String name, Call entry, double weight) {}

  /**
   * A probe: an API function called synthetically, with its contract.
   *
   * @param slaMs the latency above which the probe fails
   * @param strict whether the contract checks the whole body (a degraded response fails it)
   * @param suite whether it runs in every triage, or only when the adaptive step picks it
   * @param flake the chance that a run fails for reasons outside the system (the runner's network)
   */
  record Probe(
      String name, Call entry, double slaMs, boolean strict, boolean suite, double flake) {}

  final String name;
  final Map<String, Service> services = new LinkedHashMap<>();
  final Map<String, Backend> backends = new LinkedHashMap<>();
  final Map<String, Operation> operations = new LinkedHashMap<>();
  final Map<String, Probe> probes = new LinkedHashMap<>();

  Topology(String name) {
    this.name = name;
  }

  Topology service(String name, String host, int port, double selfMs) {
    services.put(name, new Service(name, host, name, port, selfMs));
    return this;
  }

  Topology backend(String name, String system, String host, int port, double ms) {
    backends.put(name, new Backend(name, system, name + ".data", port, host, ms));
    return this;
  }

  Topology operation(String name, double weight, Call entry) {
    operations.put(name, new Operation(name, entry, weight));
    return this;
  }

  /** A suite probe over an operation already defined. */
  Topology probe(String name, String operation, double slaMs, boolean strict) {
    probes.put(name, new Probe(name, operations.get(operation).entry(), slaMs, strict, true, 0));
    return this;
  }

  /** A probe that only the adaptive step runs (a health or narrow read endpoint). */
  Topology extraProbe(String name, double slaMs, Call entry) {
    probes.put(name, new Probe(name, entry, slaMs, false, false, 0));
    return this;
  }

  /**
   * Makes a probe flaky: each run fails with probability {@code flake} whatever the system does.
   */
  Topology flaky(String probe, double flake) {
    Probe p = probes.get(probe);
    probes.put(probe, new Probe(p.name(), p.entry(), p.slaMs(), p.strict(), p.suite(), flake));
    return this;
  }

  List<String> hosts() {
    List<String> out = new ArrayList<>();
    services.values().forEach(s -> addIfAbsent(out, s.host()));
    backends.values().forEach(b -> addIfAbsent(out, b.host()));
    return out;
  }

  List<String> suite() {
    return probes.values().stream().filter(Probe::suite).map(Probe::name).toList();
  }

  /** The component id of a service, backend or host name, as triage names it. */
  String id(String name) {
    if (backends.containsKey(name)) {
      return backends.get(name).id();
    }
    if (services.containsKey(name)) {
      return name;
    }
    return ComponentIds.host(name);
  }

  /** Endpoints of {@code service} that some operation or probe calls. */
  List<String> endpoints(String service) {
    List<String> out = new ArrayList<>();
    for (Operation o : operations.values()) {
      collect(o.entry(), service, out);
    }
    for (Probe p : probes.values()) {
      collect(p.entry(), service, out);
    }
    return out;
  }

  private static void collect(Step s, String service, List<String> out) {
    switch (s) {
      case Call c -> {
        if (c.service().equals(service)) {
          addIfAbsent(out, c.endpoint());
        }
        c.children().forEach(k -> collect(k, service, out));
      }
      case Publish p -> {
        if (p.consumer().equals(service)) {
          addIfAbsent(out, p.topic()); // a consumer's "endpoint" is the topic it consumes
        }
        p.children().forEach(k -> collect(k, service, out));
      }
      case Par p -> p.steps().forEach(k -> collect(k, service, out));
      case Maybe m -> collect(m.step(), service, out);
      case Opt o -> collect(o.step(), service, out);
      case Db d -> {}
    }
  }

  private static void addIfAbsent(List<String> l, String s) {
    if (!l.contains(s)) {
      l.add(s);
    }
  }

  // --- a small DSL for the systems -------------------------------------------------------------

  static Call call(String service, String endpoint, Step... children) {
    return new Call(service, endpoint, List.of(children));
  }

  static Db db(String backend, String statement) {
    return new Db(backend, statement);
  }

  static Par par(Step... steps) {
    return new Par(List.of(steps));
  }

  static Maybe maybe(double p, Step step) {
    return new Maybe(p, step);
  }

  static Opt opt(Step step) {
    return new Opt(step);
  }

  static Publish publish(String topic, String consumer, Step... children) {
    return new Publish(topic, consumer, List.of(children));
  }
}
