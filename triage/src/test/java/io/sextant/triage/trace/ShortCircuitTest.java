package io.sextant.triage.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.triage.rank.TraceFixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShortCircuitTest {
  static final Map<String, Double> FOOTPRINT =
      Map.of("gateway", 1.0, "customers", 1.0, "customers (postgresql @ 127.0.0.1:6001)", 1.0);

  @Test
  void anEntryServiceThatAnsweredWithoutCallingWhatItUsuallyCalls_shortCircuited() {
    // A GET whose breaker is open: 405, no error span, no client span.
    TraceFixtures.Trace t = new TraceFixtures.Trace();
    t.span(null, "gateway", "edge", SpanKind.SERVER, "GET /api/customers/{id}", 0, 3, false);
    assertThat(ShortCircuit.of(t.events(), FOOTPRINT, 0.5, 100)).isTrue();

    // A POST: 503 with the breaker's message.
    TraceFixtures.Trace post = new TraceFixtures.Trace();
    SpanId root =
        post.span(null, "gateway", "edge", SpanKind.SERVER, "POST /api/orders", 0, 3, true);
    post.message(root, "CircuitBreaker 'downstream' is OPEN and does not permit further calls");
    assertThat(ShortCircuit.of(post.events(), FOOTPRINT, 0.5, 100)).isTrue();
  }

  @Test
  void anEntryServiceThatFailedByItself_orCalledSomething_didNot() {
    TraceFixtures.Trace own = new TraceFixtures.Trace();
    SpanId root = own.span(null, "gateway", "edge", SpanKind.SERVER, "GET /x", 0, 3, true);
    own.message(root, "java.lang.IllegalStateException: chaos");
    assertThat(ShortCircuit.of(own.events(), FOOTPRINT, 0.5, 100)).isFalse();

    TraceFixtures.Trace called = new TraceFixtures.Trace();
    SpanId r = called.span(null, "gateway", "edge", SpanKind.SERVER, "GET /x", 0, 1600, false);
    called.span(
        r,
        "gateway",
        "edge",
        SpanKind.CLIENT,
        "GET",
        1,
        1501,
        true,
        "server.address",
        "127.0.0.1",
        "server.port",
        9001L);
    assertThat(ShortCircuit.of(called.events(), FOOTPRINT, 0.5, 100)).isFalse();

    // An entry service that waited 1.6 s for a call that left no span did not short-circuit.
    TraceFixtures.Trace waited = new TraceFixtures.Trace();
    waited.span(null, "gateway", "edge", SpanKind.SERVER, "GET /x", 0, 1600, false);
    assertThat(ShortCircuit.of(waited.events(), FOOTPRINT, 0.5, 100)).isFalse();
    assertThat(ShortCircuit.of(waited.events(), FOOTPRINT, 0.5, Double.NaN)).isFalse();

    // A probe whose healthy runs never go past the entry service: nothing was skipped.
    TraceFixtures.Trace alone = new TraceFixtures.Trace();
    alone.span(null, "gateway", "edge", SpanKind.SERVER, "GET /ping", 0, 3, false);
    assertThat(ShortCircuit.of(alone.events(), Map.of("gateway", 1.0), 0.5, 100)).isFalse();
  }
}
