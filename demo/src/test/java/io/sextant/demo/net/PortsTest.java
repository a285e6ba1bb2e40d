package io.sextant.demo.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PortsTest {

  @Test
  void freePortsAreNeverHandedOutTwice() {
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      assertThat(seen.add(Ports.free())).isTrue();
    }
  }

  @Test
  void aPortTakenBeforeBindingIsRetriedOnAnotherPort() throws IOException {
    try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int taken = squatter.getLocalPort();
      AtomicInteger calls = new AtomicInteger();
      int bound =
          Ports.bindRetrying(
              "test",
              () -> {
                int port = calls.incrementAndGet() == 1 ? taken : Ports.free();
                try (ServerSocket s = new ServerSocket()) {
                  s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                  return s.getLocalPort();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      assertThat(calls).hasValue(2);
      assertThat(bound).isNotEqualTo(taken);
    }
  }

  @Test
  void otherFailuresAreNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                Ports.bindRetrying(
                    "test",
                    () -> {
                      calls.incrementAndGet();
                      throw new IllegalStateException("bad config");
                    }))
        .hasMessage("bad config");
    assertThat(calls).hasValue(1);
  }
}
