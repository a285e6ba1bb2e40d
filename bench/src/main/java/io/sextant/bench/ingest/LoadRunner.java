package io.sextant.bench.ingest;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.RequestHeaders;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sends pre-built bodies as fast as the server acknowledges them: {@code concurrency} closed-loop
 * senders, each posting its next body as soon as the previous one is answered, until the bodies run
 * out or the sending window closes. A request's latency runs from its first send to its final
 * answer, retries included. Only acknowledged spans count; a 429 / RESOURCE_EXHAUSTED is counted as
 * an overload answer and the same body is sent again after a short pause.
 */
final class LoadRunner {
  static final int MAX_RETRIES = 600;

  private final WebClient client;
  private final Target target;
  private final RequestHeaders headers;
  private final ScheduledExecutorService scheduler;
  private final long retryDelayMillis;
  private final PrintStream log;

  LoadRunner(
      WebClient client,
      Target target,
      String path,
      ScheduledExecutorService scheduler,
      long retryDelayMillis,
      PrintStream log) {
    this.client = client;
    this.target = target;
    com.linecorp.armeria.common.RequestHeadersBuilder h =
        RequestHeaders.builder(HttpMethod.POST, path).contentType(target.contentType);
    if (target == Target.OTLP_GRPC) {
      h.add("te", "trailers");
    }
    this.headers = h.build();
    this.scheduler = scheduler;
    this.retryDelayMillis = retryDelayMillis;
    this.log = log;
  }

