package io.sextant.server.api;

import io.sextant.server.ingest.IngestCounters;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Accepted spans and logs per second, sampled every few seconds. */
public final class RateMeter implements AutoCloseable {
  public record Rates(double spansPerSecond, double logsPerSecond) {}

  private final IngestCounters counters;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("sextant-rates").unstarted(r));
  private long lastNanos = System.nanoTime();
  private long lastSpans;
  private long lastLogs;
  private volatile Rates current = new Rates(0, 0);

  public RateMeter(IngestCounters counters) {
    this.counters = counters;
  }

  public RateMeter start(int everySeconds) {
    executor.scheduleAtFixedRate(this::sample, everySeconds, everySeconds, TimeUnit.SECONDS);
    return this;
  }

  private synchronized void sample() {
    long now = System.nanoTime();
    long spans = counters.spansAccepted.sum();
    long logs = counters.logsAccepted.sum();
    double seconds = (now - lastNanos) / 1e9;
    current = new Rates((spans - lastSpans) / seconds, (logs - lastLogs) / seconds);
    lastNanos = now;
    lastSpans = spans;
    lastLogs = logs;
  }

  public Rates current() {
    return current;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
