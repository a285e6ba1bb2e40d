package io.sextant.store.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.model.Event;
import io.sextant.model.TraceId;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.ServiceSummary;
import io.sextant.store.spi.TimeRange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store under test of {@link EventStoreContract}: opened in a fresh directory before each test
 * and closed after it, with the assertions the contract's tests share.
 */
abstract class StoreUnderTest {
  /** Long enough to hold every fixture this suite writes. */
  static final TimeRange ALL_TIME = new TimeRange(0, Long.MAX_VALUE);

  private static final Comparator<Event> BY_TIME = Comparator.comparingLong(Event::timeUnixNano);
  private static final Comparator<Event> BY_TIME_THEN_SPAN_ID =
      BY_TIME.thenComparing(
          (Event a, Event b) -> Long.compareUnsigned(a.spanId().value(), b.spanId().value()));

  @TempDir protected Path dir;

  private EventStore store;

  /**
   * Opens the store kept in {@code dir}. Called again with the same directory after {@code close},
   * a durable store must open the same data.
   */
  protected abstract EventStore openStore(Path dir) throws Exception;

  /** Whether the store declares writes durable; the tests of surviving a reopen need it. */
  protected boolean isDurable() {
    return store.capabilities().durable();
  }

  /** The store under test, open. */
  protected final EventStore store() {
    return store;
  }

  /** Closes the store and opens the one kept in the same directory. */
  protected final EventStore reopen() throws Exception {
    store.close();
    store = openStore(dir);
    return store;
  }

  @BeforeEach
  protected void openStoreForTest() throws Exception {
    store = openStore(dir);
  }

  @AfterEach
  protected void closeStoreAfterTest() {
    if (store != null) {
      store.close();
    }
  }

  /**
   * Asserts that {@code actual} holds every event of {@code expected} exactly once, ordered by time
   * and, among events with a span id at the same time, by span id in hex order.
   */
  protected static void assertTrace(List<Event> actual, Collection<Event> expected) {
    assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(actual).as("ordered by time").isSortedAccordingTo(BY_TIME);
    assertThat(actual.stream().filter(e -> e.spanId() != null).toList())
        .as("ordered by time, then span id")
        .isSortedAccordingTo(BY_TIME_THEN_SPAN_ID);
  }

  static TraceId traceIdOf(List<Event> trace) {
    return trace.get(0).traceId();
  }

  static List<Event> concat(List<Event> a, List<Event> b) {
    List<Event> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /** The expected answer of {@code services}: counts per service, most first, ties by name. */
  static List<ServiceSummary> servicesOf(List<Event> events) {
    Map<String, Long> counts = new TreeMap<>();
    for (Event e : events) {
      counts.merge(e.serviceName(), 1L, Long::sum);
    }
    List<ServiceSummary> out = new ArrayList<>();
    counts.forEach((name, n) -> out.add(new ServiceSummary(name, n)));
    out.sort(Comparator.comparingLong(ServiceSummary::events).reversed());
    return out;
  }
}
