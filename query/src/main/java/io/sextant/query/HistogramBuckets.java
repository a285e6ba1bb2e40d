package io.sextant.query;

import java.util.Arrays;
import java.util.List;

/**
 * The buckets of one histogram data point, in OTLP's own layout, with the two operations the
 * percentile of a histogram metric needs: the counts of a window of a cumulative series (a later
 * point minus an earlier one), and the buckets as value ranges with counts, which several points
 * merge into by simply being put side by side.
 */
sealed interface HistogramBuckets {

  /**
   * This point's counts minus {@code earlier}'s, or null when they cannot be subtracted (other
   * bounds, or a count went down: the series was reset).
   */
  HistogramBuckets minus(HistogramBuckets earlier);

  /**
   * Adds one {@code {low, high, count}} per non-empty bucket, the bucket's bounds clamped to the
   * point's min and max when known. Returns false when a bucket's bounds cannot be known (a
   * histogram with no bounds and no min or max).
   */
  boolean ranges(List<double[]> out);

  static HistogramBuckets explicit(double[] bounds, long[] counts, Double min, Double max) {
    if (counts.length != 0 && counts.length != bounds.length + 1) {
      throw new IllegalArgumentException("bucket counts and bounds do not fit");
    }
    return new Explicit(bounds, counts, min, max);
  }

  @SuppressWarnings("checkstyle:ParameterNumber")
  static HistogramBuckets exponential(
      int scale,
      long zeroCount,
      double zeroThreshold,
      int positiveOffset,
      long[] positive,
      int negativeOffset,
      long[] negative,
      Double min,
      Double max) {
    if (scale < -10 || scale > 20) {
      throw new IllegalArgumentException("scale out of range: " + scale);
    }
    return new Exponential(
        scale,
        zeroCount,
        zeroThreshold,
        positiveOffset,
        positive,
        negativeOffset,
        negative,
        min,
        max);
  }

  /** Explicit bounds: bucket i holds values in (bounds[i-1], bounds[i]]; the ends are open. */
  record Explicit(double[] bounds, long[] counts, Double min, Double max)
      implements HistogramBuckets {

    @Override
    public HistogramBuckets minus(HistogramBuckets earlier) {
      if (!(earlier instanceof Explicit e) || !Arrays.equals(bounds, e.bounds)) {
        return null;
      }
      if (e.counts.length == 0) {
        return this;
      }
      if (counts.length != e.counts.length) {
        return null;
      }
      long[] out = new long[counts.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = counts[i] - e.counts[i];
        if (out[i] < 0) {
          return null;
        }
      }
      return new Explicit(bounds, out, min, max);
    }

    @Override
    public boolean ranges(List<double[]> out) {
      for (int i = 0; i < counts.length; i++) {
        if (counts[i] == 0) {
          continue;
        }
        double low;
        double high;
        if (bounds.length == 0) {
          if (min == null && max == null) {
            return false;
          }
          low = min != null ? min : max;
          high = max != null ? max : min;
        } else if (i == 0) {
          // The open lowest bucket starts at the point's min, or at 0 when its bound is positive
          // (most measurements are), else at its bound.
          high = bounds[0];
          low = min != null ? min : high > 0 ? 0 : high;
        } else if (i == bounds.length) {
          // The open highest bucket ends at the point's max, or at its lower bound.
          low = bounds[i - 1];
          high = max != null ? max : low;
        } else {
          low = bounds[i - 1];
          high = bounds[i];
        }
        out.add(clamp(low, high, counts[i], min, max));
      }
      return true;
    }
  }

  /**
   * Base-2 exponential buckets: at scale s, bucket index i holds values in (base^i, base^(i+1)]
   * with base = 2^(2^-s); negative values mirror that; the zero bucket holds [-threshold,
   * threshold].
   */
  record Exponential(
      int scale,
      long zeroCount,
      double zeroThreshold,
      int positiveOffset,
      long[] positive,
      int negativeOffset,
      long[] negative,
      Double min,
      Double max)
      implements HistogramBuckets {

    @Override
    public HistogramBuckets minus(HistogramBuckets earlier) {
      if (!(earlier instanceof Exponential e) || zeroThreshold != e.zeroThreshold) {
        return null;
      }
      int s = Math.min(scale, e.scale);
      long[][] pos =
          subtract(down(positiveOffset, positive, s), e.down(e.positiveOffset, e.positive, s));
      long[][] neg =
          subtract(down(negativeOffset, negative, s), e.down(e.negativeOffset, e.negative, s));
      long zero = zeroCount - e.zeroCount;
      if (pos == null || neg == null || zero < 0) {
        return null;
      }
      return new Exponential(
          s, zero, zeroThreshold, (int) pos[0][0], pos[1], (int) neg[0][0], neg[1], min, max);
    }

    /**
     * {@code counts} from {@code offset} at this scale, brought down to scale {@code s}: {offset},
     * counts.
     */
    long[][] down(int offset, long[] counts, int s) {
      int shift = scale - s;
      if (counts.length == 0) {
        return new long[][] {{offset >> shift}, new long[0]};
      }
      int first = offset >> shift;
      int last = (offset + counts.length - 1) >> shift;
      long[] out = new long[last - first + 1];
      for (int i = 0; i < counts.length; i++) {
        out[((offset + i) >> shift) - first] += counts[i];
      }
      return new long[][] {{first}, out};
    }

    private static long[][] subtract(long[][] later, long[][] earlier) {
      int from = (int) Math.min(later[0][0], earlier[0][0]);
      int to = (int) Math.max(later[0][0] + later[1].length, earlier[0][0] + earlier[1].length);
      long[] out = new long[Math.max(0, to - from)];
      for (int i = 0; i < later[1].length; i++) {
        out[(int) (later[0][0] + i - from)] += later[1][i];
      }
      for (int i = 0; i < earlier[1].length; i++) {
        out[(int) (earlier[0][0] + i - from)] -= earlier[1][i];
      }
      for (long c : out) {
        if (c < 0) {
          return null;
        }
      }
      return new long[][] {{from}, out};
    }

    @Override
    public boolean ranges(List<double[]> out) {
      if (zeroCount > 0) {
        out.add(clamp(-zeroThreshold, zeroThreshold, zeroCount, min, max));
      }
      for (int i = 0; i < positive.length; i++) {
        if (positive[i] > 0) {
          int index = positiveOffset + i;
          out.add(clamp(bound(index), bound(index + 1), positive[i], min, max));
        }
      }
      for (int i = 0; i < negative.length; i++) {
        if (negative[i] > 0) {
          int index = negativeOffset + i;
          out.add(clamp(-bound(index + 1), -bound(index), negative[i], min, max));
        }
      }
      return true;
    }

    /** base^index = 2^(index · 2^-scale). */
    private double bound(int index) {
      return Math.pow(2.0, Math.scalb((double) index, -scale));
    }
  }

  private static double[] clamp(double low, double high, long count, Double min, Double max) {
    if (min != null) {
      low = Math.max(low, min);
      high = Math.max(high, min);
    }
    if (max != null) {
      low = Math.min(low, max);
      high = Math.min(high, max);
    }
    return new double[] {low, high, count};
  }
}
