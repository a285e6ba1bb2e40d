package io.sextant.server.slo;

import io.sextant.query.Calculation;
import io.sextant.query.Catalog;
import io.sextant.query.Engine;
import io.sextant.query.Filter;
import io.sextant.query.QueryException;
import io.sextant.query.Question;
import io.sextant.query.Result;
import io.sextant.query.memory.EventMatcher;
import io.sextant.store.spi.StoreException;
import io.sextant.store.spi.TimeRange;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates SLOs incrementally and raises multi-window, multi-burn-rate alerts (Google SRE
 * workbook, "Alerting on SLOs"): a page when the last hour and the last 5 minutes both burn the
 * error budget 14.4 times faster than sustainable, a ticket when the last 6 hours and the last 30
 * minutes both burn it 6 times faster. Each SLO keeps its valid and good counts per minute for its
 * whole window in a ring ({@link SloRing}). At start the window is counted by questions to the
 * store. Then, where this process stores the events ({@link SloCounter}), they are counted as they
 * are stored and the ticks ask nothing; elsewhere every tick recounts only the last few minutes
 * (late events included), never the window (docs/adr/0017-signals-metrics-slos.md).
 */
public final class SloEvaluator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SloEvaluator.class);

  /** The alert windows, in minutes, and the names they are shown by. */
  static final int[] WINDOWS = {5, 30, 60, 360};

  public static final String[] WINDOW_NAMES = {"5m", "30m", "1h", "6h"};

  static final double PAGE_BURN = 14.4;
  static final double TICKET_BURN = 6;

  /** Minutes recounted at every tick: the open one and those before it, for late events. */
  static final int RECOUNT = 3;

  /** Most minutes one question asks for (the query engine's bucket limit). */
  static final int CHUNK = 1000;

  /** As started: its webhooks, UI address and time scale; the SLOs themselves are in states. */
  private final SloConfig config;

  private final Engine engine;
  private final Clock clock;
  private final AlertSink sink;
  private final SloCounter counter;
  private final long minuteNanos;
  // Copied on write so that close() can retire the rings without waiting for a tick.
  private final List<SloState> states = new CopyOnWriteArrayList<>();
  private ScheduledExecutorService timer;

  /** Receives alerts as they fire and resolve, once each. */
  public interface AlertSink {
    void alert(Alert alert);
  }

  /** Counts every minute by questions to {@code engine}: where this process stores no events. */
  public SloEvaluator(SloConfig config, Engine engine, Clock clock, AlertSink sink) {
    this(config, engine, clock, sink, null);
  }

  /**
   * Counts the minutes from its start on with {@code counter}, as the events are stored, and only
   * those before by questions to {@code engine}; {@code counter} null counts every minute by
   * questions. {@code engine} must read what {@code counter} counts: the same store and tenant.
   */
  public SloEvaluator(
      SloConfig config, Engine engine, Clock clock, AlertSink sink, SloCounter counter) {
    this.config = config;
    this.engine = engine;
    this.clock = clock;
    this.sink = sink;
    this.counter = counter;
    this.minuteNanos = (long) (60_000_000_000L / config.timeScale());
    for (Slo s : config.slos()) {
      states.add(new SloState(s));
    }
  }

  /** The config as it stands now: the SLOs evaluated, edits included. */
  public synchronized SloConfig config() {
    return new SloConfig(
        states.stream().map(s -> s.slo).toList(),
        config.webhooks(),
        config.uiUrl(),
        config.timeScale());
  }

  /** Ticks four times a (scaled) minute on a thread of its own. */
  public SloEvaluator start() {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sextant-slo");
              t.setDaemon(true);
              return t;
            });
    long every = Math.max(50_000_000L, minuteNanos / 4);
    timer.scheduleWithFixedDelay(this::tickQuietly, 0, every, TimeUnit.NANOSECONDS);
    return this;
  }

  private void tickQuietly() {
    try {
      tick();
    } catch (RuntimeException e) {
      log.warn("SLO evaluation failed: {}", e.toString());
    }
  }

  /**
   * Counts what is still to count of every SLO, then raises or resolves alerts: the whole window at
   * start (and after an edit of what is counted), then the last {@link #RECOUNT} minutes, by
   * questions, of the minutes questions own (all of them without a {@link SloCounter}). SLOs that
   * count the same valid events (an availability and a latency SLO of one route) share that
   * question.
   */
  public synchronized void tick() {
    long now = clock.millis() * 1_000_000L;
    long current = Math.floorDiv(now, minuteNanos);
    Map<ValidCount, long[]> validCounts = new HashMap<>();
    Catalog catalog = null;
    for (SloState s : states) {
      try {
        if (counter != null && (s.ring.countedFrom() == SloRing.QUESTIONS_ONLY || s.ring.stale)) {
          catalog = catalog == null ? engine.catalog() : catalog;
          bind(s, catalog, current, validCounts);
        }
        long first = current - s.minutes + 1;
        long from = s.whole ? first : Math.max(first, s.last - RECOUNT + 1);
        long upTo = Math.min(current, s.ring.countedFrom() - 1);
        for (long chunk = from; chunk <= upTo; chunk += CHUNK) {
          count(s, chunk, Math.min(upTo, chunk + CHUNK - 1), validCounts);
        }
        List<Long> asked = counter == null ? List.of() : s.ring.takeAsked(from, current);
        try {
          int i = 0;
          while (i < asked.size()) {
            // A run of minutes in one question (a backfill can touch many).
            int j = i + 1;
            while (j < asked.size() && asked.get(j) == asked.get(j - 1) + 1 && j - i < CHUNK) {
              j++;
            }
            count(s, asked.get(i), asked.get(j - 1), validCounts);
            i = j;
          }
        } catch (StoreException | QueryException e) {
          s.ring.askAgain(asked);
          throw e;
        }
        s.ring.arrive(current);
        s.last = current;
        s.whole = false;
        s.error = null;
      } catch (StoreException | QueryException e) {
        s.error = e.getMessage();
        continue;
      }
      evaluate(s, current, now);
    }
  }

  /**
   * Binds {@code s}'s conditions against the store's {@code catalog} and, unless they are bound as
   * they were counted, (re)starts counting them at ingest from the next minute, M0: the minutes
   * before it are then counted again by questions, the whole window. Events already stored for M0
   * and after (their clocks ahead of this one) were not seen by the counter: the minutes they are
   * in are asked of the store too.
   */
  private void bind(SloState s, Catalog catalog, long current, Map<ValidCount, long[]> validCounts)
      throws StoreException {
    s.ring.stale = false;
    EventMatcher valid;
    EventMatcher good;
    try {
      valid = EventMatcher.of(s.slo.validFilter(), catalog);
      good = EventMatcher.of(s.slo.goodFilter(), catalog);
    } catch (QueryException e) {
      counter.stop(s.ring); // the questions are refused alike, until the catalog changes
      throw e;
    }
    if (s.ring.countedFrom() != SloRing.QUESTIONS_ONLY
        && valid.equals(s.valid)
        && good.equals(s.good)) {
      return;
    }
    long from = current + 1;
    counter.count(s.ring, valid, good, minuteNanos, from);
    s.valid = valid;
    s.good = good;
    s.whole = true;
    try {
      long[] ahead = validCounts(s.slo.validFilter(), from, from + CHUNK - 1, validCounts);
      for (int i = 0; i < ahead.length; i++) {
        if (ahead[i] > 0) {
          s.ring.ask(from + i, current);
        }
      }
    } catch (StoreException | QueryException e) {
      counter.stop(s.ring); // bound again at the next tick
      throw e;
    }
  }

  /** The minutes a valid condition was counted over in this tick. */
  private record ValidCount(Filter valid, long fromMinute, long toMinute) {}

  private void count(
      SloState s, long fromMinute, long toMinute, Map<ValidCount, long[]> validCounts)
      throws StoreException {
    long[] valid = validCounts(s.slo.validFilter(), fromMinute, toMinute, validCounts);
    long[] good = counts(Filter.and(s.slo.validFilter(), s.slo.goodFilter()), fromMinute, toMinute);
    for (int i = 0; i < valid.length; i++) {
      s.ring.put(fromMinute + i, valid[i], good[i]);
    }
  }

  private long[] validCounts(
      Filter valid, long fromMinute, long toMinute, Map<ValidCount, long[]> validCounts)
      throws StoreException {
    ValidCount key = new ValidCount(valid, fromMinute, toMinute);
    long[] counts = validCounts.get(key);
    if (counts == null) {
      counts = counts(valid, fromMinute, toMinute);
      validCounts.put(key, counts);
    }
    return counts;
  }

  private long[] counts(Filter where, long fromMinute, long toMinute) throws StoreException {
    int n = (int) (toMinute - fromMinute + 1);
    Question q =
        Question.over(new TimeRange(fromMinute * minuteNanos, (toMinute + 1) * minuteNanos))
            .where(where)
            .calculate(Calculation.count())
            .series(true)
            .granularityNanos(minuteNanos)
            .build();
    Result r = engine.run(q);
    long[] out = new long[n];
    if (r.series() != null && !r.series().groups().isEmpty()) {
      List<Number> values = r.series().groups().get(0).values().get("count()");
      for (int i = 0; i < n && i < values.size(); i++) {
        out[i] = values.get(i) == null ? 0 : values.get(i).longValue();
      }
    }
    return out;
  }

  private void evaluate(SloState s, long current, long now) {
    for (int w = 0; w < WINDOWS.length; w++) {
      s.burn[w] = s.burnRate(current, WINDOWS[w]);
    }
    long[] all = s.ring.sums(current, s.minutes);
    s.budgetRemaining =
        all[0] == 0 ? 1 : 1 - ((all[0] - all[1]) / (double) all[0]) / s.slo.budget();
    boolean page = s.burn[2] > PAGE_BURN && s.burn[0] > PAGE_BURN;
    boolean ticket = s.burn[3] > TICKET_BURN && s.burn[1] > TICKET_BURN;
    s.pageSince = transition(s, Alert.Severity.PAGE, page, s.pageSince, now);
    s.ticketSince = transition(s, Alert.Severity.TICKET, ticket, s.ticketSince, now);
  }

  /** Tells the sink of a change only; returns when the alert started firing, or -1. */
  private long transition(
      SloState s, Alert.Severity severity, boolean firing, long since, long now) {
    if (firing == (since >= 0)) {
      return since;
    }
    long started = firing ? now : since;
    sink.alert(
        new Alert(
            s.slo,
            severity,
            firing,
            s.burn.clone(),
            s.budgetRemaining,
            started,
            firing ? -1 : now));
    return firing ? now : -1;
  }

  /** What each SLO looks like now, for the API and /metrics. */
  public synchronized List<Status> statuses() {
    List<Status> out = new ArrayList<>();
    for (SloState s : states) {
      out.add(
          new Status(
              s.slo,
              s.burn.clone(),
              s.budgetRemaining,
              s.pageSince >= 0,
              s.ticketSince >= 0,
              s.error));
    }
    return out;
  }

  /**
   * Adds {@code slo}, or replaces the SLO of its name (edited in the UI, docs/slo.md). The counts
   * are kept when what is counted (valid, good, window) did not change, and the burn rates are
   * computed again at once; otherwise the window is counted again at the next tick. An alert that
   * fires keeps its start, so its resolve, when the edited SLO stops burning, has the same id.
   */
  public synchronized void put(Slo slo) {
    int at = index(slo.name());
    if (at < 0) {
      states.add(new SloState(slo));
      return;
    }
    SloState old = states.get(at);
    boolean sameCounts =
        old.slo.valid().equals(slo.valid())
            && old.slo.good().equals(slo.good())
            && old.minutes == (int) slo.window().toMinutes();
    SloState fresh = sameCounts ? new SloState(slo, old.ring) : new SloState(slo);
    fresh.pageSince = old.pageSince;
    fresh.ticketSince = old.ticketSince;
    if (sameCounts) {
      fresh.last = old.last;
      fresh.whole = old.whole;
      fresh.error = old.error;
      fresh.valid = old.valid;
      fresh.good = old.good;
    } else if (counter != null) {
      counter.retire(old.ring);
    }
    states.set(at, fresh);
    if (sameCounts && fresh.last >= 0) {
      evaluate(fresh, fresh.last, clock.millis() * 1_000_000L);
    }
  }

  /**
   * Stops evaluating the SLO named {@code name}; its alerts that fire are resolved. Returns whether
   * there was one.
   */
  public synchronized boolean remove(String name) {
    int at = index(name);
    if (at < 0) {
      return false;
    }
    SloState s = states.remove(at);
    if (counter != null) {
      counter.retire(s.ring);
    }
    long now = clock.millis() * 1_000_000L;
    transition(s, Alert.Severity.PAGE, false, s.pageSince, now);
    transition(s, Alert.Severity.TICKET, false, s.ticketSince, now);
    return true;
  }

  private int index(String name) {
    for (int i = 0; i < states.size(); i++) {
      if (states.get(i).slo.name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The SLO named {@code name} minute by minute over the last {@code minutes} it has counted (at
   * most its window): valid and good counts, and the burn rate over each of {@link #WINDOWS} as it
   * stood at the end of every minute. Null for an unknown name; empty before the first count.
   */
  public synchronized Series series(String name, int minutes) {
    int at = index(name);
    if (at < 0) {
      return null;
    }
    SloState s = states.get(at);
    if (s.last < 0) {
      return new Series(
          s.slo, 0, minuteNanos, new long[0], new long[0], new double[WINDOWS.length][0]);
    }
    int n = Math.max(1, Math.min(minutes, s.minutes));
    int back = WINDOWS[WINDOWS.length - 1];
    long start = s.last - n + 1 - back;
    // Prefix sums over the n minutes and the longest window before them: each burn rate is then
    // two subtractions, not a sum over its window.
    long[][] prefix = s.ring.prefixSums(start, n + back);
    long[] pv = prefix[0];
    long[] pg = prefix[1];
    long[] valid = new long[n];
    long[] good = new long[n];
    double[][] burn = new double[WINDOWS.length][n];
    for (int i = 0; i < n; i++) {
      int end = back + i + 1;
      valid[i] = pv[end] - pv[end - 1];
      good[i] = pg[end] - pg[end - 1];
      for (int w = 0; w < WINDOWS.length; w++) {
        long v = pv[end] - pv[end - WINDOWS[w]];
        long g = pg[end] - pg[end - WINDOWS[w]];
        burn[w][i] = v == 0 ? 0 : ((v - g) / (double) v) / s.slo.budget();
      }
    }
    return new Series(s.slo, (s.last - n + 1) * minuteNanos, minuteNanos, valid, good, burn);
  }

  /**
   * One SLO minute by minute: the minute starting at {@code fromUnixNano + i · stepNanos} has
   * {@code valid[i]}, {@code good[i]} and, per window in {@link #WINDOWS} order, {@code
   * burnRates[w][i]}.
   */
  public record Series(
      Slo slo,
      long fromUnixNano,
      long stepNanos,
      long[] valid,
      long[] good,
      double[][] burnRates) {}

  /** One SLO now: burn rates in {@link #WINDOWS} order. */
  public record Status(
      Slo slo,
      double[] burnRates,
      double budgetRemaining,
      boolean paging,
      boolean ticketing,
      String error) {}

  /** The (scaled) length of a minute: a minute, unless a time scale shrinks it. */
  public Duration minute() {
    return Duration.ofNanos(minuteNanos);
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
    if (counter != null) {
      for (SloState s : states) {
        counter.retire(s.ring);
      }
    }
  }

  /** One SLO's counts ({@link SloRing}), what it was counted with, and its alert state. */
  static final class SloState {
    final Slo slo;
    final int minutes;
    final SloRing ring;
    final double[] burn = new double[WINDOWS.length];
    double budgetRemaining = 1;
    long last = -1;
    // The whole window is still to be counted by questions (at start, after an edit or rebinding).
    boolean whole = true;
    long pageSince = -1;
    long ticketSince = -1;
    String error;
    // The conditions as bound when the counter started counting them; null without a counter.
    EventMatcher valid;
    EventMatcher good;

    SloState(Slo slo) {
      this(slo, new SloRing((int) slo.window().toMinutes()));
    }

    SloState(Slo slo, SloRing ring) {
      this.slo = slo;
      this.minutes = ring.minutes;
      this.ring = ring;
    }

    /** The error rate over the last {@code n} minutes as a multiple of the budget. */
    double burnRate(long current, int n) {
      long[] s = ring.sums(current, n);
      return s[0] == 0 ? 0 : ((s[0] - s[1]) / (double) s[0]) / slo.budget();
    }
  }
}
