package io.sextant.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.sextant.server.SextantServer;
import io.sextant.topology.ComponentIds;
import io.sextant.triage.Audit;
import io.sextant.triage.Triage;
import io.sextant.triage.TriageReport;
import io.sextant.triage.probe.Probe;
import io.sextant.triage.probe.ProbeRun;
import io.sextant.triage.rank.Ranking;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Probes and triage on :7070 (docs/api.md): {@code GET /api/v1/probes}, {@code POST
 * /api/v1/probes/run}, {@code POST /api/v1/probes/reload}, {@code GET /api/v1/probes/audit} and
 * {@code POST /api/v1/triage}.
 */
public final class TriageApi {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final int MAX_BODY = 64 * 1024;

  private final Supplier<Triage> triage;
  private final Reloader reloader;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final Semaphore oneAtATime = new Semaphore(1);

  /** Reads the probes file again (see {@code SextantServer.reloadProbes}). */
  @FunctionalInterface
  public interface Reloader {
    SextantServer.Reload reload() throws Exception;
  }

  public TriageApi(Supplier<Triage> triage, Reloader reloader) {
    this.triage = triage;
    this.reloader = reloader;
  }

  /**
   * Held (shared) by every request that uses the running triage, and (exclusively) while the probe
   * suite is swapped: a reload waits for the triages and probe runs under way, which finish with
   * the suite they started with.
   */
  private final ReentrantReadWriteLock inUse = new ReentrantReadWriteLock(true);

  /**
   * Runs {@code work} while no request uses the running triage (a triage or a probe run under way
   * holds the suite it started with); waits up to 30 s for them to end, else 409.
   */
  public <T> T exclusively(Callable<T> work) throws Exception {
    if (!inUse.writeLock().tryLock(30, TimeUnit.SECONDS)) {
      throw new Refused(
          HttpStatus.CONFLICT, "a triage or a probe run is under way; try again shortly");
    }
    try {
      return work.call();
    } finally {
      inUse.writeLock().unlock();
    }
  }

  public void bind(ServerBuilder sb, int port) {
    sb.virtualHost(port)
        .service("/api/v1/probes", (ctx, req) -> serve(ctx, req, HttpMethod.GET, this::probes))
        .service("/api/v1/probes/run", (ctx, req) -> serve(ctx, req, HttpMethod.POST, this::run))
        .service(
            "/api/v1/probes/reload",
            (ctx, req) -> serve(ctx, req, HttpMethod.POST, this::reload, false))
        .service("/api/v1/probes/audit", (ctx, req) -> serve(ctx, req, HttpMethod.GET, this::audit))
        .service(
            "/api/v1/probes/entries", (ctx, req) -> serve(ctx, req, HttpMethod.GET, this::entries))
        .service("/api/v1/triage", (ctx, req) -> serve(ctx, req, HttpMethod.POST, this::triage));
  }

  /** A request refused with a status and one sentence. */
  public static final class Refused extends Exception {
    final HttpStatus status;

    Refused(HttpStatus status, String message) {
      super(message);
      this.status = status;
    }
  }

  private interface Handler {
    JsonNode handle(Triage t, JsonNode body) throws Exception;
  }

  private HttpResponse serve(
      ServiceRequestContext ctx,
      com.linecorp.armeria.common.HttpRequest req,
      HttpMethod method,
      Handler handler) {
    return serve(ctx, req, method, handler, true);
  }

  /**
   * @param shared whether the handler holds the running triage (shared with other requests) while
   *     it works; the reload takes it exclusively itself
   */
  private HttpResponse serve(
      ServiceRequestContext ctx,
      com.linecorp.armeria.common.HttpRequest req,
      HttpMethod method,
      Handler handler,
      boolean shared) {
    if (req.method() != method) {
      return ApiService.error(HttpStatus.METHOD_NOT_ALLOWED, "use " + method);
    }
    ctx.setRequestTimeout(TIMEOUT);
    CompletableFuture<HttpResponse> answer =
        req.aggregate()
            .thenApplyAsync(
                (AggregatedHttpRequest agg) -> {
                  if (shared) {
                    inUse.readLock().lock();
                  }
                  try {
                    Triage t = triage.get();
                    if (t == null) {
                      throw new Refused(
                          HttpStatus.NOT_FOUND,
                          "no probes are configured: start the server with --probes probes.yaml");
                    }
                    JsonNode body = body(agg);
                    JsonNode out = handler.handle(t, body);
                    return HttpResponse.of(
                        HttpStatus.OK, MediaType.JSON_UTF_8, JSON.writeValueAsBytes(out));
                  } catch (Refused e) {
                    return ApiService.error(e.status, e.getMessage());
                  } catch (Exception e) {
                    return ApiService.error(
                        HttpStatus.INTERNAL_SERVER_ERROR, "triage failed: " + e);
                  } finally {
                    if (shared) {
                      inUse.readLock().unlock();
                    }
                  }
                },
                executor);
    return HttpResponse.of(answer);
  }

