package io.sextant.server.slo;

import io.sextant.model.Event;
import io.sextant.pipeline.StoreTap;
import io.sextant.query.Field;
import io.sextant.query.memory.EventMatcher;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the SLOs' valid and good conditions on the events this process stores, as it stores them,
 * into each SLO's ring, by the minute of the event's own time: the ticks then ask the store nothing
 * for those minutes (docs/adr/0017-signals-metrics-slos.md). Only where this process is the store's
 * one writer (the embedded server over its DuckDB file): a query node, or a store other processes
 * write to, keeps counting by questions.
 *
 * <p>It is the sinks' {@link StoreTap}. {@link #taken} evaluates the conditions on the submitting
 * thread, with the in-memory engine's semantics ({@link EventMatcher}), into a small tally; the
 * tally is added to the rings once the events are in the store, under this object's lock. A tally
 * knows which SLOs it was made for: an SLO whose counting started in between did not see those
 * events, so their minutes are handed to questions ({@link SloRing#ask}), which see them in the
 * store. SLOs are those of the operations tenant (docs/adr/0018-tenants.md): other tenants' events
 * are not looked at.
 */
public final class SloCounter implements StoreTap {
  private static final Logger log = LoggerFactory.getLogger(SloCounter.class);

  private final String tenant;
  private final Clock clock;
  private volatile Counting counting = Counting.NONE;

  /** Counts the events of {@code tenant}, dated by {@code clock} against the rings' minutes. */
  public SloCounter(String tenant, Clock clock) {
    this.tenant = tenant;
    this.clock = clock;
  }

  /**
   * One SLO counted here: its ring, and its conditions as bound when its counting started. Told
   * apart by identity: counting that starts again is another entry, even with the same conditions.
   */
  private static final class Entry {
    final SloRing ring;
    final EventMatcher valid;
    final EventMatcher good;

    Entry(SloRing ring, EventMatcher valid, EventMatcher good) {
      this.ring = ring;
      this.valid = valid;
      this.good = good;
    }
  }

  /**
   * What is counted now, replaced whole on every change. Conditions alike are evaluated once an
   * event: {@code entriesOf[v]} are the entries whose valid condition is {@code valids[v]}; {@code
   * watched} are the attributes the conditions read, {@code watchers[k]} the entries reading {@code
   * watched[k]}.
   */
  private record Counting(
      long minuteNanos,
      Entry[] entries,
      EventMatcher[] valids,
      int[][] entriesOf,
      Field[] watched,
      int[][] watchers) {
    static final Counting NONE =
        new Counting(
            1, new Entry[0], new EventMatcher[0], new int[0][], new Field[0], new int[0][]);

    static Counting of(long minuteNanos, Entry[] entries) {
      Map<EventMatcher, List<Integer>> byValid = new LinkedHashMap<>();
      Map<Field, List<Integer>> byField = new LinkedHashMap<>();
      for (int i = 0; i < entries.length; i++) {
        byValid.computeIfAbsent(entries[i].valid, x -> new ArrayList<>()).add(i);
        for (EventMatcher m : List.of(entries[i].valid, entries[i].good)) {
          for (Field f : m.attributes()) {
            List<Integer> readers = byField.computeIfAbsent(f, x -> new ArrayList<>());
            if (!readers.contains(i)) {
              readers.add(i);
            }
          }
        }
      }
      return new Counting(
          minuteNanos,
          entries,
          byValid.keySet().toArray(EventMatcher[]::new),
          byValid.values().stream().map(SloCounter::ints).toArray(int[][]::new),
          byField.keySet().toArray(Field[]::new),
          byField.values().stream().map(SloCounter::ints).toArray(int[][]::new));
    }
  }

  private static int[] ints(List<Integer> list) {
    return list.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Starts counting into {@code ring} the events of minute {@code from} on matching {@code valid}
   * (and {@code good}), with minutes of {@code minuteNanos}; what the ring counted at ingest before
   * is forgotten, the caller counts the minutes before {@code from} by questions.
   */
  synchronized void count(
      SloRing ring, EventMatcher valid, EventMatcher good, long minuteNanos, long from) {
    if (ring.retired) {
      return;
    }
    Counting now = counting;
    if (now.entries().length > 0 && now.minuteNanos() != minuteNanos) {
      throw new IllegalStateException(
          "SLOs of another time scale are counted here; stop their evaluator first");
    }
    List<Entry> entries = new ArrayList<>(List.of(now.entries()));
    entries.removeIf(e -> e.ring == ring);
    entries.add(new Entry(ring, valid, good));
    ring.countFrom(from);
    counting = Counting.of(minuteNanos, entries.toArray(Entry[]::new));
  }

  /** Stops counting into {@code ring}: from now on questions count all of its minutes. */
  synchronized void stop(SloRing ring) {
    Counting now = counting;
    List<Entry> entries = new ArrayList<>(List.of(now.entries()));
    if (entries.removeIf(e -> e.ring == ring)) {
      counting = Counting.of(now.minuteNanos(), entries.toArray(Entry[]::new));
    }
    ring.countFrom(SloRing.QUESTIONS_ONLY);
  }

  /** Stops counting into {@code ring} for good: its SLO was removed, edited, or stopped. */
  synchronized void retire(SloRing ring) {
    ring.retired = true;
    stop(ring);
  }

  @Override
  public Runnable taken(List<Event> events) {
    Counting c = counting;
    Tally t = null;
    try {
      for (Event e : events) {
        if (!tenant.equals(e.tenant())) {
          continue;
        }
        if (t == null) {
          t = new Tally(c, events.size());
        }
        t.times[t.n++] = e.timeUnixNano();
        if (c.entries().length > 0) {
          tally(c, e, t);
        }
      }
    } catch (RuntimeException e) {
      // Never fail a request for its SLOs: questions count what could not be counted here.
      log.warn(
          "SLO conditions failed on an event, its minute is counted by questions: {}",
          e.toString());
      t = new Tally(c, events.size());
      t.failed = true;
      for (Event x : events) {
        if (tenant.equals(x.tenant())) {
          t.times[t.n++] = x.timeUnixNano();
        }
      }
    }
    return t;
  }

  private static void tally(Counting c, Event e, Tally t) {
    for (int k = 0; k < c.watched().length; k++) {
      if (!EventMatcher.bindsAlike(c.watched()[k], e)) {
        t.stale(c.watchers()[k]);
      }
    }
    long minute = Math.floorDiv(e.timeUnixNano(), c.minuteNanos());
    Run run = null;
    for (int v = 0; v < c.valids().length; v++) {
      if (!c.valids()[v].matches(e)) {
        continue;
      }
      if (run == null) {
        run = t.run(minute);
      }
      for (int i : c.entriesOf()[v]) {
        run.valid[i]++;
        if (c.entries()[i].good.matches(e)) {
          run.good[i]++;
        }
      }
    }
  }

  /** One minute's counts in a tally, per entry of the counting it was made for. */
  private static final class Run {
    final long minute;
    final long[] valid;
    final long[] good;

    Run(long minute, int entries) {
      this.minute = minute;
      this.valid = new long[entries];
      this.good = new long[entries];
    }
  }

  /** What one request's events counted, added to the rings once they are stored. */
  private final class Tally implements Runnable {
    final Counting made;
    final long[] times;
    int n;
    boolean failed;
    boolean[] stale;
    Run last;
    Map<Long, Run> runs;

    Tally(Counting made, int events) {
      this.made = made;
      this.times = new long[events];
    }

    Run run(long minute) {
      if (last != null && last.minute == minute) {
        return last;
      }
      if (runs == null) {
        runs = new HashMap<>();
        if (last != null) {
          runs.put(last.minute, last);
        }
      }
      last = runs.computeIfAbsent(minute, m -> new Run(m, made.entries().length));
      return last;
    }

    void stale(int[] entries) {
      if (stale == null) {
        stale = new boolean[made.entries().length];
      }
      for (int i : entries) {
        stale[i] = true;
      }
    }

    @Override
    public void run() {
      synchronized (SloCounter.this) {
        Counting now = counting;
        if (now.entries().length == 0) {
          return;
        }
        long current = Math.floorDiv(clock.millis() * 1_000_000L, now.minuteNanos());
        long[] minutes = null;
        for (int i = 0; i < now.entries().length; i++) {
          Entry e = now.entries()[i];
          int j = made == now ? i : Arrays.asList(made.entries()).indexOf(e);
          if (j < 0 || failed) {
            // Counting started after these events were taken: questions count their minutes.
            minutes = minutes == null ? minutes(now.minuteNanos()) : minutes;
            for (long m : minutes) {
              e.ring.ask(m, current);
            }
            continue;
          }
          if (stale != null && stale[j]) {
            e.ring.stale = true;
          }
          if (runs == null && last != null) {
            add(e.ring, last, j, current);
          } else if (runs != null) {
            for (Run r : runs.values()) {
              add(e.ring, r, j, current);
            }
          }
        }
      }
    }

    private static void add(SloRing ring, Run r, int j, long current) {
      if (r.valid[j] > 0) {
        ring.add(r.minute, r.valid[j], r.good[j], current);
      }
    }

    private long[] minutes(long minuteNanos) {
      TreeSet<Long> out = new TreeSet<>();
      for (int i = 0; i < n; i++) {
        out.add(Math.floorDiv(times[i], minuteNanos));
      }
      return out.stream().mapToLong(Long::longValue).toArray();
    }
  }
}
