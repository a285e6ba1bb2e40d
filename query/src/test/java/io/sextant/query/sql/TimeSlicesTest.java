package io.sextant.query.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TimeSlicesTest {
  private static final long HOUR = 3_600_000_000_000L;
  private static final long DAY = 24 * HOUR;

  /** The events the slices hold, when each bucket's events are spread evenly over it. */
  private static double expected(TimeSlices s, long from, long width, long[] counts) {
    double n = 0;
    for (long[] slice : s.slices()) {
      for (long t = slice[0]; t < slice[1]; ) {
        int b = (int) ((t - from) / width);
        long end = Math.min(slice[1], from + (b + 1) * width);
        n += counts[b] * (end - t) / (double) width;
        t = end;
      }
    }
    return n;
  }

  @Test
  void evenlySpreadEvents_areSampledInSlicesAcrossTheRange_holdingAboutTheTarget() {
    long width = TimeSlices.bucketWidth(0, DAY);
    long[] counts = new long[TimeSlices.BUCKETS];
    java.util.Arrays.fill(counts, 40_000);
    TimeSlices s = TimeSlices.of(0, DAY, width, counts, 6_000);

    assertThat(s.slices()).hasSize(TimeSlices.SLICES);
    assertThat(s.slices().get(0)[0]).isLessThan(DAY / 10);
    assertThat(s.slices().get(s.slices().size() - 1)[1]).isGreaterThan(DAY * 9 / 10);
    assertThat(expected(s, 0, width, counts)).isBetween(5_900.0, 6_100.0);
  }

  @Test
  void eventsInTenMinutesOfADay_areSampledInThoseTenMinutes() {
    long width = TimeSlices.bucketWidth(0, DAY); // 6 minutes
    long[] counts = new long[TimeSlices.BUCKETS];
    counts[100] = 50_000;
    counts[101] = 30_000;
    TimeSlices s = TimeSlices.of(0, DAY, width, counts, 6_000);

    for (long[] slice : s.slices()) {
      assertThat(slice[0]).isGreaterThanOrEqualTo(100 * width);
      assertThat(slice[1]).isLessThanOrEqualTo(102 * width);
    }
    assertThat(expected(s, 0, width, counts)).isBetween(5_900.0, 6_100.0);
  }

  @Test
  void slicesThatMeet_areOne_andNeverLeaveTheRange() {
    long[] counts = new long[TimeSlices.BUCKETS];
    counts[0] = 7_000; // dense enough that every slice is a sliver of the first bucket
    long width = TimeSlices.bucketWidth(5, 5 + 2400);
    TimeSlices s = TimeSlices.of(5, 5 + 2400, width, counts, 6_900);

    List<long[]> slices = s.slices();
    for (int i = 0; i < slices.size(); i++) {
      assertThat(slices.get(i)[0]).isGreaterThanOrEqualTo(5).isLessThan(slices.get(i)[1]);
      assertThat(slices.get(i)[1]).isLessThanOrEqualTo(5 + 2400);
      if (i > 0) {
        assertThat(slices.get(i)[0]).isGreaterThan(slices.get(i - 1)[1]);
      }
    }
  }

  @Test
  void noMoreEventsThanTheTarget_readsThemAll() {
    long[] counts = new long[TimeSlices.BUCKETS];
    counts[3] = 6_000;
    assertThat(TimeSlices.of(0, DAY, TimeSlices.bucketWidth(0, DAY), counts, 6_000)).isNull();
  }
}