  private static JsonNode body(AggregatedHttpRequest agg) throws Refused {
    if (agg.content().length() > MAX_BODY) {
      throw new Refused(HttpStatus.REQUEST_ENTITY_TOO_LARGE, "the body is over 64 KiB");
    }
    String text = agg.contentUtf8().strip();
    if (text.isEmpty()) {
      return JSON.createObjectNode();
    }
    try {
      JsonNode n = JSON.readTree(text);
      if (n == null || !n.isObject()) {
        throw new Refused(HttpStatus.BAD_REQUEST, "the body must be a JSON object");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new Refused(
          HttpStatus.BAD_REQUEST, "the body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private static int intField(JsonNode body, String name, int fallback, int min, int max)
      throws Refused {
    JsonNode v = body.get(name);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isInt() || v.asInt() < min || v.asInt() > max) {
      throw new Refused(
          HttpStatus.BAD_REQUEST, name + " must be a whole number from " + min + " to " + max);
    }
    return v.asInt();
  }

  // --- handlers ---------------------------------------------------------------------------

  private JsonNode probes(Triage t, JsonNode body) {
    ObjectNode out = JSON.createObjectNode();
    ArrayNode list = out.putArray("probes");
    Map<String, Map<String, Double>> footprints = t.footprints().footprints();
    for (Probe p : t.suite().probes()) {
      ObjectNode o = list.addObject();
      o.put("name", p.name());
      o.put("method", p.method());
      o.put("url", p.url().toString());
      o.put("read_only", p.readOnly());
      o.put("tracer_bullet", p.tracerBullet());
      o.put("suite", p.inSuite());
      if (p.every() == null) {
        o.putNull("every_seconds");
      } else {
        o.put("every_seconds", p.every().toSeconds());
      }
      o.put("timeout_ms", p.timeout().toMillis());
      ObjectNode c = o.putObject("contract");
      c.put("status", p.contract().status());
      c.put("max_latency_ms", p.contract().maxLatencyMillis());
      ArrayNode json = c.putArray("json");
      for (Probe.JsonAssertion a : p.contract().json()) {
        ObjectNode j = json.addObject().put("path", a.path()).put("op", a.op());
        if (a.value() != null) {
          j.put("value", a.value());
        }
      }
      ProbeRun latest = t.latest().get(p.name());
      if (latest == null) {
        o.putNull("latest");
      } else {
        run(o.putObject("latest"), latest);
      }
      o.put("flake_rate", t.footprints().flakeRate(p.name()));
      o.put("learned_traces", t.footprints().healthyTraces(p.name()));
      o.put("rolled_back_runs", t.footprints().rolledBack(p.name()));
      ObjectNode fp = o.putObject("footprint");
      footprints.getOrDefault(p.name(), Map.of()).forEach(fp::put);
    }
    return out;
  }

  /** The footprints of the entry operations production used in the last 15 minutes. */
  private JsonNode entries(Triage t, JsonNode body) throws Exception {
    ObjectNode out = JSON.createObjectNode();
    ObjectNode entries = out.putObject("entry_operations");
    t.entryFootprints(Duration.ofMinutes(15))
        .forEach(
            (op, f) -> {
              ObjectNode fp = entries.putObject(op);
              f.forEach((c, w) -> fp.put(c, Math.round(w * 100) / 100.0));
            });
    return out;
  }

  private static void run(ObjectNode o, ProbeRun r) {
    o.put("probe", r.probe());
    o.put("time", Instant.ofEpochSecond(0, r.startUnixNano()).toString());
    o.put("passed", r.passed());
    if (r.reason() == null) {
      o.putNull("reason");
    } else {
      o.put("reason", r.reason());
    }
    o.put("status", r.status());
    o.put("duration_ms", Math.round(r.durationMillis() * 10) / 10.0);
    o.put("trace_id", r.traceId());
  }

  private JsonNode run(Triage t, JsonNode body) throws Refused {
    int repeats = intField(body, "repeats", 1, 1, 10);
    List<Probe> probes = new ArrayList<>();
    JsonNode names = body.get("probes");
    if (names == null || names.isNull()) {
      probes.addAll(t.suite().probes());
    } else {
      if (!names.isArray()) {
        throw new Refused(HttpStatus.BAD_REQUEST, "probes must be a list of probe names");
      }
      for (JsonNode n : names) {
        Probe p = t.suite().get(n.asText());
        if (p == null) {
          throw new Refused(HttpStatus.BAD_REQUEST, "no probe named " + n.asText());
        }
        probes.add(p);
      }
    }
    ObjectNode out = JSON.createObjectNode();
    ArrayNode runs = out.putArray("runs");
    for (ProbeRun r : t.runProbes(probes, repeats)) {
      run(runs.addObject(), r);
    }
    return out;
  }

  private JsonNode audit(Triage t, JsonNode body) throws Exception {
    Audit a = t.audit();
    ObjectNode out = JSON.valueToTree(Map.of());
    out.set("probes", JSON.valueToTree(a.probes()));
    out.set("components", JSON.valueToTree(a.components()));
    out.set("unreached", JSON.valueToTree(a.unreached()));
    out.set("reached_by_one_probe", JSON.valueToTree(a.reachedOnce()));
    ArrayNode groups = out.putArray("indistinguishable");
    for (Audit.Group g : a.indistinguishable()) {
      ObjectNode o = groups.addObject();
      o.set("members", JSON.valueToTree(g.members()));
      o.set("probes", JSON.valueToTree(g.probes()));
      if (g.splitBy() == null) {
        o.putNull("split_by");
      } else {
        o.put("split_by", g.splitBy());
      }
    }
    out.set("learned_traces", JSON.valueToTree(a.learnedTraces()));
    ArrayNode every = out.putArray("all_probes");
    for (Audit.ProbeEntry p : a.every()) {
      Probe probe = t.suite().get(p.name());
      ObjectNode o = every.addObject();
      o.put("name", p.name());
      o.put("suite", p.inSuite());
      o.put("read_only", probe == null || probe.readOnly());
      o.put("learned_traces", p.learnedTraces());
      o.put("rolled_back_runs", t.footprints().rolledBack(p.name()));
      ObjectNode fp = o.putObject("footprint");
      p.footprint().forEach((c, w) -> fp.put(c, Math.round(w * 100) / 100.0));
    }
    out.set("reached_only_outside_suite", JSON.valueToTree(a.outsideSuite()));
    out.set("warnings", JSON.valueToTree(Audit.writeWarnings(t.suite().probes(), t.footprints())));
    return out;
  }

  /** Reads the probes file again; 400 with the loader's sentence when it does not load. */
  private JsonNode reload(Triage t, JsonNode body) throws Exception {
    SextantServer.Reload r;
    try {
      r = exclusively(reloader::reload);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new Refused(HttpStatus.BAD_REQUEST, e.getMessage()); // the running suite stays
    }
    ObjectNode out = JSON.createObjectNode();
    out.set("probes", JSON.valueToTree(r.probes()));
    out.set("unchanged", JSON.valueToTree(r.unchanged()));
    out.set("new_or_changed", JSON.valueToTree(r.changed()));
    out.set("removed", JSON.valueToTree(r.removed()));
    return out;
  }

  /**
   * Runs triage as {@code POST /api/v1/triage} does, for a caller inside the server (an SLO alert):
   * one triage at a time with the API's, and not while the probes are being swapped. Waits for the
   * one under way (at most a minute); null when no probes are configured.
   */
  public TriageReport triageNow(int repeats, boolean adaptive) throws Exception {
    inUse.readLock().lock();
    try {
      Triage t = triage.get();
      if (t == null) {
        return null;
      }
      if (!oneAtATime.tryAcquire(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("another triage has been running for a minute");
      }
      try {
        return t.triage(repeats, adaptive);
      } finally {
        oneAtATime.release();
      }
    } finally {
      inUse.readLock().unlock();
    }
  }

  private JsonNode triage(Triage t, JsonNode body) throws Exception {
    int repeats = intField(body, "repeats", 2, 1, 5);
    JsonNode a = body.get("adaptive");
    if (a != null && !a.isBoolean()) {
      throw new Refused(HttpStatus.BAD_REQUEST, "adaptive must be true or false");
    }
    boolean adaptive = a == null || a.asBoolean();
    if (!oneAtATime.tryAcquire(30, TimeUnit.SECONDS)) {
      throw new Refused(HttpStatus.CONFLICT, "another triage is running; try again shortly");
    }
    try {
      return report(t.triage(repeats, adaptive));
    } finally {
      oneAtATime.release();
    }
  }

  /** The report as JSON (the shape in docs/api.md). */
  public static ObjectNode report(TriageReport r) {
    Ranking k = r.ranking();
    ObjectNode o = JSON.createObjectNode();
    o.put("verdict", k.fault() ? "fault" : "no-fault");
    o.put("headline", k.headline());
    o.put("started", Instant.ofEpochSecond(0, r.startedUnixNano()).toString());
    o.put("millis", r.millis());
    o.put("analysis_millis", Math.round(k.analysisMillis() * 100) / 100.0);
    o.put("no_fault_probability", k.noFaultProbability());
    ArrayNode probes = o.putArray("probes");
    for (TriageReport.ProbeSummary p : r.probes()) {
      ObjectNode po = probes.addObject();
      po.put("name", p.name());
      po.put("runs", p.runs());
      po.put("failures", p.failures());
      po.put("passed", p.passed());
      po.set("reasons", JSON.valueToTree(p.reasons()));
      po.set("trace_ids", JSON.valueToTree(p.traceIds()));
      po.set("latency_ms", JSON.valueToTree(p.latencyMillis()));
      po.put("extra", p.extra());
      po.put("flake_rate", p.flakeRate());
    }
    ArrayNode suspects = o.putArray("suspects");
    for (Ranking.Suspect s : k.suspects()) {
      ObjectNode so = suspects.addObject();
      so.put("rank", s.rank());
      so.set("members", JSON.valueToTree(s.members()));
      ArrayNode components = so.putArray("components");
      s.members().forEach(m -> components.add(ComponentJson.of(m)));
      so.put("kind", ComponentIds.known(s.members().get(0)).kind().label());
      so.put("probability", s.probability());
      ObjectNode sc = so.putObject("scores");
      sc.put("probes", s.scores().probes());
      sc.put("error_origin", s.scores().errorOrigin());
      sc.put("latency", s.scores().latency());
      sc.put("traces", s.scores().traces());
      sc.put("prior", s.scores().prior());
      so.set("why", JSON.valueToTree(s.why()));
      if (s.splitBy() == null) {
        so.putNull("split_by");
      } else {
        so.put("split_by", s.splitBy());
      }
    }
    ObjectNode m = o.putObject("matrix");
    m.set("probes", JSON.valueToTree(k.matrix().probes()));
    m.set("components", JSON.valueToTree(k.matrix().components()));
    ArrayNode details = m.putArray("component_details");
    k.matrix().components().forEach(c -> details.add(ComponentJson.of(c)));
    ArrayNode touches = m.putArray("touches");
    for (double[] row : k.matrix().touches()) {
      ArrayNode r2 = touches.addArray();
      for (double v : row) {
        r2.add(Math.round(v * 100) / 100.0);
      }
    }
    ArrayNode failed = m.putArray("failed");
    for (boolean f : k.matrix().failed()) {
      failed.add(f);
    }
    ArrayNode origins = o.putArray("error_origins");
    for (Ranking.ErrorOrigin e : k.errorOrigins()) {
      origins
          .addObject()
          .put("component", e.component())
          .put("share", e.share())
          .put("traces", e.traces())
          .put("example", e.example())
          .put("trace_id", e.traceId());
    }
    ArrayNode lat = o.putArray("latency_shifts");
    for (Ranking.LatencyShift l : k.latencyShifts()) {
      lat.addObject()
          .put("component", l.component())
          .put("delta_ms", Math.round(l.deltaMillis() * 10) / 10.0)
          .put("z", Math.round(l.z() * 10) / 10.0);
    }
    o.set("explanation", JSON.valueToTree(k.explanation()));
    o.set("extra_probes", JSON.valueToTree(r.extraProbes()));
    o.set("notes", JSON.valueToTree(r.notes()));
    return o;
  }
}
