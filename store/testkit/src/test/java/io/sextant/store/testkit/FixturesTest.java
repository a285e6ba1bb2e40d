package io.sextant.store.testkit;

import static io.sextant.store.testkit.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.model.Event;
import io.sextant.model.EventKind;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.StatusCode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FixturesTest {

  @Test
  void trace_isOneTreeInsideItsRoot_withLogsInItsSpans() {
    Random rnd = new Random(1);
    for (int n = 1; n <= 40; n++) {
      List<Event> trace = Fixtures.trace(rnd, T0, n);
      assertThat(trace).hasSize(n + Fixtures.LOGS_PER_TRACE);

      Map<SpanId, Event> spans = new HashMap<>();
      trace.stream()
          .filter(e -> e.kind() == EventKind.SPAN)
          .forEach(s -> assertThat(spans.put(s.spanId(), s)).as("unique span id").isNull());
      assertThat(spans).hasSize(n);
      Event root = trace.get(0);
      assertThat(root.parentSpanId()).isNull();
      assertThat(root.spanKind()).isEqualTo(SpanKind.SERVER);
      assertThat(root.timeUnixNano()).isEqualTo(T0);
      for (Event e : trace) {
        assertThat(e.traceId()).isEqualTo(root.traceId());
        if (e.kind() == EventKind.SPAN && e != root) {
          Event parent = spans.get(e.parentSpanId());
          assertThat(parent).as("parent of %s", e.name()).isNotNull();
          assertThat(e.timeUnixNano()).isGreaterThanOrEqualTo(parent.timeUnixNano());
          assertThat(e.timeUnixNano() + e.durationNanos())
              .isLessThanOrEqualTo(parent.timeUnixNano() + parent.durationNanos());
        }
        if (e.kind() == EventKind.LOG) {
          Event span = spans.get(e.spanId());
          assertThat(span).isNotNull();
          assertThat(e.resource()).isEqualTo(span.resource());
          assertThat(e.timeUnixNano())
              .isBetween(span.timeUnixNano(), span.timeUnixNano() + span.durationNanos());
        }
        assertThat(e.resource().attributes().asMap())
            .containsKeys("service.name", "service.version", "host.name", "deployment.environment");
      }
    }
  }

  @Test
  void traces_coverEveryKind_errorsWithExceptions_databasesAndServices() {
    List<Event> events = Fixtures.traces(new Random(2), T0, 1_000_000, 500, 10);

    Set<SpanKind> kinds = EnumSet.noneOf(SpanKind.class);
    List<Event> errors = new ArrayList<>();
    long databaseSpans = 0;
    for (Event e : events) {
      if (e.kind() == EventKind.SPAN) {
        kinds.add(e.spanKind());
        databaseSpans += e.attributes().get("db.system") != null ? 1 : 0;
        if (e.status() == StatusCode.ERROR) {
          errors.add(e);
        }
      }
    }
    assertThat(kinds)
        .containsExactlyInAnyOrder(
            SpanKind.SERVER,
            SpanKind.CLIENT,
            SpanKind.INTERNAL,
            SpanKind.PRODUCER,
            SpanKind.CONSUMER);
    assertThat(databaseSpans).isPositive();
    assertThat(errors).isNotEmpty();
    assertThat(errors)
        .allSatisfy(e -> assertThat(e.events()).extracting("name").contains("exception"));
    assertThat(events.stream().map(Event::serviceName).distinct())
        .containsExactlyInAnyOrderElementsOf(Fixtures.SERVICES);
    assertThat(events.stream().map(e -> e.attributes().get("user_id")).distinct().count())
        .isGreaterThan(400);
    assertThat(events.get(0).attributes().get("http.response.status_code"))
        .isInstanceOf(Long.class);
  }

  @Test
  void longText_hasTheAskedLength_andNoHalfSurrogate() {
    for (int length = 1; length < 200; length++) {
      String text = Fixtures.longText(length);
      assertThat(text).hasSize(length);
      assertThat(Character.isHighSurrogate(text.charAt(length - 1))).isFalse();
    }
  }
}
