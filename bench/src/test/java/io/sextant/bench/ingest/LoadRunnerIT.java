package io.sextant.bench.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaders;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.Server;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The runner against a loopback stub that refuses some requests as an overloaded server does. */
class LoadRunnerIT {
  private static final String GRPC_PATH = Target.OTLP_GRPC.defaultPath;
  private static final AtomicInteger httpCalls = new AtomicInteger();
  private static final AtomicInteger grpcCalls = new AtomicInteger();
  private static final AtomicInteger slowCalls = new AtomicInteger();
  private static Server server;
  private static ScheduledExecutorService scheduler;

  @BeforeAll
  static void start() {
    server =
        Server.builder()
            .http(new InetSocketAddress("127.0.0.1", 0))
            .service(
                "/v1/traces",
                (ctx, req) ->
                    HttpResponse.of(
                        req.aggregate()
                            .thenApply(
                                r ->
                                    httpCalls.incrementAndGet() % 3 == 0
                                        ? HttpResponse.of(HttpStatus.TOO_MANY_REQUESTS)
                                        : HttpResponse.of(
                                            HttpStatus.OK, MediaType.PROTOBUF, new byte[0]))))
            .service(
                GRPC_PATH,
                (ctx, req) ->
                    HttpResponse.of(
                        req.aggregate()
                            .thenApply(
                                r -> {
                                  ResponseHeaders headers =
                                      ResponseHeaders.of(
                                          HttpStatus.OK, "content-type", "application/grpc");
                                  if (grpcCalls.incrementAndGet() % 4 == 0) {
                                    return HttpResponse.of(
                                        headers.toBuilder().add("grpc-status", "8").build());
                                  }
                                  return HttpResponse.of(
                                      headers,
                                      HttpData.wrap(new byte[5]),
                                      HttpHeaders.of("grpc-status", "0"));
                                })))
            .service(
                "/slow",
                (ctx, req) -> {
                  slowCalls.incrementAndGet();
                  return HttpResponse.delayed(
                      HttpResponse.of(HttpStatus.OK, MediaType.PROTOBUF, new byte[0]),
                      Duration.ofMillis(50));
                })
            .build();
    server.start().join();
    scheduler = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterAll
  static void stop() {
    server.stop().join();
    scheduler.shutdownNow();
  }

  private static LoadRunner runner(String scheme, Target target, String path) {
    WebClient client = WebClient.of(scheme + "://127.0.0.1:" + server.activeLocalPort());
    return new LoadRunner(
        client, target, path, scheduler, 5, new PrintStream(OutputStream.nullOutputStream()));
  }

  private static byte[][] bodies(int n) {
    byte[][] b = new byte[n][];
    Arrays.setAll(b, i -> new byte[] {(byte) i});
    return b;
  }

  private static int[] spans(int n, int each) {
    int[] s = new int[n];
    Arrays.fill(s, each);
    return s;
  }

  private static long inOneMinute() {
    return System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
  }

  @Test
  void http429s_areCountedAndRetried_andOnlyAcknowledgedSpansCount() throws Exception {
    httpCalls.set(0);
    LoadRunner.Result r =
        runner("h1c", Target.OTLP_HTTP, "/v1/traces")
            .run("test", bodies(60), spans(60, 10), 4, 0, inOneMinute(), 60);

    assertThat(r.errors()).isEmpty();
    assertThat(r.requests()).isEqualTo(60);
    assertThat(r.ackedSpans()).isEqualTo(600);
    assertThat(r.spans()).isEqualTo(600);
    assertThat(r.overloaded()).isEqualTo(httpCalls.get() / 3).isPositive();
    assertThat(r.latencyNanos()).hasSize(60);
    assertThat(r.timedOut()).isFalse();
  }

  @Test
  void grpc_resourceExhaustedIsRetried_okIsTheGrpcStatusNotTheHttpOne() throws Exception {
    grpcCalls.set(0);
    LoadRunner.Result r =
        runner("h2c", Target.OTLP_GRPC, GRPC_PATH)
            .run("test", bodies(40), spans(40, 7), 4, 0, inOneMinute(), 60);

    assertThat(r.errors()).isEmpty();
    assertThat(r.ackedSpans()).isEqualTo(280);
    assertThat(r.overloaded()).isEqualTo(grpcCalls.get() / 4).isPositive();
  }

  @Test
  void sendingWindow_stopsNewRequests_andCountsWhatWasSentAndAnswered() throws Exception {
    slowCalls.set(0);
    LoadRunner.Result r =
        runner("h1c", Target.OTLP_HTTP, "/slow")
            .run(
                "test",
                bodies(10_000),
                spans(10_000, 5),
                2,
                TimeUnit.MILLISECONDS.toNanos(300),
                inOneMinute(),
                60);

    assertThat(r.timedOut()).isFalse();
    assertThat(r.requests()).isBetween(2, 100).isEqualTo(slowCalls.get());
    assertThat(r.spans()).isEqualTo(5L * r.requests());
    assertThat(r.ackedSpans()).isEqualTo(r.spans());
    assertThat(r.seconds()).isLessThan(5);
  }
}
