package io.sextant.server.slo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.sextant.query.DurationText;
import io.sextant.server.api.answer.Answers;
import io.sextant.server.api.answer.SloAnswers;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
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
        return Answers.error(
            HttpStatus.METHOD_NOT_ALLOWED, "use GET; edit one SLO at /api/v1/slos/{name}");
      }
      SloEvaluator e = evaluator.get();
      if (e == null) {
        return notConfigured();
      }
      AlertNotifier n = notifier.get();
      return ok(SloAnswers.SloList.of(e, file.get(), n == null ? List.of() : n.history()));
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
        return Answers.error(HttpStatus.METHOD_NOT_ALLOWED, "use GET, PUT or DELETE");
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
      return Answers.error(HttpStatus.BAD_REQUEST, ex.getMessage());
    }
    int minutes = (int) Math.min(Integer.MAX_VALUE, Math.max(1, last.toMinutes()));
    SloEvaluator.Series s = e.series(name, minutes);
    if (s == null) {
      return Answers.error(HttpStatus.NOT_FOUND, "no SLO is named " + name);
    }
    return ok(SloAnswers.SeriesAnswer.of(s));
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
      return Answers.error(HttpStatus.BAD_REQUEST, ex.getMessage());
    }
    SloFile f = file.get();
    try {
      if (f != null) {
        f.put(slo);
      }
    } catch (IOException | IllegalArgumentException ex) {
      return Answers.error(
          HttpStatus.INTERNAL_SERVER_ERROR,
          "the SLO was not saved: cannot write " + f.path() + ": " + ex.getMessage());
    }
    e.put(slo);
    return ok(SloAnswers.Saved.of(slo, f));
  }

  private synchronized HttpResponse delete(String name) {
    SloEvaluator e = evaluator.get();
    if (e == null) {
      return notConfigured();
    }
    if (e.config().slos().stream().noneMatch(s -> s.name().equals(name))) {
      return Answers.error(HttpStatus.NOT_FOUND, "no SLO is named " + name);
    }
    SloFile f = file.get();
    try {
      if (f != null) {
        f.remove(name);
      }
    } catch (IllegalArgumentException ex) {
      return Answers.error(HttpStatus.CONFLICT, "the SLO was not removed: " + ex.getMessage());
    } catch (IOException ex) {
      return Answers.error(
          HttpStatus.INTERNAL_SERVER_ERROR,
          "the SLO was not removed: cannot write " + f.path() + ": " + ex.getMessage());
    }
    e.remove(name);
    return ok(SloAnswers.Removed.of(name, f));
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

  private static HttpResponse notConfigured() {
    return Answers.error(
        HttpStatus.NOT_FOUND, "no SLOs are configured; start the server with --slos slos.yaml");
  }

  private static HttpResponse ok(Record answer) {
    return Answers.response(HttpStatus.OK, answer);
  }
}
