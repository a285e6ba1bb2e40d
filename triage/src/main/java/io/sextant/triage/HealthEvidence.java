package io.sextant.triage;

import io.sextant.topology.Change;
import io.sextant.topology.ComponentIds;
import io.sextant.topology.NodeKind;
import io.sextant.topology.health.HealthResult;
import io.sextant.triage.rank.Prior;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * What the health checks polled at a triage say: which components answer now, the priors their
 * failing parts give, which parts are down or hanging and whom they cover.
 */
final class HealthEvidence {
  private HealthEvidence() {}

  private static final DateTimeFormatter HHMMSS =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  /**
   * The components whose own health check passed in {@code health} (and none failed): they answer
   * now, checked directly. A dependency reported down by another service's check is not in it: that
   * report is the caller's view, through its own pool or client.
   */
  static Set<String> answering(List<HealthResult> health, Set<String> components) {
    Set<String> passed = new TreeSet<>();
    Set<String> failed = new TreeSet<>();
    for (HealthResult r : health) {
      for (String c : named(r.target().service(), components)) {
        (r.healthy() ? passed : failed).add(c);
      }
    }
    passed.removeAll(failed);
    return passed;
  }

  /**
   * The components {@code name} names: the one it is, else those it names, else the name itself.
   */
  private static List<String> named(String name, Set<String> components) {
    if (components.contains(name)) {
      return List.of(name); // a service's id is its name (its database may share the name)
    }
    List<String> out = new ArrayList<>();
    for (String c : components) {
      if (ComponentIds.known(c).matches(name)) {
        out.add(c);
      }
    }
    return out.isEmpty() ? List.of(name) : out;
  }

  /**
   * Priors (triage-methods §5.2d): × 5 for a change in the last 30 minutes, × 10 for a failing
   * health signal, once per component however many checks say so (every caller of a service that is
   * down reports it); and × 10 for a host on which two or more services cannot be reached and none
   * answers. A failing check is evidence for what the check depends on, not only for its owner:
   *
   * <ul>
   *   <li>refused, or hanging while every part of it hangs too: the owner (nothing answers);
   *   <li>answering (itself or one of its parts) but finding a part down or hanging: what that part
   *       covers (Spring's {@code db} → the databases the service calls), not the owner;
   *   <li>hanging with no parts known (Spring hides them by default): the owner and everything it
   *       calls alike — the probes and traces decide between them.
   * </ul>
   *
   * A component in {@code answering} (its own check passes now) is not raised by another's report
   * of it down. {@code hostOf} gives a service's host component, or null; {@code datastoresOf} the
   * databases, caches and queues a service calls.
   */
  static Map<String, Prior> priors(
      List<HealthResult> health,
      Set<String> answering,
      List<Change> changes,
      Set<String> components,
      Function<String, String> hostOf,
      Function<String, Map<String, NodeKind>> datastoresOf) {
    Map<String, Prior> out = new LinkedHashMap<>();
    for (Change c : changes) {
      if (c.previous() == null) {
        continue; // first seen: a service joining is not a change to it
      }
      String what =
          String.format(
              Locale.ROOT,
              "%s changed %s from %s to %s at %s UTC.",
              c.service(),
              c.attribute(),
              c.previous(),
              c.value(),
              HHMMSS.format(Instant.ofEpochSecond(0, c.timeUnixNano())));
      out.merge(c.service(), Prior.NONE.change(5, what), (a, b) -> a.change(1, what));
    }
    Map<String, List<String>> unhealthy = new LinkedHashMap<>();
    Map<String, Set<String>> failingOnHost = new TreeMap<>();
    Set<String> hostsAnswering = new HashSet<>();
    for (HealthResult r : health) {
      String service = r.target().service();
      List<String> owners = named(service, components);
      if (r.answered()) {
        for (String c : owners) {
          String host = hostOf.apply(c);
          if (host != null) {
            hostsAnswering.add(host);
          }
        }
      }
      Map<String, NodeKind> datastores = datastoresOf.apply(service);
      boolean partsExplain = false;
      for (FailingPart part : failingParts(r, owners, answering, components, datastores)) {
        partsExplain = true;
        HealthResult.Dependency d = part.part();
        String c = part.component();
        unhealthy
            .computeIfAbsent(c, k -> new ArrayList<>())
            .add(
                service
                    + "'s health check reports "
                    + d.name()
                    + (d.name().equals(c) || ComponentIds.known(c).matches(d.name())
                        ? ""
                        : " (" + c + ")")
                    + (d.detail() != null && d.detail().startsWith("no answer")
                        ? " hanging (" + d.detail() + ")"
                        : " down")
                    + (r.error() != null ? " while " + service + " answers" : "")
                    + ".");
      }
      if (r.healthy()) {
        continue;
      }
      String failed =
          "The health check of " + service + " fails" + (r.error() == null ? "" : ": " + r.error());
      List<String> raised = new ArrayList<>();
      String why;
      if (r.answered()) {
        if (partsExplain) {
          continue; // it answers; what it found down is raised above
        }
        raised.addAll(owners);
        why = failed + ".";
      } else if (r.refused() || !r.dependencies().isEmpty()) {
        raised.addAll(owners);
        why =
            failed
                + (r.refused()
                    ? " (nothing answers)."
                    : "; every part of it hangs too, so " + service + " itself does not answer.");
      } else {
        raised.addAll(owners);
        List<String> behind = new ArrayList<>(datastores.keySet());
        raised.addAll(behind);
        why =
            failed
                + (behind.isEmpty()
                    ? "."
                    : "; it may be waiting on what "
                        + service
                        + " depends on ("
                        + String.join(", ", behind)
                        + "), so each of them is as suspect as "
                        + service
                        + " (show the check's components to tell them apart).");
      }
      for (String c : raised) {
        unhealthy.computeIfAbsent(c, k -> new ArrayList<>()).add(why);
      }
      if (!r.answered()) {
        for (String c : owners) {
          String host = hostOf.apply(c);
          if (host != null) {
            failingOnHost.computeIfAbsent(host, k -> new TreeSet<>()).add(service);
          }
        }
      }
    }
    failingOnHost.forEach(
        (host, services) -> {
          // A host is down when nothing on it answers: two hung services beside others that
          // answer are two services (a frozen one, and a caller whose threads wait on it).
          if (services.size() >= 2 && !hostsAnswering.contains(host)) {
            unhealthy
                .computeIfAbsent(host, k -> new ArrayList<>())
                .add(
                    "The health checks of "
                        + String.join(" and ", services)
                        + ", all on "
                        + ComponentIds.known(host).name()
                        + ", fail.");
          }
        });
    unhealthy.forEach(
        (c, reasons) -> {
          String why =
              reasons.size() <= 3
                  ? String.join(" ", reasons)
                  : String.join(" ", reasons.subList(0, 3))
                      + " ("
                      + (reasons.size() - 3)
                      + " more checks say so.)";
          out.merge(c, Prior.NONE.times(10, why), (a, b) -> a.times(10, why));
        });
    return out;
  }

