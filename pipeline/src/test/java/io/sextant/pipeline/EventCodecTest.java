package io.sextant.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import io.sextant.model.SpanId;
import io.sextant.model.TraceId;
import io.sextant.store.testkit.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EventCodecTest {
  static List<Event> batch() {
    Random rnd = new Random(7);
    List<Event> out = new ArrayList<>();
    out.add(
        Fixtures.spanWithEveryField(new TraceId(1, 2), new SpanId(3), new SpanId(4), Fixtures.T0));
    out.addAll(Fixtures.traces(rnd, Fixtures.T0, 1_000_000L, 5, 4));
    out.add(
        Event.log()
            .timeUnixNano(Fixtures.T0 + 5)
            .severityNumber(17)
            .severityText("ERROR")
            .body(null)
            .resource(new Resource(Attributes.of("service.name", "cart")))
            .tenant("acme")
            .build());
    out.add(
        Event.metric()
            .timeUnixNano(-1) // not ours to judge: the codec keeps what it is given
            .attributes(
                Attributes.of(
                    "metric.name", "x", "value", -0.0, "count", Long.MIN_VALUE, "nan", Double.NaN))
            .tenant("globex")
            .build());
    return out;
  }

  @Test
  void aBatchRoundTripsExactly_everyFieldAndTypeAndTenant() throws Exception {
    List<Event> events = batch();
    List<Event> back = EventCodec.decode(EventCodec.encode(events));
    assertThat(back).isEqualTo(events);
    assertThat(back.get(back.size() - 1).attributes().get("value"))
        .isEqualTo(-0.0)
        .matches(v -> Double.doubleToRawLongBits((Double) v) == Long.MIN_VALUE);
    assertThat(EventCodec.decode(EventCodec.encode(List.of()))).isEmpty();
  }

  @Test
  void sharedResourcesAreWrittenOnce() {
    List<Event> twenty = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      twenty.add(
          Fixtures.spanWithEveryField(
              new TraceId(1, i + 1), new SpanId(i + 1), null, Fixtures.T0 + i));
    }
    int one = EventCodec.encode(twenty.subList(0, 1)).length;
    Event bare = twenty.get(0).toBuilder().resource(Resource.EMPTY).build();
    int resourceBytes = one - EventCodec.encode(List.of(bare)).length;
    assertThat(resourceBytes).isGreaterThan(100);
    int all = EventCodec.encode(twenty).length;
    assertThat(all).isLessThanOrEqualTo(20 * one - 19 * resourceBytes);
  }

  @Test
  void whatIsNotAMessageOfOurs_isMalformed_neverAnotherException() {
    byte[] good = EventCodec.encode(batch());
    assertThatThrownBy(() -> EventCodec.decode(new byte[0]))
        .isInstanceOf(EventCodec.Malformed.class)
        .hasMessageContaining("magic");
    byte[] v2 = good.clone();
    v2[2] = 2;
    assertThatThrownBy(() -> EventCodec.decode(v2)).hasMessageContaining("version 2");
    // Every truncation, and random corruption: Malformed, or (rarely) other valid events.
    for (int cut = 3; cut < good.length; cut += Math.max(1, good.length / 500)) {
      byte[] part = java.util.Arrays.copyOf(good, cut);
      assertThatThrownBy(() -> EventCodec.decode(part)).isInstanceOf(EventCodec.Malformed.class);
    }
    Random rnd = new Random(1);
    for (int i = 0; i < 3000; i++) {
      byte[] bad = good.clone();
      for (int j = 0; j < 1 + rnd.nextInt(4); j++) {
        bad[3 + rnd.nextInt(bad.length - 3)] = (byte) rnd.nextInt(256);
      }
      try {
        EventCodec.decode(bad);
      } catch (EventCodec.Malformed expected) {
        // the one refusal
      }
    }
    byte[] huge = {0x53, 0x58, 1, (byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
    assertThatThrownBy(() -> EventCodec.decode(huge)).hasMessageContaining("claims");
  }
}
