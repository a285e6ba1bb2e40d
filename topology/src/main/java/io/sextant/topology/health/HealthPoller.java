package io.sextant.topology.health;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls health endpoints, all at once, every {@code interval}, each with {@code timeout}, and
 * writes every result as log events so health has history and can be queried like anything else:
 * one event per target ({@code health.check=self}) and one per dependency it reported ({@code
 * health.check=<name>}), with {@code health.healthy}, severity ERROR when unhealthy (so {@code
 * error = true} finds them), {@code health.url}, {@code health.duration_ms} and {@code
 * health.detail}. The latest result per target is kept for {@link #latest()}.
 */
public final class HealthPoller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthPoller.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where the events go: the store's writer. */
  @FunctionalInterface
  public interface Sink {
    void write(List<Event> events) throws Exception;
  }

  private final List<HealthTarget> targets;
  private final Duration interval;
  private final Duration timeout;
  private final HttpClient http;
  private final Clock clock;
  private final Sink sink;
  private final Map<HealthTarget, HealthResult> latest = new LinkedHashMap<>();

  /** The components each Spring Boot target listed when it last listed any. */
  private final Map<HealthTarget, List<String>> springParts = new ConcurrentHashMap<>();

  private final ExecutorService partPool = Executors.newVirtualThreadPerTaskExecutor();
  private ScheduledExecutorService scheduler;

  public HealthPoller(
      List<HealthTarget> targets,
      Duration interval,
      Duration timeout,
      HttpClient http,
      Clock clock,
      Sink sink) {
    this.targets = new CopyOnWriteArrayList<>(targets);
    this.interval = interval;
    this.timeout = timeout;
    this.http = http;
    this.clock = clock;
    this.sink = sink;
  }

  /** Polls {@code target} too from the next round on (for components started after Sextant). */
  public void add(HealthTarget target) {
    targets.add(target);
  }

  /** Polls every {@code interval} on a daemon thread of its own, the first time right away. */
  public synchronized HealthPoller start() {
    if (scheduler == null) {
      scheduler =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "sextant-health");
                t.setDaemon(true);
                return t;
              });
      scheduler.scheduleWithFixedDelay(
          () -> {
            try {
              pollAll();
            } catch (RuntimeException e) {
              log.warn("health polling failed", e);
            }
          },
          0,
          interval.toMillis(),
          TimeUnit.MILLISECONDS);
    }
    return this;
  }

  /**
   * Polls every target once, all at the same time (a hung target costs its timeout, not the
   * others'), writes the events and returns the results: what each target answers now. Triage calls
   * this too, so it never trusts a reading from before the fault.
   */
  public List<HealthResult> pollAll() {
    List<HealthResult> results = new ArrayList<>();
    List<Event> events = new ArrayList<>();
    try (ExecutorService each = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<HealthResult>> polls = new ArrayList<>();
      for (HealthTarget t : targets) {
        polls.add(each.submit(() -> poll(t)));
      }
      for (Future<HealthResult> f : polls) {
        HealthResult r = f.get();
        results.add(r);
        events.addAll(events(r));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return results;
    } catch (ExecutionException e) {
      throw new IllegalStateException("a health poll failed", e.getCause());
    }
    synchronized (latest) {
      results.forEach(r -> latest.put(r.target(), r));
    }
    try {
      sink.write(events);
    } catch (Exception e) {
      log.warn("health results could not be stored: {}", e.toString());
    }
    return results;
  }

  /** The last result of each target polled so far, in the order the targets were given. */
  public List<HealthResult> latest() {
    synchronized (latest) {
      return List.copyOf(latest.values());
    }
  }

  public List<HealthTarget> targets() {
    return List.copyOf(targets);
  }

  /**
   * Polls {@code t}; for a Spring Boot target whose components are known from an earlier answer,
   * each component's own endpoint too, at the same time. When the whole check fails without details
   * (it hangs on one slow component, as Spring's does on a hung database), the components' answers
   * say which part failed, and whether the process answers at all.
   */
  HealthResult poll(HealthTarget t) {
    Instant at = clock.instant();
    long now = at.getEpochSecond() * 1_000_000_000L + at.getNano();
    long started = System.nanoTime();
    List<String> parts = springParts.getOrDefault(t, List.of());
    Map<String, Future<Fetched>> partPolls = new LinkedHashMap<>();
    Future<Fetched> wholePoll = partPool.submit(() -> fetch(t.url()));
    Fetched whole = null;
    if (!parts.isEmpty()) {
      // The parts are asked only when the whole check is slow to answer (a quarter of the
      // timeout) or fails without details: a healthy target costs one request per poll.
      whole = await(wholePoll, timeout.dividedBy(4));
      if (whole == null || (whole.answer() != null && needsParts(whole.answer()))) {
        for (String part : parts) {
          URI u = URI.create(t.url().toString().replaceAll("/+$", "") + "/" + part);
          partPolls.put(part, partPool.submit(() -> fetch(u)));
        }
      }
    }
    if (whole == null) {
      whole = await(wholePoll, null);
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    if (whole.answer() != null) {
      if (whole.answer().spring()) {
        List<String> names = new ArrayList<>();
        for (HealthResult.Dependency d : whole.answer().dependencies()) {
          names.add(d.name());
        }
        if (!names.isEmpty()) {
          springParts.put(t, List.copyOf(names));
        }
      }
      boolean detailed = !whole.answer().dependencies().isEmpty();
      if (whole.answer().healthy() || detailed || partPolls.isEmpty()) {
        partPolls.values().forEach(f -> f.cancel(true));
        return new HealthResult(
            t, now, millis, whole.answer().healthy(), null, whole.answer().dependencies());
      }
    }
    if (partPolls.isEmpty()) {
      return new HealthResult(t, now, millis, false, whole.error(), List.of());
    }
    List<HealthResult.Dependency> deps = new ArrayList<>();
    boolean anyAnswered = whole.answer() != null;
    for (Map.Entry<String, Future<Fetched>> e : partPolls.entrySet()) {
      Fetched f;
      try {
        f = e.getValue().get();
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        f = new Fetched(null, "interrupted");
      } catch (ExecutionException ex) {
        f = new Fetched(null, String.valueOf(ex.getCause()));
      }
      if (f.answer() != null) {
        anyAnswered = true;
        deps.add(
            new HealthResult.Dependency(
                e.getKey(), f.answer().healthy(), f.answer().healthy() ? "UP" : "DOWN"));
      } else {
        deps.add(new HealthResult.Dependency(e.getKey(), false, f.error()));
      }
    }
    return new HealthResult(
        t, now, millis, false, whole.answer() == null ? whole.error() : null, deps, anyAnswered);
  }

  private static boolean needsParts(HealthAnswers.Answer a) {
    return !a.healthy() && a.dependencies().isEmpty();
  }

  /** The poll's result, waiting at most {@code max} (null: until it ends); null when not yet. */
  private static Fetched await(Future<Fetched> poll, Duration max) {
    try {
      return max == null ? poll.get() : poll.get(max.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Fetched(null, "interrupted");
    } catch (ExecutionException e) {
      return new Fetched(null, String.valueOf(e.getCause()));
    }
  }

  /** One GET of a health URL: the answer, or why there is none. */
  private record Fetched(HealthAnswers.Answer answer, String error) {}

  private Fetched fetch(URI url) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(url)
                  .timeout(timeout)
                  .header("Accept", "application/json")
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      HealthAnswers.Answer answer = HealthAnswers.read(parse(r.body()));
      return answer == null
          ? new Fetched(
              null, "HTTP " + r.statusCode() + " without a health answer in a known format")
          : new Fetched(answer, null);
    } catch (HttpTimeoutException e) {
      return new Fetched(null, "no answer within " + timeout.toMillis() + " ms");
    } catch (IOException e) {
      return new Fetched(
          null, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Fetched(null, "interrupted");
    }
  }

  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** The events of one result: the target's own, then one per dependency. */
  static List<Event> events(HealthResult r) {
    List<Event> out = new ArrayList<>();
    Resource resource = new Resource(Attributes.of("service.name", r.target().service()));
    out.add(event(r, resource, "self", r.healthy(), r.error()));
    for (HealthResult.Dependency d : r.dependencies()) {
      out.add(event(r, resource, d.name(), d.healthy(), d.detail()));
    }
    return out;
  }

  private static Event event(
      HealthResult r, Resource resource, String check, boolean healthy, String detail) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("health.check", check);
    a.put("health.healthy", healthy);
    a.put("health.url", r.target().url().toString());
    a.put("health.duration_ms", r.millis());
    if (detail != null) {
      a.put("health.detail", detail);
    }
    return Event.log()
        .timeUnixNano(r.timeUnixNano())
        .resource(resource)
        .name("health")
        .severityNumber(healthy ? 9 : Event.SEVERITY_ERROR)
        .severityText(healthy ? "INFO" : "ERROR")
        .body("health " + check + (healthy ? " healthy" : " unhealthy"))
        .attributes(Attributes.of(a))
        .build();
  }

  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler = null;
    }
    partPool.shutdownNow();
  }
}
