package io.sextant.query.testkit;

import static io.sextant.query.testkit.RandomEvents.RANGE;
import static io.sextant.query.testkit.RandomEvents.S;
import static io.sextant.query.testkit.RandomEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.model.Event;
import io.sextant.query.CompareQuery;
import io.sextant.query.Comparison;
import io.sextant.query.Engine;
import io.sextant.query.Engines;
import io.sextant.query.Question;
import io.sextant.query.Result;
import io.sextant.query.TraceQuery;
import io.sextant.query.memory.MemoryEngine;
import io.sextant.query.text.QueryText;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.MemoryEventStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's engine against the naive in-memory engine: random events, random questions, equal
 * answers. Numbers are compared with a relative tolerance of 1e-9 (sums and averages add up in a
 * different order; percentiles interpolate the same way in both). A failure prints the seed and the
 * question so it can be replayed.
 */
public abstract class DifferentialContract {
  static final int QUESTIONS = 300;

  @TempDir protected Path dir;
  private EventStore store;
  private MemoryEventStore reference;

  protected abstract EventStore openStore(Path dir) throws Exception;

  /**
   * How many random questions to ask: a store whose full run takes long (a sharded cluster) asks
   * fewer, beside a full run of the same store on one server.
   */
  protected int questions() {
    return QUESTIONS;
  }

  /** The seed of this run: fixed, so a failure is reproducible; change it to explore. */
  protected long seed() {
    return 20261123L;
  }

  @BeforeEach
  void setUp() throws Exception {
    store = openStore(dir);
    reference = new MemoryEventStore();
    List<Event> events = RandomEvents.events(new Random(seed()));
    for (int i = 0; i < events.size(); i += 500) {
      List<Event> batch = events.subList(i, Math.min(events.size(), i + 500));
      store.write(batch);
      reference.write(batch);
    }
    afterWrite(store);
  }

  /** Checks a store may make once every event is written (for example, of its own layout). */
  protected void afterWrite(EventStore store) throws Exception {}

  @AfterEach
  void tearDown() {
    store.close();
    reference.close();
  }

  @Test
  void answersRandomQuestionsLikeTheNaiveEngine() throws Exception {
    Engine engine = Engines.of(store);
    Engine naive = new MemoryEngine(reference);
    Random r = new Random(seed() * 31 + 7);
    for (int i = 0; i < questions(); i++) {
      Question q = RandomQuestions.question(r);
      String context = "seed " + seed() + ", question " + i + ": " + q;
      Result expected = naive.run(q);
      Result actual = engine.run(q);
      assertThat(actual.columns()).as(context).isEqualTo(expected.columns());
      assertSameRows(context, actual.rows(), expected.rows());
      if (q.series()) {
        assertThat(actual.series().stepNanos())
            .as(context)
            .isEqualTo(expected.series().stepNanos());
        assertThat(actual.series().groups()).as(context).hasSameSizeAs(expected.series().groups());
        for (int g = 0; g < expected.series().groups().size(); g++) {
          Result.SeriesGroup a = actual.series().groups().get(g);
          Result.SeriesGroup e = expected.series().groups().get(g);
          assertSameRows(context, List.of(a.key()), List.of(e.key()));
          for (String label : e.values().keySet()) {
            assertSameRows(
                context + " series " + label,
                List.of(new ArrayList<Object>(a.values().get(label))),
                List.of(new ArrayList<Object>(e.values().get(label))));
          }
        }
      }
      assertThat(actual.heatmaps()).as(context).isEqualTo(expected.heatmaps());
    }
  }

