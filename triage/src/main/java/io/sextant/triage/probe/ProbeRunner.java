package io.sextant.triage.probe;

import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Sends probes: each run with a fresh sampled W3C {@code traceparent} and baggage {@code
 * request_type=TRACE} (for tracer bullets) plus the tester's {@code user_id} and {@code
 * account_id}; then checks the answer against the probe's contract. Never throws for a bad answer:
 * a failure is a result.
 */
public final class ProbeRunner {
  /** Answers larger than this are cut (and then fail any JSON assertion). */
  static final int MAX_BODY = 4 * 1024 * 1024;

  /**
   * The response header a service answers with when it rolled back a tracer bullet's writes (the
   * client kit's {@code TracerBullet.RESPONSE_HEADER}); its value is {@value #ROLLED_BACK}.
   */
  public static final String ROLLED_BACK_HEADER = "Sextant-Tracer-Bullet";

  public static final String ROLLED_BACK = "rolled-back";

  /**
   * The reason of a run Sextant cut short (it was stopping, or replacing the probe suite): it says
   * nothing about the system, and is not counted.
   */
  public static final String INTERRUPTED = "interrupted";

  /** The pause between one repeat of a probe ending and the next starting. */
  public static final Duration PACE = Duration.ofMillis(200);

  private static final Configuration JSON =
      Configuration.defaultConfiguration().addOptions(Option.SUPPRESS_EXCEPTIONS);

  private final HttpClient http;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Duration pace;

  public ProbeRunner(Clock clock) {
    this(clock, PACE);
  }

  /**
   * @param pace the pause between one repeat of a probe ending and the next starting
   */
  public ProbeRunner(Clock clock, Duration pace) {
    this.pace = pace;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
    this.clock = clock;
  }

  /**
   * Runs each probe {@code repeats} times: different probes at once, the repeats of one probe one
   * after another, each starting {@link #PACE} after the previous one answered (all at once, ten
   * repeats opened a real system's circuit breaker). Results in probe order, then repeat.
   */
  public List<ProbeRun> runAll(Collection<Probe> probes, int repeats) {
    List<Future<List<ProbeRun>>> futures = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Probe p : probes) {
        futures.add(pool.submit(() -> repeat(p, repeats)));
      }
    }
    List<ProbeRun> out = new ArrayList<>();
    for (Future<List<ProbeRun>> f : futures) {
      out.addAll(f.resultNow());
    }
    return out;
  }

  /**
   * Runs every probe {@code waves} times: each wave every probe at once, wave k starting {@code k ×
   * gap} after the first (not after the one before it ended). The runs, wave by wave.
   */
  public List<ProbeRun> runWaves(Collection<Probe> probes, int waves, Duration gap) {
    List<Future<ProbeRun>> futures = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      long t0 = System.nanoTime();
      for (int w = 0; w < waves; w++) {
        long wait = t0 + w * gap.toNanos() - System.nanoTime();
        if (wait > 0) {
          try {
            Thread.sleep(Duration.ofNanos(wait));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            break;
          }
        }
        for (Probe p : probes) {
          futures.add(pool.submit(() -> run(p)));
        }
      }
    }
    List<ProbeRun> out = new ArrayList<>();
    for (Future<ProbeRun> f : futures) {
      out.add(f.resultNow());
    }
    return out;
  }

  private List<ProbeRun> repeat(Probe p, int repeats) {
    List<ProbeRun> out = new ArrayList<>();
    for (int r = 0; r < repeats; r++) {
      if (r > 0 && !pace.isZero()) {
        try {
          Thread.sleep(pace);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt(); // the run below answers "interrupted"
        }
      }
      out.add(run(p));
    }
    return out;
  }

  public ProbeRun run(Probe p) {
    byte[] id = new byte[24];
    random.nextBytes(id);
    String traceId = HexFormat.of().formatHex(id, 0, 16);
    String spanId = HexFormat.of().formatHex(id, 16, 24);
    long start = clock.millis() * 1_000_000L;
    long t0 = System.nanoTime();
    HttpRequest.Builder b =
        HttpRequest.newBuilder(p.url())
            .timeout(p.timeout())
            .header("traceparent", "00-" + traceId + "-" + spanId + "-01")
            .header("baggage", baggage(p))
            .header("User-Agent", "sextant-probe/" + p.name());
    for (Map.Entry<String, String> h : p.headers().entrySet()) {
      b.header(h.getKey(), h.getValue());
    }
    b.method(
        p.method(),
        p.body() == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(p.body()));
    int status = 0;
    String reason;
    try {
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      status = r.statusCode();
      double ms = (System.nanoTime() - t0) / 1e6;
      reason = check(p, status, ms, r.body());
      boolean rolledBack =
          r.headers().allValues(ROLLED_BACK_HEADER).stream()
              .anyMatch(v -> v.strip().equalsIgnoreCase(ROLLED_BACK));
      return new ProbeRun(p.name(), start, reason == null, reason, status, ms, traceId, rolledBack);
    } catch (HttpTimeoutException e) {
      reason = "no answer within " + p.timeout().toMillis() + " ms";
    } catch (ConnectException e) {
      reason = "cannot connect to " + p.url().getHost() + ":" + p.url().getPort();
    } catch (IOException e) {
      reason =
          "the connection failed: "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : " " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reason = INTERRUPTED;
    }
    return new ProbeRun(
        p.name(), start, false, reason, status, (System.nanoTime() - t0) / 1e6, traceId);
  }

  /** Null when the answer keeps the contract, else why not, in one sentence. */
  static String check(Probe p, int status, double ms, byte[] body) {
    Probe.Contract c = p.contract();
    if (status != c.status()) {
      return "status " + status + ", expected " + c.status();
    }
    if (c.maxLatencyMillis() > 0 && ms > c.maxLatencyMillis()) {
      return String.format(
          Locale.ROOT, "took %.0f ms, over its %d ms limit", ms, c.maxLatencyMillis());
    }
    if (c.json().isEmpty()) {
      return null;
    }
    if (body.length > MAX_BODY) {
      return "the answer is larger than " + MAX_BODY + " bytes";
    }
    DocumentContext doc;
    try {
      doc = JsonPath.using(JSON).parse(new String(body, StandardCharsets.UTF_8));
      doc.json();
    } catch (RuntimeException e) {
      return "the answer is not JSON";
    }
    for (Probe.JsonAssertion a : c.json()) {
      Object v = doc.read(a.path());
      switch (a.op()) {
        case "exists" -> {
          if (v == null) {
            return a.path() + " is missing";
          }
        }
        case "not-empty" -> {
          if (v == null
              || (v instanceof Collection<?> col && col.isEmpty())
              || (v instanceof Map<?, ?> m && m.isEmpty())
              || (v instanceof String s && s.isEmpty())) {
            return a.path() + " is empty";
          }
        }
        case "equals" -> {
          if (v == null || !String.valueOf(v).equals(a.value())) {
            return a.path() + " is " + v + ", expected " + a.value();
          }
        }
        default -> throw new IllegalStateException("unknown op " + a.op());
      }
    }
    return null;
  }

  private static String baggage(Probe p) {
    StringBuilder b = new StringBuilder();
    b.append("request_type=").append(p.tracerBullet() ? "TRACE" : "STANDARD");
    if (p.tester() != null) {
      if (p.tester().userId() != null) {
        b.append(",user_id=").append(p.tester().userId());
      }
      if (p.tester().accountId() != null) {
        b.append(",account_id=").append(p.tester().accountId());
      }
    }
    b.append(",probe=").append(p.name());
    return b.toString();
  }
}
