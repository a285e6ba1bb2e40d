package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.grpc.GrpcClients;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.sextant.server.cli.KeysCommandTest;
import io.sextant.server.security.SecurityConfig;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sextant keys create|revoke} on the keys file of a running server: a new key works and a
 * revoked key is refused on every port within a few seconds, without a restart.
 */
class KeysIT {
  @TempDir Path dir;

  /** The file is read every second; a change shows within this, or the test fails. */
  private static final Duration WITHIN = Duration.ofSeconds(5);

  @Test
  void keysMadeAndRevoked_onARunningServer_takeEffectWithoutARestart() throws Exception {
    Path file = dir.resolve("keys");
    String admin =
        KeysCommandTest.secretOf(
            KeysCommandTest.sextant(
                "keys", "create", "root", "--scopes", "admin", "--file", file.toString()));
    try (TestServer s =
        new TestServer(
            TestServer.ports(ServerConfig.defaults(dir.resolve("data")))
                .withSecurity(SecurityConfig.DEFAULTS.withKeysFile(file)),
            UnaryOperator.identity())) {
      assertThat(api(s, admin)).isEqualTo(200);

      // A key made while the server runs: refused until the server has read it, then accepted.
      String reader =
          KeysCommandTest.secretOf(
              KeysCommandTest.sextant(
                  "keys", "create", "reader", "--scopes", "read", "--file", file.toString()));
      String exporter =
          KeysCommandTest.secretOf(
              KeysCommandTest.sextant(
                  "keys", "create", "exporter", "--scopes", "ingest", "--file", file.toString()));
      assertThat(within(() -> api(s, reader), 200)).isEqualTo(200);
      assertThat(within(() -> otlpHttp(s, exporter), 200)).isEqualTo(200);
      assertThat(grpc(s, exporter)).isEqualTo(Status.Code.OK);

      // Revoked: refused on the API port, OTLP/HTTP and gRPC; the others keep working.
      assertThat(
              KeysCommandTest.sextant("keys", "revoke", "reader", "--file", file.toString()).code())
          .isZero();
      assertThat(
              KeysCommandTest.sextant("keys", "revoke", "exporter", "--file", file.toString())
                  .code())
          .isZero();
      assertThat(within(() -> api(s, reader), 401)).isEqualTo(401);
      assertThat(within(() -> otlpHttp(s, exporter), 401)).isEqualTo(401);
      assertThat(grpc(s, exporter)).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(api(s, admin)).isEqualTo(200);

      // A hand edit that breaks the file leaves the keys read last in force.
      String before = Files.readString(file);
      Files.writeString(file, before + "half a line\n");
      Thread.sleep(2 * 1000 + 200);
      assertThat(api(s, admin)).isEqualTo(200);
      assertThat(api(s, reader)).isEqualTo(401);

      // The last key revoked: no one gets in, auth does not switch off.
      Files.writeString(file, before);
      assertThat(
              KeysCommandTest.sextant("keys", "revoke", "root", "--file", file.toString()).code())
          .isZero();
      assertThat(within(() -> api(s, admin), 401)).isEqualTo(401);
      assertThat(api(s, null)).isEqualTo(401);
      assertThat(otlpHttp(s, null)).isEqualTo(401);
    }
  }

  /** Asks until the answer is {@code wanted} or {@link #WITHIN} has passed; the last answer. */
  private static int within(IntSupplier ask, int wanted) throws InterruptedException {
    long end = System.nanoTime() + WITHIN.toNanos();
    int got = ask.getAsInt();
    while (got != wanted && System.nanoTime() < end) {
      Thread.sleep(100);
      got = ask.getAsInt();
    }
    return got;
  }

  private static int api(TestServer s, String secret) {
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(s.api("/api/v1/services")))
              .timeout(Duration.ofSeconds(30));
      if (secret != null) {
        b.header("Authorization", "Bearer " + secret);
      }
      return TestServer.HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static int otlpHttp(TestServer s, String secret) {
    try {
      byte[] body =
          Otlp.request(
                  "keys-it",
                  List.of(
                      Otlp.span("5b8efff798038103d269b633813fc60c", "00f067aa0ba902b7", "GET /")
                          .build()))
              .toByteArray();
      return (secret == null
              ? TestServer.post(s.otlpHttp("/v1/traces"), "application/x-protobuf", body)
              : TestServer.post(
                  s.otlpHttp("/v1/traces"),
                  "application/x-protobuf",
                  body,
                  "Authorization",
                  "Bearer " + secret))
          .status();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Status.Code grpc(TestServer s, String secret) {
    ExportTraceServiceRequest request =
        Otlp.request(
            "keys-it-grpc",
            List.of(
                Otlp.span("7b8efff798038103d269b633813fc60c", "20f067aa0ba902b7", "g").build()));
    try {
      GrpcClients.builder(s.grpcEndpoint())
          .addHeader("authorization", "Bearer " + secret)
          .build(TraceServiceGrpc.TraceServiceBlockingStub.class)
          .export(request);
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }
}
