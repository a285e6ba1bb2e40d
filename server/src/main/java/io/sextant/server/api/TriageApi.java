package io.sextant.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.sextant.server.SextantServer;
import io.sextant.server.api.answer.Answers;
import io.sextant.server.api.answer.TriageAnswers;
import io.sextant.triage.Audit;
import io.sextant.triage.Triage;
import io.sextant.triage.TriageReport;
import io.sextant.triage.probe.Probe;
import java.time.Duration;
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
    Record handle(Triage t, JsonNode body) throws Exception;
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
      return Answers.error(HttpStatus.METHOD_NOT_ALLOWED, "use " + method);
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
                    Record out = handler.handle(t, body);
                    return Answers.response(HttpStatus.OK, out);
                  } catch (Refused e) {
                    return Answers.error(e.status, e.getMessage());
                  } catch (Exception e) {
                    return Answers.error(HttpStatus.INTERNAL_SERVER_ERROR, "triage failed: " + e);
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

  private TriageAnswers.Probes probes(Triage t, JsonNode body) {
    Map<String, Map<String, Double>> footprints = t.footprints().footprints();
    List<TriageAnswers.ProbeView> out = new ArrayList<>();
    for (Probe p : t.suite().probes()) {
      out.add(
          TriageAnswers.ProbeView.of(
              p,
              t.latest().get(p.name()),
              t.footprints(),
              footprints.getOrDefault(p.name(), Map.of())));
    }
    return new TriageAnswers.Probes(out);
  }

  /** The footprints of the entry operations production used in the last 15 minutes. */
  private TriageAnswers.Entries entries(Triage t, JsonNode body) throws Exception {
    return TriageAnswers.Entries.of(t.entryFootprints(Duration.ofMinutes(15)));
  }

  private TriageAnswers.Runs run(Triage t, JsonNode body) throws Refused {
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
    return new TriageAnswers.Runs(
        t.runProbes(probes, repeats).stream().map(TriageAnswers.Run::of).toList());
  }

  private TriageAnswers.AuditAnswer audit(Triage t, JsonNode body) throws Exception {
    Audit a = t.audit();
    List<TriageAnswers.AuditProbe> every = new ArrayList<>();
    for (Audit.ProbeEntry p : a.every()) {
      Probe probe = t.suite().get(p.name());
      every.add(
          new TriageAnswers.AuditProbe(
              p.name(),
              p.inSuite(),
              probe == null || probe.readOnly(),
              p.learnedTraces(),
              t.footprints().rolledBack(p.name()),
              TriageAnswers.rounded(p.footprint())));
    }
    return new TriageAnswers.AuditAnswer(
        a.probes(),
        a.components(),
        a.unreached(),
        a.reachedOnce(),
        a.indistinguishable().stream().map(TriageAnswers.Group::of).toList(),
        a.learnedTraces(),
        every,
        a.outsideSuite(),
        Audit.writeWarnings(t.suite().probes(), t.footprints()));
  }

  /** Reads the probes file again; 400 with the loader's sentence when it does not load. */
  private TriageAnswers.Reload reload(Triage t, JsonNode body) throws Exception {
    SextantServer.Reload r;
    try {
      r = exclusively(reloader::reload);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new Refused(HttpStatus.BAD_REQUEST, e.getMessage()); // the running suite stays
    }
    return new TriageAnswers.Reload(r.probes(), r.unchanged(), r.changed(), r.removed());
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

  private TriageAnswers.Report triage(Triage t, JsonNode body) throws Exception {
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
      return TriageAnswers.Report.of(t.triage(repeats, adaptive));
    } finally {
      oneAtATime.release();
    }
  }
}
