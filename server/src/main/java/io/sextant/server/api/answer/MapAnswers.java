package io.sextant.server.api.answer;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.sextant.query.Result;
import io.sextant.server.api.answer.Answers.Component;
import io.sextant.topology.Change;
import io.sextant.topology.DependencyMap;
import io.sextant.topology.Edge;
import io.sextant.topology.Node;
import io.sextant.topology.Red;
import io.sextant.topology.declared.DeclaredComparison;
import io.sextant.topology.health.HealthOverlay;
import io.sextant.topology.health.HealthResult;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The answers of the dependency map routes (docs/api.md, "Dependency map"). */
public final class MapAnswers {
  private MapAnswers() {}

  /**
   * {@code GET /api/v1/map}; {@code missing} only when dependencies are declared. A map can hold
   * thousands of nodes and edges: one record each, written once.
   */
  public record MapAnswer(
      long from,
      long to,
      long buildMs,
      List<MapNode> nodes,
      List<MapEdge> edges,
      @JsonInclude(JsonInclude.Include.NON_NULL) List<Missing> missing) {

    /**
     * @param vs the map against the declared dependencies; {@code declared} whether any are
     */
    public static MapAnswer of(
        DependencyMap m, HealthOverlay.Marks marks, DeclaredComparison vs, boolean declared) {
      return new MapAnswer(
          m.range().fromUnixNano(),
          m.range().toUnixNano(),
          m.buildMillis(),
          m.nodes().stream().map(n -> MapNode.of(n, marks.nodes().get(n.id()))).toList(),
          m.edges().stream()
              .map(
                  e -> {
                    List<String> key = List.of(e.from(), e.to());
                    return MapEdge.of(e, marks.edges().get(key), vs.edges().get(key));
                  })
              .toList(),
          declared
              ? vs.missing().stream().map(x -> new Missing(x.from(), x.callee())).toList()
              : null);
    }
  }

  /**
   * A node: the component, whether it sends spans itself, the attributes that identified it (none
   * for an instrumented service), its figures, and {@code health} where a health check speaks.
   */
  public record MapNode(
      @JsonUnwrapped Component component,
      boolean instrumented,
      @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, String> attributes,
      @JsonUnwrapped Figures figures,
      @JsonInclude(JsonInclude.Include.NON_NULL) String health) {

    static MapNode of(Node n, Boolean healthy) {
      return new MapNode(
          Component.of(n.component()),
          n.instrumented(),
          n.attributes().isEmpty() ? null : new TreeMap<>(n.attributes()),
          Figures.of(n.red()),
          mark(healthy));
    }
  }

  /**
   * An edge: its figures, {@code health} where a health check speaks, and {@code declared} where
   * its caller declares its dependencies.
   */
  public record MapEdge(
      String from,
      String to,
      @JsonUnwrapped Figures figures,
      @JsonInclude(JsonInclude.Include.NON_NULL) String health,
      @JsonInclude(JsonInclude.Include.NON_NULL) String declared) {

    static MapEdge of(Edge e, Boolean healthy, String declared) {
      return new MapEdge(e.from(), e.to(), Figures.of(e.red()), mark(healthy), declared);
    }
  }

  /** The calls into a node or along an edge: rate, errors and duration, to three decimals. */
  public record Figures(
      long calls, double rate, long errors, double errorPct, double p50Ms, double p99Ms) {

    static Figures of(Red r) {
      return new Figures(
          r.calls(),
          Answers.round(r.perSecond(), 3),
          r.errors(),
          Answers.round(r.errorPercent(), 3),
          Answers.round(r.p50Nanos() / 1e6, 3),
          Answers.round(r.p99Nanos() / 1e6, 3));
    }
  }

  /** A declared callee with no edge in the window. */
  public record Missing(String from, String callee) {}

  /** {@code "ok"} or {@code "failing"} where a health check says, null otherwise. */
  private static String mark(Boolean healthy) {
    return healthy == null ? null : healthy ? "ok" : "failing";
  }

  /** {@code GET /api/v1/red}: two query answers ({@link ResultJson}). */
  public record RedAnswer(String service, Result requests, Result errors) {}

  /** {@code GET /api/v1/changes}. */
  public record Changes(List<ChangeView> changes) {

    public static Changes of(List<Change> changes) {
      return new Changes(
          changes.stream()
              .map(
                  c ->
                      new ChangeView(
                          c.timeUnixNano(), c.service(), c.attribute(), c.value(), c.previous()))
              .toList());
    }
  }

  /** A new value of a service's identifying attribute; {@code previous} absent for a new one. */
  public record ChangeView(
      long time,
      String service,
      String attribute,
      String value,
      @JsonInclude(JsonInclude.Include.NON_NULL) String previous) {}

  /** {@code GET /api/v1/health}: the latest poll of every health target. */
  public record HealthAnswer(List<Poll> targets) {

    public static HealthAnswer of(List<HealthResult> latest) {
      return new HealthAnswer(latest.stream().map(Poll::of).toList());
    }
  }

  /** One poll: {@code error} only when it failed. */
  public record Poll(
      String service,
      String url,
      long time,
      boolean healthy,
      long durationMs,
      @JsonInclude(JsonInclude.Include.NON_NULL) String error,
      List<Dependency> dependencies) {

    static Poll of(HealthResult r) {
      return new Poll(
          r.target().service(),
          r.target().url().toString(),
          r.timeUnixNano(),
          r.healthy(),
          r.millis(),
          r.error(),
          r.dependencies().stream()
              .map(d -> new Dependency(d.name(), d.healthy(), d.detail()))
              .toList());
    }
  }

  /** A dependency as the polled service reported it; {@code detail} when it gave one. */
  public record Dependency(
      String name, boolean healthy, @JsonInclude(JsonInclude.Include.NON_NULL) String detail) {}
}
