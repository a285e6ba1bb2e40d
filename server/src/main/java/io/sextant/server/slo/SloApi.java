package io.sextant.server.slo;

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
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.sextant.query.DurationText;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The SLOs on :7070 (docs/api.md): {@code GET /api/v1/slos} (every SLO's burn rates, budget left
 * and alerts, and recent alerts), {@code GET /api/v1/slos/{name}?last=6h} (one SLO minute by
 * minute, for the burn-rate chart), {@code PUT} and {@code DELETE /api/v1/slos/{name}} (edits,
 * admin scope: {@code ApiGuard}). An edit is written to the {@code --slos} file when there is one,
 * else kept in memory until the server stops.
 */
public final class SloApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY = 64 * 1024;
  private static final Duration DEFAULT_LAST = Duration.ofHours(6);

  private final Supplier<SloEvaluator> evaluator;
  private final Supplier<AlertNotifier> notifier;
  private final Supplier<SloFile> file;
  private final Executor blocking;

  /**
   * @param file where edits are written, or a supplier of null when they are kept in memory
   */
  public SloApi(
      Supplier<SloEvaluator> evaluator,
      Supplier<AlertNotifier> notifier,
      Supplier<SloFile> file,
      Executor blocking) {
    this.evaluator = evaluator;
    this.notifier = notifier;
    this.file = file;
    this.blocking = blocking;
  }

  /** {@code /api/v1/slos}. */
  public HttpService list() {
    return (ctx, req) -> {
      if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
        return error(HttpStatus.METHOD_NOT_ALLOWED, "use GET; edit one SLO at /api/v1/slos/{name}");
      }
      SloEvaluator e = evaluator.get();
      if (e == null) {
        return notConfigured();
      }
      ObjectNode out = JSON.createObjectNode();
      out.put("minute_seconds", e.minute().toNanos() / 1e9);
      SloFile f = file.get();
      if (f == null) {
        out.putNull("file");
      } else {
        out.put("file", f.path().toString());
      }
      ArrayNode slos = out.putArray("slos");
      for (SloEvaluator.Status s : e.statuses()) {
        ObjectNode o = slos.addObject();
        describe(o, s.slo());
        ObjectNode burn = o.putObject("burn_rates");
        for (int i = 0; i < SloEvaluator.WINDOWS.length; i++) {
          burn.put(SloEvaluator.WINDOW_NAMES[i], s.burnRates()[i]);
        }
        o.put("error_budget_remaining", s.budgetRemaining());
        o.put("paging", s.paging());
        o.put("ticketing", s.ticketing());
        if (s.error() != null) {
          o.put("error", s.error());
        }
      }
      ArrayNode alerts = out.putArray("alerts");
      AlertNotifier n = notifier.get();
      if (n != null) {
        n.history().forEach(alerts::add);
      }
      return ok(out);
    };
  }

  /** {@code /api/v1/slos/{name}}. */
  public HttpService one() {
    return (ctx, req) -> {
      String name = ctx.pathParam("name");
      if (req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD) {
        return series(ctx, name);
      }
      if (req.method() != HttpMethod.PUT && req.method() != HttpMethod.DELETE) {
        return error(HttpStatus.METHOD_NOT_ALLOWED, "use GET, PUT or DELETE");
      }
      return HttpResponse.of(
          req.aggregate()
              .thenApplyAsync(
                  agg -> req.method() == HttpMethod.PUT ? put(name, agg) : delete(name), blocking));
    };
  }

  private HttpResponse series(ServiceRequestContext ctx, String name) {
    SloEvaluator e = evaluator.get();
    if (e == null) {
      return notConfigured();
    }
    Duration last;
    try {
      String given = ctx.queryParam("last");
      last = given == null ? DEFAULT_LAST : DurationText.duration(given, "last");
    } catch (IllegalArgumentException ex) {
      return error(HttpStatus.BAD_REQUEST, ex.getMessage());
    }
    int minutes = (int) Math.min(Integer.MAX_VALUE, Math.max(1, last.toMinutes()));
    SloEvaluator.Series s = e.series(name, minutes);
    if (s == null) {
      return error(HttpStatus.NOT_FOUND, "no SLO is named " + name);
    }
    ObjectNode out = JSON.createObjectNode();
    describe(out, s.slo());
    ObjectNode series = out.putObject("series");
    series.put("from", s.fromUnixNano());
    series.put("step", s.stepNanos());
    series.put("buckets", s.valid().length);
    ArrayNode valid = series.putArray("valid");
    ArrayNode good = series.putArray("good");
    for (int i = 0; i < s.valid().length; i++) {
      valid.add(s.valid()[i]);
      good.add(s.good()[i]);
    }
    ObjectNode burn = series.putObject("burn_rates");
    for (int w = 0; w < SloEvaluator.WINDOWS.length; w++) {
      ArrayNode a = burn.putArray(SloEvaluator.WINDOW_NAMES[w]);
      for (double v : s.burnRates()[w]) {
        a.add(Math.round(v * 1000) / 1000.0);
      }
    }
    return ok(out);
  }

  /** One edit at a time: the file and the evaluator change together. */
  private synchronized HttpResponse put(String name, AggregatedHttpRequest agg) {
    SloEvaluator e = evaluator.get();
    if (e == null) {
      return notConfigured();
    }
    Slo slo;
    try {
      slo = parse(name, agg);
    } catch (IllegalArgumentException ex) {
      return error(HttpStatus.BAD_REQUEST, ex.getMessage());
    }
    SloFile f = file.get();
    try {
      if (f != null) {
        f.put(slo);
      }
    } catch (IOException | IllegalArgumentException ex) {
      return error(
          HttpStatus.INTERNAL_SERVER_ERROR,
          "the SLO was not saved: cannot write " + f.path() + ": " + ex.getMessage());
    }
    e.put(slo);
    ObjectNode out = JSON.createObjectNode();
    describe(out.putObject("slo"), slo);
    saved(out, f);
    return ok(out);
  }

  private synchronized HttpResponse delete(String name) {
    SloEvaluator e = evaluator.get();
    if (e == null) {
      return notConfigured();
    }
    if (e.config().slos().stream().noneMatch(s -> s.name().equals(name))) {
      return error(HttpStatus.NOT_FOUND, "no SLO is named " + name);
    }
    SloFile f = file.get();
    try {
      if (f != null) {
        f.remove(name);
      }
    } catch (IllegalArgumentException ex) {
      return error(HttpStatus.CONFLICT, "the SLO was not removed: " + ex.getMessage());
    } catch (IOException ex) {
      return error(
          HttpStatus.INTERNAL_SERVER_ERROR,
          "the SLO was not removed: cannot write " + f.path() + ": " + ex.getMessage());
    }
    e.remove(name);
    ObjectNode out = JSON.createObjectNode();
    out.put("removed", name);
    saved(out, f);
    return ok(out);
  }

  private static void saved(ObjectNode out, SloFile f) {
    if (f == null) {
      out.putNull("file");
      out.put(
          "note",
          "kept in memory until the server stops: it was started without a --slos file to write");
    } else {
      out.put("file", f.path().toString());
    }
  }

  /**
   * The SLO a PUT body describes: {@code valid}, {@code good}, {@code objective} (percent or
   * fraction, as in the file), optional {@code description} and {@code window} (default 28d).
   */
  static Slo parse(String name, AggregatedHttpRequest agg) {
    if (agg.content().length() > MAX_BODY) {
      throw new IllegalArgumentException("the body is over 64 KiB");
    }
    JsonNode body;
    try {
      body = JSON.readTree(agg.contentUtf8());
    } catch (JsonProcessingException ex) {
      throw new IllegalArgumentException("the body is not JSON: " + ex.getOriginalMessage(), ex);
    }
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException(
          "send a JSON object: {\"valid\": \"…\", \"good\": \"…\", \"objective\": 99.5}");
    }
    JsonNode named = body.get("name");
    if (named != null && !named.isNull() && !named.asText().equals(name)) {
      throw new IllegalArgumentException(
          "the body names "
              + named.asText()
              + " but the path "
              + name
              + "; rename by DELETE and PUT");
    }
    JsonNode objective = body.path("objective");
    if (!objective.isNumber() && !objective.isTextual()) {
      throw new IllegalArgumentException("'objective' is missing, e.g. \"objective\": 99.5");
    }
    return Slo.of(
        name,
        body.path("description").asText(""),
        text(body, "valid"),
        text(body, "good"),
        SloConfig.fraction(objective.asText()),
        DurationText.duration(body.path("window").asText("28d"), "window"));
  }

  private static String text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static void describe(ObjectNode o, Slo slo) {
    o.put("name", slo.name());
    o.put("description", slo.description());
    o.put("valid", slo.valid());
    o.put("good", slo.good());
    o.put("objective", slo.objective());
    o.put("window", DurationText.format(slo.window().toNanos()));
    o.put("window_days", slo.window().toDays());
  }

  private static HttpResponse notConfigured() {
    return error(
        HttpStatus.NOT_FOUND, "no SLOs are configured; start the server with --slos slos.yaml");
  }

  private static HttpResponse ok(ObjectNode out) {
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, out.toString());
  }

  private static HttpResponse error(HttpStatus status, String message) {
    ObjectNode o = JSON.createObjectNode();
    o.put("error", message);
    return HttpResponse.of(status, MediaType.JSON_UTF_8, o.toString());
  }
}