  /** What one phase did. Latencies are of acknowledged requests only, in nanoseconds, sorted. */
  record Result(
      int requests,
      long spans,
      long ackedSpans,
      long rejectedSpans,
      long overloaded,
      Map<String, Long> errors,
      long[] latencyNanos,
      long elapsedNanos,
      boolean timedOut) {

    long errorCount() {
      return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    double seconds() {
      return elapsedNanos / 1e9;
    }

    double spansPerSecond() {
      return ackedSpans / seconds();
    }

    double percentileMillis(double p) {
      if (latencyNanos.length == 0) {
        return Double.NaN;
      }
      int rank = (int) Math.ceil(p * latencyNanos.length) - 1;
      return latencyNanos[Math.max(0, Math.min(latencyNanos.length - 1, rank))] / 1e6;
    }
  }

  private final class Phase {
    final byte[][] bodies;
    final int[] spanCounts;
    final long deadlineNanos;
    final long stopSendingNanos;
    final AtomicInteger next = new AtomicInteger();
    final CountDownLatch senders;
    final long[] latency;
    final LongAdder acked = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder overloaded = new LongAdder();
    final LongAdder sentSpans = new LongAdder();
    final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    final AtomicLong lastAnswer = new AtomicLong();
    volatile boolean stop;

    Phase(
        byte[][] bodies,
        int[] spanCounts,
        int concurrency,
        long stopSendingNanos,
        long deadlineNanos) {
      this.bodies = bodies;
      this.spanCounts = spanCounts;
      this.stopSendingNanos = stopSendingNanos;
      this.deadlineNanos = deadlineNanos;
      this.senders = new CountDownLatch(concurrency);
      this.latency = new long[bodies.length];
      Arrays.fill(latency, -1);
    }

    void sendNext() {
      long now = System.nanoTime();
      if (stop || now - stopSendingNanos > 0 || now - deadlineNanos > 0) {
        senders.countDown();
        return;
      }
      int i = next.getAndIncrement();
      if (i >= bodies.length) {
        senders.countDown();
        return;
      }
      sentSpans.add(spanCounts[i]);
      attempt(i, now, 0);
    }

    void attempt(int i, long firstSent, int tries) {
      try {
        client
            .execute(HttpRequest.of(headers, HttpData.wrap(bodies[i])))
            .aggregate()
            .handle(
                (res, failure) -> {
                  answered(i, firstSent, tries, res, failure);
                  return null;
                });
      } catch (RuntimeException e) {
        answered(i, firstSent, tries, null, e);
      }
    }

    void answered(int i, long firstSent, int tries, AggregatedHttpResponse res, Throwable failure) {
      try {
        Target.Outcome outcome =
            failure != null
                ? new Target.Outcome.Failed("exception_" + rootCause(failure))
                : target.classify(res);
        if (outcome instanceof Target.Outcome.Retry) {
          overloaded.increment();
          if (tries < MAX_RETRIES && !stop) {
            scheduler.schedule(
                () -> attempt(i, firstSent, tries + 1), retryDelayMillis, TimeUnit.MILLISECONDS);
            return;
          }
          outcome = new Target.Outcome.Failed("retries_exhausted");
        }
        long now = System.nanoTime();
        lastAnswer.accumulateAndGet(now, Math::max);
        if (outcome instanceof Target.Outcome.Ok ok) {
          latency[i] = now - firstSent;
          acked.add(spanCounts[i] - ok.rejectedSpans());
          rejected.add(ok.rejectedSpans());
        } else {
          errors
              .computeIfAbsent(((Target.Outcome.Failed) outcome).kind(), k -> new LongAdder())
              .increment();
        }
      } catch (RuntimeException e) {
        errors.computeIfAbsent("bench_" + rootCause(e), k -> new LongAdder()).increment();
      }
      sendNext();
    }
  }

  /**
   * Sends the bodies in order (retrying 429s) until they run out or {@code sendForNanos} has passed
   * (0: no window), then waits for the answers of requests in flight. {@code deadlineNanos} is the
   * hard stop: reaching it marks the result timed out.
   */
  Result run(
      String phaseName,
      byte[][] bodies,
      int[] spanCounts,
      int concurrency,
      long sendForNanos,
      long deadlineNanos,
      long progressEverySeconds)
      throws InterruptedException {
    long start = System.nanoTime();
    long stopSending = sendForNanos > 0 ? start + sendForNanos : deadlineNanos;
    Phase p = new Phase(bodies, spanCounts, concurrency, stopSending, deadlineNanos);
    p.lastAnswer.set(start);
    long[] lastAcked = {0};
    long[] lastAt = {start};
    ScheduledFuture<?> progress =
        scheduler.scheduleAtFixedRate(
            () -> {
              long now = System.nanoTime();
              long a = p.acked.sum();
              log.printf(
                  "[%s %s] %5.1fs acked=%d (%.0f spans/s now) overloaded=%d errors=%d%n",
                  target.label,
                  phaseName,
                  (now - start) / 1e9,
                  a,
                  (a - lastAcked[0]) / ((now - lastAt[0]) / 1e9),
                  p.overloaded.sum(),
                  p.errors.values().stream().mapToLong(LongAdder::sum).sum());
              lastAcked[0] = a;
              lastAt[0] = now;
            },
            progressEverySeconds,
            progressEverySeconds,
            TimeUnit.SECONDS);
    for (int c = 0; c < concurrency; c++) {
      p.sendNext();
    }
    boolean timedOut = false;
    long wait = deadlineNanos - System.nanoTime();
    if (!p.senders.await(Math.max(0, wait), TimeUnit.NANOSECONDS)) {
      timedOut = true;
      p.stop = true;
      p.senders.await(30, TimeUnit.SECONDS); // let requests in flight answer
    }
    progress.cancel(false);
    long elapsed = p.lastAnswer.get() - start;
    long[] ok = Arrays.stream(p.latency).filter(l -> l >= 0).sorted().toArray();
    Map<String, Long> errors = new TreeMap<>();
    p.errors.forEach((k, v) -> errors.put(k, v.sum()));
    return new Result(
        Math.min(p.next.get(), bodies.length),
        p.sentSpans.sum(),
        p.acked.sum(),
        p.rejected.sum(),
        p.overloaded.sum(),
        errors,
        ok,
        elapsed,
        timedOut);
  }

  private static String rootCause(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName();
  }
}
