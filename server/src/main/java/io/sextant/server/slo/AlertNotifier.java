package io.sextant.server.slo;

import io.sextant.server.api.answer.Answers;
import io.sextant.server.api.answer.SloAnswers;
import io.sextant.server.api.answer.SloAnswers.AlertPayload;
import io.sextant.triage.TriageReport;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts alerts to the configured webhooks on one thread: a firing alert first runs triage (the
 * server's own entry point) and carries its first suspects; its resolve follows it. The evaluator
 * reports transitions only, so each firing and each resolve is posted once; the payload's {@code
 * id} is the same for both, for receivers that deduplicate themselves.
 *
 * <p>Pages go before tickets waiting to be sent (each alert's firing still before its resolve), and
 * alerts that fired before a triage started share its answer: in an incident several SLOs fire
 * together, and under load one triage takes tens of seconds, so a triage each queued the page
 * behind the tickets' (bench/README.md, "Time from the first bad minute to a page").
 */
public final class AlertNotifier implements SloEvaluator.AlertSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AlertNotifier.class);
  private static final int ATTEMPTS = 3;

  /** Runs triage now; null when no probes are configured. */
  public interface TriageRunner {
    TriageReport run() throws Exception;
  }

  private final SloConfig config;
  private final TriageRunner triage;
  private final HttpClient http;
  private final Clock clock;
  // Execute only (never submit): the queue orders the Delivery runnables themselves.
  private final ExecutorService worker =
      new ThreadPoolExecutor(
          1,
          1,
          0,
          TimeUnit.MILLISECONDS,
          new PriorityBlockingQueue<>(),
          r -> {
            Thread t = new Thread(r, "sextant-alerts");
            t.setDaemon(true);
            return t;
          });
  private final AtomicLong sequence = new AtomicLong();
  private final List<AlertPayload> history = new ArrayList<>();
  // The worker thread's own: the last triage and when it started.
  private TriageReport lastReport;
  private long lastReportStarted = Long.MIN_VALUE;

  public AlertNotifier(SloConfig config, TriageRunner triage) {
    this(config, triage, Clock.systemUTC());
  }

  /** {@code clock}: the evaluator's, which dates the alerts. */
  public AlertNotifier(SloConfig config, TriageRunner triage, Clock clock) {
    this.config = config;
    this.triage = triage;
    this.clock = clock;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @Override
  public void alert(Alert alert) {
    worker.execute(new Delivery(alert, sequence.getAndIncrement()));
  }

  /** One alert to send: pages first, then in the order they came. */
  private final class Delivery implements Runnable, Comparable<Delivery> {
    final Alert alert;
    final long seq;

    Delivery(Alert alert, long seq) {
      this.alert = alert;
      this.seq = seq;
    }

    @Override
    public void run() {
      deliver(alert);
    }

    @Override
    public int compareTo(Delivery o) {
      int bySeverity = alert.severity().compareTo(o.alert.severity()); // PAGE before TICKET
      return bySeverity != 0 ? bySeverity : Long.compare(seq, o.seq);
    }
  }

  /** The alerts sent so far, latest last (at most 200), as their webhooks received them. */
  public synchronized List<AlertPayload> history() {
    return List.copyOf(history);
  }

  private void deliver(Alert alert) {
    AlertPayload payload = payload(alert, alert.firing() ? triageFor(alert) : null);
    synchronized (this) {
      history.add(payload);
      if (history.size() > 200) {
        history.remove(0);
      }
    }
    log.info(
        "SLO alert {} {} {}",
        alert.slo().name(),
        alert.severity().label(),
        alert.firing() ? "firing" : "resolved");
    for (SloConfig.Webhook hook : config.webhooks()) {
      post(hook, hook.format() == SloConfig.Format.SLACK ? slack(payload) : Answers.bytes(payload));
    }
  }

  /** The last triage if it started after {@code alert} fired, else a new one. */
  private TriageReport triageFor(Alert alert) {
    if (lastReport != null && lastReportStarted >= alert.startedUnixNano()) {
      return lastReport;
    }
    long started = clock.millis() * 1_000_000L;
    try {
      TriageReport r = triage.run();
      if (r != null) {
        lastReport = r;
        lastReportStarted = started;
      }
      return r;
    } catch (Exception e) {
      log.warn("triage for an SLO alert failed: {}", e.toString());
      return null;
    }
  }

  private void post(SloConfig.Webhook hook, byte[] body) {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(hook.url())
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() < 300) {
          return;
        }
        log.warn("webhook {} answered {}", hook.url().getHost(), r.statusCode());
        if (r.statusCode() < 500 && r.statusCode() != 429) {
          return; // the receiver refuses this payload; sending it again will not help
        }
      } catch (IOException e) {
        log.warn("webhook {} unreachable: {}", hook.url().getHost(), e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      try {
        Thread.sleep(1000L * attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  AlertPayload payload(Alert a, TriageReport report) {
    Slo slo = a.slo();
    Map<String, Double> burn = new LinkedHashMap<>();
    for (int i = 0; i < SloEvaluator.WINDOWS.length; i++) {
      burn.put(SloEvaluator.WINDOW_NAMES[i], Answers.round(a.burnRates()[i], 3));
    }
    return new AlertPayload(
        a.id(),
        a.firing() ? "firing" : "resolved",
        slo.name(),
        slo.description(),
        a.severity().label(),
        slo.objective(),
        slo.window().toDays() + "d",
        slo.valid(),
        slo.good(),
        a.severity().threshold,
        List.of(a.severity().longWindow, a.severity().shortWindow),
        burn,
        Answers.round(a.budgetRemaining(), 3),
        instant(a.startedUnixNano()),
        a.firing() ? null : instant(a.resolvedUnixNano()),
        config.uiUrl() + "/explore?q=" + encode(question(slo)),
        summary(a),
        a.firing()
            ? Optional.ofNullable(report)
                .map(r -> SloAnswers.AlertTriage.of(r, config.uiUrl() + "/triage"))
            : null);
  }

  private static String summary(Alert a) {
    String verb = a.firing() ? "is burning" : "stopped burning";
    return "SLO "
        + a.slo().name()
        + " "
        + verb
        + " its error budget "
        + (a.firing()
            ? String.format(
                Locale.ROOT,
                "%.1f× too fast over %s and %.1f× over %s",
                a.burnRates()[a.severity() == Alert.Severity.PAGE ? 2 : 3],
                a.severity().longWindow,
                a.burnRates()[a.severity() == Alert.Severity.PAGE ? 0 : 1],
                a.severity().shortWindow)
            : "too fast (" + a.severity().label() + ")");
  }

  /** A Slack incoming-webhook message: the summary, the first suspect and the link. */
  byte[] slack(AlertPayload payload) {
    StringBuilder text = new StringBuilder();
    text.append(payload.status().equals("firing") ? ":rotating_light: " : ":white_check_mark: ");
    text.append(payload.summary());
    List<SloAnswers.AlertSuspect> suspects =
        payload.triage() == null
            ? List.of()
            : payload.triage().map(SloAnswers.AlertTriage::suspects).orElse(List.of());
    if (!suspects.isEmpty()) {
      text.append("\nFirst suspect: ").append(String.join(", ", suspects.get(0).members()));
    }
    text.append("\n<").append(payload.link()).append("|Open in Sextant>");
    return Answers.bytes(new SlackMessage(text.toString()));
  }

  /** What a Slack incoming webhook takes. */
  private record SlackMessage(String text) {}

  private static String question(Slo slo) {
    return "where " + slo.valid() + " | count(), p99(duration) by error | every 1m | last 3h";
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String instant(long nanos) {
    return Instant.ofEpochSecond(0, nanos).toString();
  }

  @Override
  public void close() {
    worker.shutdown();
    try {
      worker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