  /** The question docs/query.md shows for metrics, and its neighbours, as text. */
  @Test
  void answersMetricQuestionsLikeTheNaiveEngine() throws Exception {
    Engine engine = Engines.of(store);
    Engine naive = new MemoryEngine(reference);
    String range = " | since 2025-01-01T00:00:00Z until 2025-01-01T00:10:00Z";
    assertThat(T0).isEqualTo(Instant.parse("2025-01-01T00:00:00Z").toEpochMilli() * 1_000_000L);
    for (String text :
        List.of(
            "where kind = metric and metric.name = db.client.connection.count"
                + " | max(value) by pool.name | every 1m",
            "where kind = metric | avg(value), min(value), count() by metric.name, service.name",
            "where kind = metric and metric.type = sum | p99(value), sum(value) by pool.name",
            "where kind = metric and value > 25 | count() by metric.name | every 37s",
            "where metric.name = http.server.request.duration"
                + " | p99(metric.histogram), p50(metric.histogram) by http.route | every 1m",
            "where kind = metric and metric.type = exponential_histogram"
                + " | p90(metric.histogram), count() by service.name, service.version"
                + " | having p90(metric.histogram) > 1 | order by p90(metric.histogram) desc",
            "where kind = metric | p99(metric.histogram) by metric.name, metric.temporality",
            "where kind != metric | count() by kind")) {
      Question q = QueryText.parse(text + range, T0);
      Result expected = naive.run(q);
      Result actual = engine.run(q);
      assertThat(expected.rows()).as(text).isNotEmpty();
      if (text.contains("metric.histogram")) {
        int c = expected.columns().size() - 1;
        while (!expected.columns().get(c).name().contains("metric.histogram")) {
          c--;
        }
        int col = c;
        assertThat(expected.rows()).as(text).anyMatch(row -> row.get(col) instanceof Double);
      }
      assertThat(actual.columns()).as(text).isEqualTo(expected.columns());
      assertSameRows(text, actual.rows(), expected.rows());
      if (q.series()) {
        assertThat(actual.series().groups()).as(text).hasSameSizeAs(expected.series().groups());
        for (int g = 0; g < expected.series().groups().size(); g++) {
          Result.SeriesGroup a = actual.series().groups().get(g);
          Result.SeriesGroup e = expected.series().groups().get(g);
          assertSameRows(text, List.of(a.key()), List.of(e.key()));
          for (String label : e.values().keySet()) {
            assertSameRows(
                text + " series " + label,
                List.of(new ArrayList<Object>(a.values().get(label))),
                List.of(new ArrayList<Object>(e.values().get(label))));
          }
        }
      }
    }
  }

  @Test
  void findsTheSameTracesAsTheNaiveEngine() throws Exception {
    Engine engine = Engines.of(store);
    Engine naive = new MemoryEngine(reference);
    Random r = new Random(seed() * 17 + 3);
    for (int i = 0; i < 60; i++) {
      TraceQuery q =
          new TraceQuery(
              RANGE, r.nextInt(4) == 0 ? null : RandomQuestions.filter(r, 0), 1 + r.nextInt(25));
      assertThat(engine.traces(q)).as("seed " + seed() + ", " + q).isEqualTo(naive.traces(q));
    }
  }

  @Test
  void comparesLikeTheNaiveEngine() throws Exception {
    Engine engine = Engines.of(store);
    Engine naive = new MemoryEngine(reference);
    Random r = new Random(seed() * 13 + 5);
    for (int i = 0; i < 20; i++) {
      CompareQuery q =
          new CompareQuery(
              RANGE,
              r.nextBoolean() ? null : RandomQuestions.filter(r, 1),
              i % 4 == 0
                  ? new CompareQuery.Region("duration", T0 + 60 * S, T0 + 300 * S, 1e6, 1e8)
                  : new CompareQuery.FilterSelection(RandomQuestions.filter(r, 1)));
      Comparison a = engine.compare(q);
      Comparison e = naive.compare(q);
      String context = "seed " + seed() + ", " + q;
      assertThat(a.selectionCount()).as(context).isEqualTo(e.selectionCount());
      assertThat(a.baselineCount()).as(context).isEqualTo(e.baselineCount());
      assertThat(a.attributes()).as(context).hasSameSizeAs(e.attributes());
      for (int k = 0; k < e.attributes().size(); k++) {
        Comparison.AttributeDiff x = a.attributes().get(k);
        Comparison.AttributeDiff y = e.attributes().get(k);
        assertThat(x.key()).as(context).isEqualTo(y.key());
        assertThat(x.score())
            .as(context + " " + y.key())
            .isCloseTo(y.score(), org.assertj.core.api.Assertions.within(1e-9));
        assertThat(x.values()).as(context + " " + y.key()).hasSameSizeAs(y.values());
      }
    }
  }

  static void assertSameRows(
      String context, List<List<Object>> actual, List<List<Object>> expected) {
    assertThat(actual).as(context).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      List<Object> a = actual.get(i);
      List<Object> e = expected.get(i);
      assertThat(a).as(context + " row " + i).hasSameSizeAs(e);
      for (int c = 0; c < e.size(); c++) {
        Object x = a.get(c);
        Object y = e.get(c);
        String where = context + " row " + i + " column " + c + ": " + a + " vs " + e;
        if (x instanceof Double || y instanceof Double) {
          assertThat(x).as(where).isNotNull();
          assertThat(y).as(where).isNotNull();
          double dx = ((Number) x).doubleValue();
          double dy = ((Number) y).doubleValue();
          assertThat(Math.abs(dx - dy))
              .as(where)
              .isLessThanOrEqualTo(1e-9 * Math.max(1, Math.abs(dy)));
        } else {
          assertThat(x).as(where).isEqualTo(y);
        }
      }
    }
  }
}
