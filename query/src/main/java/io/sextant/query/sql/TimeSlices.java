package io.sextant.query.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * A sample of events as a few short time slices, placed where the events are: for a store whose
 * table sample cannot skip data ({@link SqlDialect#sampleByTime}). The events of a time range are
 * counted per bucket first; slices are then put at {@value #SLICES} evenly spaced points of the
 * cumulative count (so a side whose events all lie in ten minutes of a day is sampled in those ten
 * minutes), each as long as that bucket's density needs for its share of the target. A store
 * ordered by time within each service then reads a few blocks per slice and service, whatever the
 * range holds: the read no longer grows with the events.
 *
 * <p>This is a cluster sample, as DuckDB's vector sample is: events close in time come together.
 * Where the placement points fall is fixed by the counts, so the same data gives the same sample.
 *
 * @param slices each {@code [from, to)} in Unix nanoseconds, sorted and not overlapping
 */
record TimeSlices(List<long[]> slices) {
  /** Buckets the range is counted in. */
  static final int BUCKETS = 240;

  /** Slices per sample. */
  static final int SLICES = 16;

  /** The width of each of {@link #BUCKETS} buckets over {@code [from, to)}, at least 1 ns. */
  static long bucketWidth(long from, long to) {
    return Math.max(1, Math.ceilDiv(to - from, (long) BUCKETS));
  }

  /**
   * Slices over buckets of {@code width} starting at {@code from} holding {@code counts[i]} events
   * each, for about {@code target} events in all; null when the buckets hold no more than that
   * (then every event is read).
   */
  static TimeSlices of(long from, long to, long width, long[] counts, long target) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    if (total <= target) {
      return null;
    }
    double perSlice = target / (double) SLICES;
    List<long[]> out = new ArrayList<>();
    long before = 0;
    int b = 0;
    for (int j = 0; j < SLICES; j++) {
      double point = (j + 0.5) * total / SLICES;
      while (before + counts[b] <= point) {
        before += counts[b++];
      }
      long bucketFrom = from + b * width;
      double density = counts[b] / (double) width; // events per nanosecond
      long at = bucketFrom + (long) ((point - before) / counts[b] * width);
      long half = Math.max(1, (long) Math.ceil(perSlice / density / 2));
      long sliceFrom = Math.max(from, at - half);
      long sliceTo = Math.min(to, at + half);
      long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && sliceFrom <= last[1]) {
        last[1] = Math.max(last[1], sliceTo);
      } else {
        out.add(new long[] {sliceFrom, sliceTo});
      }
    }
    return new TimeSlices(out);
  }

  /** The condition on {@code time} (a column expression) that keeps the events of the slices. */
  void condition(Statement st, String time) {
    st.add("(");
    for (int i = 0; i < slices.size(); i++) {
      st.add(i > 0 ? " OR " : "").add("(" + time + " >= ").param(slices.get(i)[0]);
      st.add(" AND " + time + " < ").param(slices.get(i)[1]).add(")");
    }
    st.add(")");
  }
}