  /** A part of an answering health check that is down or hanging, and a component it covers. */
  record FailingPart(HealthResult.Dependency part, String component) {}

  /**
   * The parts of {@code r} found down or hanging while the check answered, each with a component it
   * covers that is not the check's owner and does not answer its own check now (that report is the
   * owner's view, through its pool or client: a leaked pool reports its database down). A check
   * that did not answer says nothing of its parts.
   */
  static List<FailingPart> failingParts(
      HealthResult r,
      List<String> owners,
      Set<String> answering,
      Set<String> components,
      Map<String, NodeKind> datastores) {
    List<FailingPart> out = new ArrayList<>();
    if (!r.answered()) {
      return out;
    }
    for (HealthResult.Dependency d : r.dependencies()) {
      if (d.healthy()) {
        continue;
      }
      for (String c : covered(d.name(), owners, components, datastores)) {
        // A part of its own (disk space, liveness) is the owner's verdict, not another's.
        if (!owners.contains(c) && !answering.contains(c)) {
          out.add(new FailingPart(d, c));
        }
      }
    }
    return out;
  }

  /**
   * The services whose health check answers now but finds a part down or hanging → what those parts
   * cover ({@link #failingParts}): they are alive and waiting on it.
   */
  static Map<String, Set<String>> waiting(
      List<HealthResult> health,
      Set<String> answering,
      Set<String> components,
      Function<String, Map<String, NodeKind>> datastoresOf) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (HealthResult r : health) {
      String service = r.target().service();
      List<String> owners = named(service, components);
      for (FailingPart p :
          failingParts(r, owners, answering, components, datastoresOf.apply(service))) {
        for (String owner : owners) {
          out.computeIfAbsent(owner, k -> new TreeSet<>()).add(p.component());
        }
      }
    }
    return out;
  }

  /** Parts of a check that are its owner's own: the process, its disk, its lifecycle state. */
  private static final Set<String> OWN_PARTS =
      Set.of(
          "ping",
          "diskspace",
          "livenessstate",
          "readinessstate",
          "ssl",
          "refreshscope",
          "discoverycomposite",
          "self",
          "workload");

  /**
   * The components a failing part of a health check covers: its owners for the owner's own parts;
   * for Spring's {@code db} (or {@code dataSource}), every database the service calls; for a part
   * named after a system ({@code redis}, {@code mongo}, {@code kafka}), the datastores of that
   * system it calls; otherwise the components the name names ({@code payments-db}); else the
   * owners.
   */
  static Set<String> covered(
      String part, List<String> owners, Set<String> components, Map<String, NodeKind> datastores) {
    String n = part.toLowerCase(Locale.ROOT);
    Set<String> out = new TreeSet<>();
    if (OWN_PARTS.contains(n)) {
      out.addAll(owners);
      return out;
    }
    if (n.equals("db") || n.equals("datasource") || n.equals("r2dbc") || n.equals("jdbc")) {
      datastores.forEach(
          (id, kind) -> {
            if (kind == NodeKind.DATABASE) {
              out.add(id);
            }
          });
    } else {
      datastores.forEach(
          (id, kind) -> {
            String system = system(id);
            if (system != null && (n.startsWith(system) || system.startsWith(n))) {
              out.add(id);
            }
          });
    }
    if (out.isEmpty()) {
      for (String c : components) {
        if (ComponentIds.known(c).matches(part)) {
          out.add(c);
        }
      }
    }
    if (out.isEmpty()) {
      out.add(part); // not a component Sextant has seen: reported under the name it was given
    }
    return out;
  }

  /** {@code postgresql} of {@code shop (postgresql @ 127.0.0.1:5432)}; null when none. */
  private static String system(String id) {
    String system = ComponentIds.known(id).system();
    return system == null ? null : system.toLowerCase(Locale.ROOT);
  }
}
