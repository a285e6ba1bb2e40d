package io.sextant.triage.trace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FailureKindTest {

  @Test
  void hikariSaysWhetherItsPoolRanOutOrNoConnectionCanBeMade() {
    assertThat(
            FailureKind.of(
                "database error: payments-db - Connection is not available, request timed out"
                    + " after 1000ms (total=6, active=6, idle=0, waiting=4)"))
        .isEqualTo(FailureKind.EXHAUSTED);
    assertThat(
            FailureKind.of(
                "database error: payments-db - Connection is not available, request timed out"
                    + " after 1000ms (total=0, active=0, idle=0, waiting=2)"))
        .isEqualTo(FailureKind.UNREACHABLE);
  }

  @Test
  void socketsAndClientsThatCannotReachTheirPeer() {
    assertThat(FailureKind.of("java.net.ConnectException: Connection refused"))
        .isEqualTo(FailureKind.UNREACHABLE);
    assertThat(FailureKind.of("Connection reset by peer")).isEqualTo(FailureKind.UNREACHABLE);
    assertThat(FailureKind.of("java.net.UnknownHostException: payments"))
        .isEqualTo(FailureKind.UNREACHABLE);
    assertThat(
            FailureKind.of("Cannot get a connection, pool error Timeout waiting for idle object"))
        .isEqualTo(FailureKind.EXHAUSTED);
  }

  @Test
  void anythingElseIsTheReportersOwnFailure() {
    assertThat(FailureKind.of("IllegalStateException: bad deploy")).isEqualTo(FailureKind.OWN);
    assertThat(FailureKind.of("")).isEqualTo(FailureKind.OWN);
    assertThat(FailureKind.of(null)).isEqualTo(FailureKind.OWN);
  }

  @Test
  void aCallAnsweredTooLateTimedOutButAConnectionThatNeverOpenedIsUnreachable() {
    assertThat(
            FailureKind.of(
                "I/O error on GET request for \"http://127.0.0.1:8081/x\": Read timed out"))
        .isEqualTo(FailureKind.TIMED_OUT);
    assertThat(FailureKind.of("java.net.http.HttpTimeoutException: request timed out"))
        .isEqualTo(FailureKind.TIMED_OUT);
    assertThat(FailureKind.of("Caused by: java.net.http.HttpTimeoutException: get"))
        .isEqualTo(FailureKind.TIMED_OUT);
    assertThat(FailureKind.of("java.net.SocketTimeoutException: timeout")) // OkHttp's read timeout
        .isEqualTo(FailureKind.TIMED_OUT);
    assertThat(FailureKind.of("io.grpc.StatusRuntimeException: DEADLINE_EXCEEDED"))
        .isEqualTo(FailureKind.TIMED_OUT);
    assertThat(FailureKind.of("java.net.SocketTimeoutException: Connect timed out"))
        .isEqualTo(FailureKind.UNREACHABLE);
  }
}
