package io.sextant.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HealthCheckTest {
  final AtomicLong now = new AtomicLong(1_000_000_000L);

  @Test
  void report_isInTheSeedFormat() {
    HealthCheck h =
        HealthCheck.builder("registration-service")
            .dependency("cassandra", () -> true)
            .dependency("billing-svc", () -> true)
            .build();
    assertThat(h.report().toJson())
        .isEqualTo(
            "{\"service\":\"registration-service\",\"healthy\":true,\"workload\":{\"healthy\":true},"
                + "\"dependencies\":[{\"name\":\"cassandra\",\"healthy\":true},"
                + "{\"name\":\"billing-svc\",\"healthy\":true}]}");
    assertThat(h.report().httpStatus()).isEqualTo(200);
  }

  @Test
  void dependencyChecks_areCachedSoPollingCannotOverloadADependency() {
    AtomicInteger calls = new AtomicInteger();
    HealthCheck h =
        HealthCheck.builder("svc")
            .dependency("db", () -> calls.incrementAndGet() > 0)
            .cacheFor(Duration.ofSeconds(10))
            .clock(now::get)
            .build();
    for (int i = 0; i < 100; i++) {
      assertThat(h.report().healthy()).isTrue();
    }
    assertThat(calls).hasValue(1);
    now.addAndGet(Duration.ofSeconds(11).toNanos());
    h.report();
    h.report();
    assertThat(calls).hasValue(2);
  }

  @Test
  void failingRequiredDependency_makesTheServiceUnhealthy_optionalOneDoesNot() {
    HealthCheck h =
        HealthCheck.builder("svc")
            .dependency("db", () -> true)
            .optionalDependency("recommendations", () -> false)
            .build();
    assertThat(h.report().healthy()).isTrue();
    assertThat(h.report().toJson())
        .contains("{\"name\":\"recommendations\",\"healthy\":false,\"required\":false");

    HealthCheck down =
        HealthCheck.builder("svc")
            .dependency(
                "db",
                () -> {
                  throw new java.net.ConnectException("refused");
                })
            .build();
    HealthCheck.Report r = down.report();
    assertThat(r.healthy()).isFalse();
    assertThat(r.httpStatus()).isEqualTo(503);
    assertThat(r.deps().get(0).detail()).isEqualTo("ConnectException: refused");
  }

  @Test
  void hungDependency_timesOut_andOnlyOneCheckRunsAtATime() throws Exception {
    AtomicInteger started = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean answer = new AtomicBoolean(true);
    HealthCheck h =
        HealthCheck.builder("svc")
            .dependency(
                "db",
                () -> {
                  started.incrementAndGet();
                  release.await();
                  return answer.get();
                })
            .timeout(Duration.ofMillis(50))
            .cacheFor(Duration.ZERO)
            .clock(now::get)
            .build();
    HealthCheck.Report r = h.report();
    assertThat(r.healthy()).isFalse();
    assertThat(r.deps().get(0).detail()).contains("timed out");
    for (int i = 0; i < 20; i++) {
      now.addAndGet(1_000_000_000L);
      h.report();
    }
    assertThat(started).hasValue(1);
    release.countDown();
  }

  @Test
  void aReportDuringARunningCheck_waitsForIt_insteadOfAnsweringWithTheResultBeforeIt()
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean hang = new AtomicBoolean(false);
    CountDownLatch checking = new CountDownLatch(1);
    HealthCheck h =
        HealthCheck.builder("svc")
            .dependency(
                "db",
                () -> {
                  if (hang.get()) {
                    checking.countDown();
                    release.await();
                  }
                  return true;
                })
            .timeout(Duration.ofMillis(300))
            .cacheFor(Duration.ofSeconds(1))
            .clock(now::get)
            .build();
    assertThat(h.report().healthy()).isTrue();
    hang.set(true);
    now.addAndGet(2_000_000_000L); // the healthy answer is older than cacheFor
    Thread first = Thread.ofVirtual().start(h::report); // starts the check that now hangs
    checking.await();
    HealthCheck.Report second = h.report();
    assertThat(second.healthy()).isFalse();
    assertThat(second.deps().get(0).detail()).contains("timed out");
    release.countDown();
    first.join();
  }
}
