package io.sextant.server.slo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SLO's valid and good counts per minute over its window, in a ring: minute {@code m} is in
 * slot {@code m mod minutes}, tagged with {@code m}, so a slot of an older minute reads as empty.
 *
 * <p>Who counts a minute (docs/adr/0017-signals-metrics-slos.md): questions to the store, or, where
 * the process ingests, {@link SloCounter} as events are stored. Never both, which is what keeps a
 * count from being doubled: questions own every minute before {@link #countedFrom} and the minutes
 * {@link #ask}ed of them; ingest owns the rest, from {@code countedFrom} on. A minute moves only
 * from ingest to questions, never back: a question sees every event stored before it, so whatever
 * ingest had counted for that minute is dropped, not added to.
 *
 * <p>Thread-safe: ingest adds from the sink's thread while the evaluator ticks.
 */
final class SloRing {
  private static final Logger log = LoggerFactory.getLogger(SloRing.class);

  /** Future minutes kept for counting when they come; past this, they are asked of the store. */
  static final int MAX_PENDING = 1_440;

  /**
   * Minutes asked of the store that ingest would own: past this, events in more are not counted.
   */
  static final int MAX_ASKED = 10_080;

  /** {@link #countedFrom} of a ring that ingest does not count. */
  static final long QUESTIONS_ONLY = Long.MAX_VALUE;

  final int minutes;
  private final long[] minute;
  private final int[] valid;
  private final int[] good;

  private long countedFrom = QUESTIONS_ONLY;
  // Counted at ingest for minutes after the current one (clocks ahead), added when they come.
  private final TreeMap<Long, long[]> pending = new TreeMap<>();
  // Minutes from countedFrom on that questions own, and those of them to ask at the next tick.
  private final TreeSet<Long> asked = new TreeSet<>();
  private final TreeSet<Long> toAsk = new TreeSet<>();
  private long dropped;

  /**
   * Set by ingest when an event would make the store's catalog bind the SLO's conditions otherwise
   * (a new type or place of an attribute they read); the evaluator binds them again.
   */
  volatile boolean stale;

  /** Its SLO is no longer evaluated: ingest never counts into it again ({@link SloCounter}). */
  boolean retired;

  SloRing(int minutes) {
    this.minutes = minutes;
    this.minute = new long[minutes];
    Arrays.fill(minute, Long.MIN_VALUE);
    this.valid = new int[minutes];
    this.good = new int[minutes];
  }

  /**
   * From now on ingest counts minutes from {@code from} on; what it counted before is forgotten
   * (the questions that follow count every minute before {@code from} again).
   */
  synchronized void countFrom(long from) {
    countedFrom = from;
    pending.clear();
    asked.clear();
    toAsk.clear();
  }

  /** The first minute ingest counts; {@link #QUESTIONS_ONLY} when it counts none. */
  synchronized long countedFrom() {
    return countedFrom;
  }

  /** Sets minute {@code m} as a question counted it, unless the slot holds a later minute. */
  synchronized void put(long m, long v, long g) {
    int slot = slot(m);
    if (minute[slot] > m) {
      return;
    }
    minute[slot] = m;
    valid[slot] = saturate(v);
    good[slot] = saturate(g);
  }

  /**
   * Adds what ingest counted for minute {@code m}, {@code current} being the minute now: nothing
   * for a minute older than the window (a question would not count it either); kept for later for a
   * minute still to come. A minute questions own is asked again instead, so a late event there is
   * counted as a question would count it now.
   */
  synchronized void add(long m, long v, long g, long current) {
    if (m <= current - minutes) {
      return;
    }
    if (m < countedFrom || asked.contains(m)) {
      if (m <= current) {
        toAsk.add(m);
      }
      return;
    }
    if (m > current) {
      long[] p = pending.computeIfAbsent(m, x -> new long[2]);
      p[0] += v;
      p[1] += g;
      if (pending.size() > MAX_PENDING) {
        ask(pending.lastKey(), current);
      }
      return;
    }
    addToSlot(m, v, g, current);
  }

  private void addToSlot(long m, long v, long g, long current) {
    if (m <= current - minutes) {
      return;
    }
    int slot = slot(m);
    if (minute[slot] == m) {
      valid[slot] = saturate(valid[slot] + v);
      good[slot] = saturate(good[slot] + g);
    } else if (minute[slot] < m) {
      minute[slot] = m;
      valid[slot] = saturate(v);
      good[slot] = saturate(g);
    }
  }

  /** Moves what was counted for minutes that have come, up to {@code current}, into the ring. */
  synchronized void arrive(long current) {
    while (!pending.isEmpty() && pending.firstKey() <= current) {
      Map.Entry<Long, long[]> e = pending.pollFirstEntry();
      addToSlot(e.getKey(), e.getValue()[0], e.getValue()[1], current);
    }
    asked.headSet(current - minutes, true).clear();
  }

  /**
   * Hands minute {@code m} to questions: what ingest counted for it is dropped, and a question
   * counts it at the next tick (or when it comes, if it is still ahead). A minute questions own
   * already is asked again.
   */
  synchronized void ask(long m, long current) {
    if (m <= current - minutes) {
      return;
    }
    if (m < countedFrom || asked.contains(m)) {
      if (m <= current) {
        toAsk.add(m);
      }
      return;
    }
    if (asked.size() >= MAX_ASKED) {
      if (dropped++ == 0) {
        log.warn(
            "an SLO has {} minutes of events stamped ahead of the clock waiting to be counted;"
                + " events in further minutes are not counted",
            MAX_ASKED);
      }
      return;
    }
    asked.add(m);
    pending.remove(m);
    if (m <= current) {
      int slot = slot(m);
      if (minute[slot] == m) {
        minute[slot] = Long.MIN_VALUE;
      }
      toAsk.add(m);
    }
  }

  /**
   * The minutes questions count in this tick beside those before {@link #countedFrom} in {@code
   * [from, current]}: those after it in that range they own, and those handed to them or with late
   * events since the last tick, in order. Taken: call {@link #askAgain} with them if the questions
   * fail.
   */
  synchronized List<Long> takeAsked(long from, long current) {
    TreeSet<Long> out = new TreeSet<>(toAsk);
    toAsk.clear();
    long first = Math.max(from, countedFrom);
    if (first <= current) {
      out.addAll(asked.subSet(first, true, current, true));
    }
    // Those before countedFrom from `from` on are asked in this tick anyway.
    out.removeIf(m -> m > current || m <= current - minutes || (m >= from && m < countedFrom));
    return new ArrayList<>(out);
  }

  synchronized void askAgain(List<Long> ms) {
    toAsk.addAll(ms);
  }

  /** {valid, good} over the {@code n} minutes ending with {@code current}. */
  synchronized long[] sums(long current, int n) {
    long v = 0;
    long g = 0;
    for (long m = current - n + 1; m <= current; m++) {
      int slot = slot(m);
      if (minute[slot] == m) {
        v += valid[slot];
        g += good[slot];
      }
    }
    return new long[] {v, g};
  }

  /**
   * Prefix sums of valid and good over the {@code n} minutes from {@code start}: {@code out[0][i]}
   * is the valid count of the {@code i} minutes before {@code start + i}.
   */
  synchronized long[][] prefixSums(long start, int n) {
    long[] pv = new long[n + 1];
    long[] pg = new long[n + 1];
    for (int i = 0; i < n; i++) {
      long m = start + i;
      int slot = slot(m);
      boolean counted = minute[slot] == m;
      pv[i + 1] = pv[i] + (counted ? valid[slot] : 0);
      pg[i + 1] = pg[i] + (counted ? good[slot] : 0);
    }
    return new long[][] {pv, pg};
  }

  private int slot(long m) {
    return (int) Math.floorMod(m, (long) minutes);
  }

  private static int saturate(long n) {
    return (int) Math.min(Integer.MAX_VALUE, n);
  }
}
