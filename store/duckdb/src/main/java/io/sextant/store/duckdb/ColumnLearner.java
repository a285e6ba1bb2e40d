package io.sextant.store.duckdb;

import io.sextant.store.duckdb.Schema.Promoted;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Learns which attribute keys deserve a typed column of their own from the data written
 * (docs/adr/0022-learned-columns.md): over a window of about one row group, a key that a large
 * enough share of the sampled events carry, with one type, gets a column, up to a cap. Only the
 * store's writer calls it, under its lock.
 */
final class ColumnLearner {
  private final DuckDbConfig.Learning settings;

  // Per key: sampled rows holding a string, and holding a whole number.
  private final Map<String, long[]> counts = new HashMap<>();
  private long sampled;
  private long rows;

  ColumnLearner(DuckDbConfig.Learning settings) {
    this.settings = settings;
  }

  /** Counts a batch just stored. True when the window is full: time for {@link #decide}. */
  boolean observe(StagedBatch batch) {
    if (settings.max() == 0) {
      return false;
    }
    rows += batch.size;
    sampled += batch.sampled;
    for (Map.Entry<String, int[]> e : batch.unpromoted.entrySet()) {
      long[] c = counts.computeIfAbsent(e.getKey(), k -> new long[2]);
      c[0] += e.getValue()[0];
      c[1] += e.getValue()[1];
    }
    return rows >= settings.everyRows();
  }

  /**
   * The keys to give columns now, most frequent first, and starts a new window. A key qualifies
   * when at least {@code share} of the sampled events hold it as one type (a string, or a whole
   * number); the type a column takes is that one, and values of other types stay in the attributes
   * object.
   */
  List<Promoted> decide(Columns current) {
    List<Promoted> out = new ArrayList<>();
    if (sampled > 0) {
      List<Map.Entry<String, long[]>> ranked = new ArrayList<>(counts.entrySet());
      ranked.sort((a, b) -> Long.compare(most(b.getValue()), most(a.getValue())));
      Columns taken = current;
      for (Map.Entry<String, long[]> e : ranked) {
        if (current.learned + out.size() >= settings.max()) {
          break;
        }
        long[] c = e.getValue();
        if (most(c) < settings.share() * sampled) {
          break;
        }
        if (!taken.canLearn(e.getKey())) {
          continue;
        }
        Schema.Type type = c[1] > c[0] ? Schema.Type.LONG : Schema.Type.STRING;
        Promoted p = new Promoted(e.getKey(), type, false, true);
        out.add(p);
        taken = taken.plus(List.of(p)); // a later key differing only in case is refused
      }
    }
    counts.clear();
    sampled = 0;
    rows = 0;
    return out;
  }

  private static long most(long[] c) {
    return Math.max(c[0], c[1]);
  }
}
