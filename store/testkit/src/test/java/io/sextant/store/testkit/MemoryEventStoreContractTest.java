package io.sextant.store.testkit;

import static io.sextant.store.testkit.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.model.Event;
import io.sextant.model.SpanId;
import io.sextant.model.StatusCode;
import io.sextant.model.TraceId;
import io.sextant.store.spi.Capabilities;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.MemoryEventStore;
import io.sextant.store.spi.TimeRange;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MemoryEventStoreContractTest extends EventStoreContract {

  @Override
  protected EventStore openStore(Path dir) {
    return new MemoryEventStore();
  }

  @Test
  void capabilities_retentionButNotDurable() throws Exception {
    assertThat(store().capabilities()).isEqualTo(new Capabilities(false, true));
    store().write(Fixtures.trace(new Random(1), T0, 5));
    assertThat(store().stats().bytesOnDisk()).isZero();
  }

  @Test
  void write_spanAgainWithSameIds_replacesIt() throws Exception {
    TraceId traceId = Fixtures.traceId(new Random(2));
    Event first = Fixtures.span("checkout", traceId, new SpanId(1), T0).build();
    Event second = first.toBuilder().status(StatusCode.ERROR).durationNanos(5).build();
    store().write(List.of(first));
    store().write(List.of(second));

    assertThat(store().trace(traceId)).containsExactly(second);
    assertThat(store().stats().events()).isEqualTo(1);
  }

  @Test
  void afterClose_callsThrowIllegalState_andCheckIsUnhealthy() {
    List<Event> trace = Fixtures.trace(new Random(3), T0, 3);
    store().close();

    assertThatThrownBy(() -> store().write(trace)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> store().trace(trace.get(0).traceId()))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> store().services(new TimeRange(0, 1)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> store().deleteBefore(T0)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> store().stats()).isInstanceOf(IllegalStateException.class);
    assertThat(store().check().healthy()).isFalse();
  }

  @Test
  void fixtures_sameSeed_giveEqualEvents_differentSeeds_differ() {
    List<Event> a = Fixtures.traces(new Random(4), T0, 1_000_000, 50, 9);
    List<Event> b = Fixtures.traces(new Random(4), T0, 1_000_000, 50, 9);
    List<Event> c = Fixtures.traces(new Random(5), T0, 1_000_000, 50, 9);

    assertThat(a).hasSize(50 * (9 + Fixtures.LOGS_PER_TRACE)).isEqualTo(b).isNotEqualTo(c);
  }
}
