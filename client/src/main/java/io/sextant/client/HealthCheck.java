package io.sextant.client;

import com.sun.net.httpserver.HttpHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * A health endpoint in the format of shared/seeds/003_568579fff26cb0a3.txt:
 *
 * <pre>{"service":"checkout","healthy":true,"workload":{"healthy":true},
 *  "dependencies":[{"name":"orders-db","healthy":true}]}</pre>
 *
 * <p>Health polling must not become load: each dependency is checked at most once per {@code
 * cacheFor}, by at most one check at a time; callers in between get the last result, or wait for
 * the running check. A check that takes longer than {@code timeout} counts as unhealthy, and no new
 * check of that dependency starts until it returns. The service is healthy when its workload and
 * its required dependencies are; optional dependencies are reported but do not make the service
 * unhealthy.
 */
public final class HealthCheck {
  /** One check: true when healthy; an exception means unhealthy. */
  @FunctionalInterface
  public interface Probe {
    boolean healthy() throws Exception;
  }

  /** The answer: also {@link #toJson()} and {@link #httpStatus()}. */
  public record Report(
      String service, boolean healthy, boolean workloadHealthy, List<DependencyStatus> deps) {
    public String toJson() {
      StringBuilder b = new StringBuilder(128);
      b.append("{\"service\":");
      quote(b, service);
      b.append(",\"healthy\":").append(healthy);
      b.append(",\"workload\":{\"healthy\":").append(workloadHealthy).append('}');
      b.append(",\"dependencies\":[");
      for (int i = 0; i < deps.size(); i++) {
        DependencyStatus d = deps.get(i);
        if (i > 0) {
          b.append(',');
        }
        b.append("{\"name\":");
        quote(b, d.name());
        b.append(",\"healthy\":").append(d.healthy());
        if (!d.required()) {
          b.append(",\"required\":false");
        }
        if (d.detail() != null) {
          b.append(",\"detail\":");
          quote(b, d.detail());
        }
        b.append('}');
      }
      return b.append("]}").toString();
    }

    /** 200 when healthy, 503 otherwise. */
    public int httpStatus() {
      return healthy ? 200 : 503;
    }
  }

  public record DependencyStatus(String name, boolean healthy, boolean required, String detail) {}

  private final String service;
  private final Check workload;
  private final List<Check> dependencies;

  private HealthCheck(Builder b) {
    this.service = b.service;
    Timing t = new Timing(b.cacheForNanos, b.timeoutNanos, b.nanoClock, b.executor);
    this.workload = new Check("workload", b.workload, true, t);
    this.dependencies = new ArrayList<>();
    for (Builder.Dep d : b.deps) {
      dependencies.add(new Check(d.name(), d.probe(), d.required(), t));
    }
  }

  public static Builder builder(String service) {
    return new Builder(service);
  }

  /** The current report; never blocks longer than the timeout, usually not at all. */
  public Report report() {
    Result w = workload.result();
    boolean healthy = w.healthy();
    List<DependencyStatus> deps = new ArrayList<>(dependencies.size());
    for (Check c : dependencies) {
      Result r = c.result();
      deps.add(new DependencyStatus(c.name, r.healthy(), c.required, r.detail()));
      healthy &= r.healthy() || !c.required;
    }
    return new Report(service, healthy, w.healthy(), List.copyOf(deps));
  }

  /** A handler for the JDK's {@code com.sun.net.httpserver.HttpServer}. */
  public HttpHandler httpHandler() {
    return exchange -> {
      Report r = report();
      byte[] body = r.toJson().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(r.httpStatus(), body.length);
      try (var out = exchange.getResponseBody()) {
        out.write(body);
      }
    };
  }

  private record Result(boolean healthy, String detail, long atNanos) {}

  private record Timing(long cacheFor, long timeout, LongSupplier clock, Executor executor) {}

  private static final class Check {
    final String name;
    final Probe probe;
    final boolean required;
    final Timing t;

