package io.sextant.triage;

import io.sextant.model.Event;
import io.sextant.model.TraceId;
import io.sextant.query.Aggregate;
import io.sextant.query.Calculation;
import io.sextant.query.Catalog;
import io.sextant.query.Engine;
import io.sextant.query.Filter;
import io.sextant.query.Op;
import io.sextant.query.Order;
import io.sextant.query.Question;
import io.sextant.store.spi.EventStore;
import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.TimeRange;
import io.sextant.triage.probe.Probe;
import io.sextant.triage.probe.ProbeEvents;
import io.sextant.triage.probe.ProbeRunner;
import io.sextant.triage.probe.ProbeSuite;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link FootprintBook} that survives a restart, through the store it already writes to
 * (docs/probes.md, "What triage remembers"). Nothing is kept beside the events:
 *
 * <ul>
 *   <li>the flake history and latencies are rebuilt from the stored probe results ({@code
 *       sextant-probes}/{@code probe}) of the last {@link #WINDOW}, at most {@link #MAX_RESULTS},
 *       the latest kept;
 *   <li>the footprints and known calls are learned again from the stored traces of the last {@link
 *       FootprintBook#KEEP_TRACES} passing runs of each probe (in the background);
 *   <li>the marks that keep failed runs out of the flake rate, which no result says, are written as
 *       {@code probe.explained} events as they are set, and read back with the results.
 * </ul>
 *
 * Only the results of the probe as it is now count: a result whose stored request key ({@code
 * probe.request}) differs from the probe's, or that names a probe no longer in the suite, is not
 * read.
 */
public final class DurableBook {
  private static final Logger log = LoggerFactory.getLogger(DurableBook.class);

  /** How far back the stored results are read. */
  public static final Duration WINDOW = Duration.ofHours(6);

  /** At most this many stored results and marks are read (the latest). */
  public static final int MAX_RESULTS = Question.MAX_LIMIT;

  private DurableBook() {}

  /**
   * A book for {@code suite}, rebuilt from {@code store}, that writes its marks to {@code sink}.
   * The history is read before this returns; the footprints are learned from the stored traces in
   * the background, and {@code learned} completes when they are.
   */
  public static Opened open(
      ProbeSuite suite, EventStore store, Engine engine, Consumer<List<Event>> sink, Clock clock) {
    FootprintBook book = new FootprintBook();
    CompletableFuture<Integer> learned = restore(book, suite, store, engine, clock);
    book.journal(journal(sink, clock));
    return new Opened(book, learned);
  }

  /**
   * @param learned completes with the number of traces learned again once they are
   */
  public record Opened(FootprintBook book, CompletableFuture<Integer> learned) {}

  /** A journal that stores each mark as a {@code probe.explained} event. */
  public static FootprintBook.Journal journal(Consumer<List<Event>> sink, Clock clock) {
    return (probe, traceId, why) ->
        sink.accept(
            List.of(ProbeEvents.explained(probe, traceId, why, clock.millis() * 1_000_000L)));
  }

  /** One stored result. */
  private record Stored(
      String probe, String traceId, long time, boolean passed, double millis, boolean rolledBack) {}

  /**
   * Rebuilds {@code book} (new, empty) from the stored results of {@code suite}'s probes; answers a
   * future of the number of traces learned again, which completes once they are.
   */
  public static CompletableFuture<Integer> restore(
      FootprintBook book, ProbeSuite suite, EventStore store, Engine engine, Clock clock) {
    List<Stored> results;
    Map<String, String> marks = new HashMap<>();
    try {
      results = read(suite, engine, clock, marks);
    } catch (StoreException | RuntimeException e) {
      log.warn("the stored probe results could not be read: {}", e.toString());
      return CompletableFuture.completedFuture(0);
    }
    Map<String, List<Stored>> byProbe = new LinkedHashMap<>();
    for (Stored s : results) {
      byProbe.computeIfAbsent(s.probe(), k -> new ArrayList<>()).add(s);
    }
    Map<String, List<String>> toLearn = new LinkedHashMap<>();
    byProbe.forEach(
        (probe, runs) -> {
          List<Stored> kept =
              runs.size() > FootprintBook.KEEP_RUNS
                  ? runs.subList(runs.size() - FootprintBook.KEEP_RUNS, runs.size())
                  : runs;
          for (Stored s : kept) {
            book.recordEarlier(
                probe, s.passed(), s.millis(), s.traceId(), s.rolledBack(), marks.get(s.traceId()));
          }
          List<String> latestPassing = new ArrayList<>();
          for (int i = runs.size() - 1;
              i >= 0 && latestPassing.size() < FootprintBook.KEEP_TRACES;
              i--) {
            if (runs.get(i).passed()) {
              latestPassing.add(runs.get(i).traceId());
            }
          }
          toLearn.put(probe, latestPassing);
        });
    if (!results.isEmpty()) {
      log.info(
          "probe history rebuilt from {} stored results of {} probes",
          results.size(),
          byProbe.size());
    }
    CompletableFuture<Integer> done = new CompletableFuture<>();
    Thread.ofVirtual()
        .name("footprints-restore")
        .start(
            () -> {
              int n = 0;
              try {
                for (var e : toLearn.entrySet()) {
                  for (String traceId : e.getValue()) { // the latest first: each goes in front
                    List<Event> trace = store.trace(TraceId.fromHex(traceId));
                    if (!trace.isEmpty()) {
                      book.learnEarlier(e.getKey(), trace);
                      n++;
                    }
                  }
                }
                log.info("footprints learned again from {} stored traces", n);
              } catch (StoreException | RuntimeException e) {
                log.warn("stored probe traces could not be read: {}", e.toString());
              }
              done.complete(n);
            });
    return done;
  }

  /**
   * The stored results of the suite's probes as they are now, oldest first; {@code marks} gets the
   * stored marks (trace id → why).
   */
  private static List<Stored> read(
      ProbeSuite suite, Engine engine, Clock clock, Map<String, String> marks)
      throws StoreException {
    Catalog catalog = engine.catalog();
    if (!catalog.contains("probe.name") || !catalog.contains("probe.passed")) {
      return List.of(); // nothing stored yet
    }
    List<String> by = new ArrayList<>(List.of("trace_id", "name", "probe.name", "probe.passed"));
    for (String optional :
        List.of(
            "probe.duration_ms",
            "probe.rolled_back",
            "probe.request",
            "probe.method",
            "probe.url",
            "probe.reason",
            "probe.why")) {
      if (catalog.contains(optional)) {
        by.add(optional);
      }
    }
    long now = clock.millis() * 1_000_000L;
    Calculation latest = Calculation.of(Aggregate.MAX, "time");
    var answer =
        engine.run(
            Question.over(new TimeRange(now - WINDOW.toNanos(), now + 60_000_000_000L))
                .where(
                    Filter.and(
                        Filter.Predicate.of("service.name", Op.EQ, ProbeEvents.SERVICE),
                        Filter.Predicate.of(
                            "name", Op.IN, ProbeEvents.RESULT, ProbeEvents.EXPLAINED)))
                .by(by.toArray(String[]::new))
                .calculate(latest)
                .orderBy(Order.desc(latest.label()))
                .limit(MAX_RESULTS)
                .build());
    List<Stored> out = new ArrayList<>();
    for (List<Object> row : answer.rows()) {
      Map<String, Object> v = new HashMap<>();
      for (int i = 0; i < by.size(); i++) {
        v.put(by.get(i), row.get(i));
      }
      String traceId = (String) v.get("trace_id");
      String probe = (String) v.get("probe.name");
      if (traceId == null || probe == null) {
        continue;
      }
      if (ProbeEvents.EXPLAINED.equals(v.get("name"))) {
        if (v.get("probe.why") != null) {
          marks.put(traceId, v.get("probe.why").toString());
        }
        continue;
      }
      Probe p = suite.get(probe);
      if (p == null
          || !sameRequest(p, v)
          || ProbeRunner.INTERRUPTED.equals(v.get("probe.reason"))) {
        continue; // another request, or a run Sextant cut short
      }
      Object time = row.get(by.size());
      out.add(
          new Stored(
              probe,
              traceId,
              time instanceof Number n ? n.longValue() : 0L,
              truth(v.get("probe.passed")),
              v.get("probe.duration_ms") instanceof Number n ? n.doubleValue() : 0.0,
              truth(v.get("probe.rolled_back"))));
    }
    out.sort(Comparator.comparingLong(Stored::time));
    return out;
  }

  /** Whether a stored result was a run of the probe's request as it is now. */
  private static boolean sameRequest(Probe p, Map<String, Object> v) {
    Object key = v.get("probe.request");
    if (key != null) {
      return key.toString().equals(p.requestKey());
    }
    // Results stored before the request key: the method and URL must match.
    return p.method().equals(v.get("probe.method"))
        && p.url().toString().equals(v.get("probe.url"));
  }

  private static boolean truth(Object v) {
    return Boolean.TRUE.equals(v) || "true".equals(String.valueOf(v));
  }
}
