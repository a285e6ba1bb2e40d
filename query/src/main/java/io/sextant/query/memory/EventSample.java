package io.sextant.query.memory;

import io.sextant.model.Event;
import io.sextant.query.EventFields;
import io.sextant.query.Field;
import io.sextant.query.Results;
import java.util.List;

/**
 * Which events the in-memory engine computes on when there are too many: a stable hash of each
 * event's time, so the same events on every call.
 */
final class EventSample {
  /** The modulus of the stable sampling hash: an event is sampled by {@code time mod P}. */
  static final long SAMPLE_MODULUS = 1_000_003;

  private EventSample() {}

  /** The sampling threshold for a side of {@code n} events: sampled when time mod P is below it. */
  static long sampleThreshold(long n) {
    if (n <= Results.MAX_SAMPLE) {
      return SAMPLE_MODULUS;
    }
    return (long) Math.ceil((double) Results.MAX_SAMPLE / n * SAMPLE_MODULUS);
  }

  static List<Event> sample(List<Event> events, long n) {
    long k = sampleThreshold(n);
    if (k >= SAMPLE_MODULUS) {
      return events;
    }
    return events.stream()
        .filter(e -> Math.floorMod(e.timeUnixNano(), SAMPLE_MODULUS) < k)
        .toList();
  }

  static long describeThreshold(long n) {
    if (n <= Results.DESCRIBE_SAMPLE) {
      return SAMPLE_MODULUS;
    }
    return (long) Math.ceil((double) Results.DESCRIBE_SAMPLE / n * SAMPLE_MODULUS);
  }

  /** Every field's value on {@code e}, aligned with {@code fields}. */
  static Object[] row(List<Field> fields, Event e) {
    Object[] out = new Object[fields.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = EventFields.value(e, fields.get(i));
    }
    return out;
  }
}