    /** The running check, or the last one (done). */
    final AtomicReference<CompletableFuture<Result>> inFlight = new AtomicReference<>();

    volatile Result last;

    Check(String name, Probe probe, boolean required, Timing t) {
      this.name = name;
      this.probe = probe;
      this.required = required;
      this.t = t;
    }

    Result result() {
      Result r = last;
      long now = t.clock().getAsLong();
      if (r != null && now - r.atNanos() < t.cacheFor()) {
        return r;
      }
      // At most one check at a time: a caller that finds one running waits for it (an answer
      // from before it started may be older than the fault it is now stuck on).
      CompletableFuture<Result> f = inFlight.get();
      if (f == null || f.isDone()) {
        CompletableFuture<Result> mine = new CompletableFuture<>();
        if (inFlight.compareAndSet(f, mine)) {
          CompletableFuture.supplyAsync(this::run, t.executor())
              .whenComplete(
                  (res, e) -> {
                    last = res != null ? res : new Result(false, String.valueOf(e), now);
                    mine.complete(last);
                  });
        }
        f = inFlight.get();
      }
      try {
        return f.get(t.timeout(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        Result timedOut =
            new Result(
                false,
                "check timed out after " + t.timeout() / 1_000_000 + " ms",
                t.clock().getAsLong());
        last = timedOut;
        return timedOut;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Result(false, "interrupted", now);
      } catch (Exception e) {
        return new Result(false, String.valueOf(e.getCause()), now);
      }
    }

    private Result run() {
      try {
        boolean ok = probe.healthy();
        return new Result(ok, ok ? null : "check failed", t.clock().getAsLong());
      } catch (Exception e) {
        String m = e.getMessage();
        return new Result(
            false,
            e.getClass().getSimpleName() + (m == null ? "" : ": " + m),
            t.clock().getAsLong());
      }
    }
  }

  public static final class Builder {
    private record Dep(String name, Probe probe, boolean required) {}

    private final String service;
    private Probe workload = () -> true;
    private final List<Dep> deps = new ArrayList<>();
    private long cacheForNanos = Duration.ofSeconds(10).toNanos();
    private long timeoutNanos = Duration.ofSeconds(2).toNanos();
    private LongSupplier nanoClock = System::nanoTime;
    private Executor executor;

    private Builder(String service) {
      this.service = Objects.requireNonNull(service, "service");
    }

    /** Whether this service can do its own work (threads, queues, memory). Default: healthy. */
    public Builder workload(Probe probe) {
      this.workload = Objects.requireNonNull(probe);
      return this;
    }

    /** A dependency the service cannot work without. */
    public Builder dependency(String name, Probe probe) {
      deps.add(new Dep(name, probe, true));
      return this;
    }

    /** A dependency the service degrades without; reported, but the service stays healthy. */
    public Builder optionalDependency(String name, Probe probe) {
      deps.add(new Dep(name, probe, false));
      return this;
    }

    /** How long one check's result is reused. Default 10 s. */
    public Builder cacheFor(Duration d) {
      this.cacheForNanos = d.toNanos();
      return this;
    }

    /** How long a report waits for a check. Default 2 s. */
    public Builder timeout(Duration d) {
      this.timeoutNanos = d.toNanos();
      return this;
    }

    /** The clock for the cache (nanoseconds, like {@link System#nanoTime()}); for tests. */
    public Builder clock(LongSupplier nanos) {
      this.nanoClock = nanos;
      return this;
    }

    /** Where checks run. Default: a virtual thread per check. */
    public Builder executor(Executor e) {
      this.executor = e;
      return this;
    }

    public HealthCheck build() {
      if (executor == null) {
        executor = Executors.newVirtualThreadPerTaskExecutor();
      }
      return new HealthCheck(this);
    }
  }

  private static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (ch < 0x20) {
            b.append(String.format("\\u%04x", (int) ch));
          } else {
            b.append(ch);
          }
        }
      }
    }
    b.append('"');
  }
}
