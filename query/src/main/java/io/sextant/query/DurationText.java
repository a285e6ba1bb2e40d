package io.sextant.query;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them, the one grammar of Sextant's queries, flags and files: {@code
 * 500ms}, {@code 1.5s}, {@code 1h30m}, {@code 7d} (units ns, us, ms, s, m, h, d), in nanoseconds.
 * In query text units are lower case so that {@code 1M} or {@code 5H} stay plain words; {@link
 * #duration} (flags, JSON, YAML) also takes upper case, spaces between number and unit, and
 * ISO-8601 ({@code PT90S}).
 */
public final class DurationText {
  private static final long US = 1_000L;
  private static final long MS = 1_000_000L;
  private static final long S = 1_000_000_000L;
  private static final long M = 60 * S;
  private static final long H = 60 * M;
  private static final long D = 24 * H;

  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|μs|ms|s|m|h|d)");

  private static final Map<String, Long> UNITS =
      Map.ofEntries(
          Map.entry("ns", 1L),
          Map.entry("us", US),
          Map.entry("µs", US),
          Map.entry("μs", US),
          Map.entry("ms", MS),
          Map.entry("s", S),
          Map.entry("m", M),
          Map.entry("h", H),
          Map.entry("d", D));

  /** Unit words accepted after a separate number in time clauses: {@code last 2 hours}. */
  private static final Map<String, Long> UNIT_WORDS =
      Map.ofEntries(
          Map.entry("ms", MS),
          Map.entry("s", S),
          Map.entry("sec", S),
          Map.entry("secs", S),
          Map.entry("second", S),
          Map.entry("seconds", S),
          Map.entry("m", M),
          Map.entry("min", M),
          Map.entry("mins", M),
          Map.entry("minute", M),
          Map.entry("minutes", M),
          Map.entry("h", H),
          Map.entry("hr", H),
          Map.entry("hrs", H),
          Map.entry("hour", H),
          Map.entry("hours", H),
          Map.entry("d", D),
          Map.entry("day", D),
          Map.entry("days", D),
          Map.entry("w", 7 * D),
          Map.entry("week", 7 * D),
          Map.entry("weeks", 7 * D));

  private static final long[] FORMAT_UNITS = {D, H, M, S, MS, US, 1};
  private static final String[] FORMAT_NAMES = {"d", "h", "m", "s", "ms", "us", "ns"};

  private DurationText() {}

  /**
   * The nanoseconds {@code word} stands for, or null when it is not a duration. Fractions are
   * rounded to the nearest nanosecond.
   *
   * @throws ArithmeticException when the duration does not fit in a long
   */
  public static Long parse(String word) {
    // Part by part from the start, each where the last ended: a regex repeating a group over the
    // whole word recursed once per part, and a few kilobytes of "4h4h…" overflowed the stack
    // (found by the fuzzer). No duration needs more than MAX_LENGTH characters.
    if (word.isEmpty() || word.length() > MAX_LENGTH) {
      return null;
    }
    BigDecimal total = BigDecimal.ZERO;
    Matcher m = PART.matcher(word);
    int at = 0;
    while (at < word.length()) {
      m.region(at, word.length());
      if (!m.lookingAt()) {
        return null;
      }
      total =
          total.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(UNITS.get(m.group(2)))));
      at = m.end();
    }
    return total.setScale(0, RoundingMode.HALF_UP).longValueExact();
  }

  /** The longest text taken as a duration: {@code 1d23h59m59s999ms999us999ns} is 26. */
  static final int MAX_LENGTH = 64;

  /**
   * The duration {@code text} stands for.
   *
   * @param what names the setting or field in the message of the refusal
   * @throws IllegalArgumentException with a sentence naming {@code what}, when {@code text} is not
   *     a duration, is negative, or is too long to count in nanoseconds (about 292 years)
   */
  public static Duration duration(String text, String what) {
    String t = text == null ? "" : text.strip();
    try {
      if (t.startsWith("P") || t.startsWith("p")) {
        Duration d = Duration.parse(t);
        if (!d.isNegative()) {
          d.toNanos(); // every duration here fits in a long of nanoseconds, as parse's do
          return d;
        }
      } else {
        Long nanos = parse(t.replaceAll("\\s+", "").toLowerCase(Locale.ROOT));
        if (nanos != null) {
          return Duration.ofNanos(nanos);
        }
      }
    } catch (RuntimeException tooLongOrNotIso) {
      // refused below
    }
    throw new IllegalArgumentException(
        what + " \"" + text + "\" is not a duration such as 500ms, 30s, 15m, 1h30m or 7d");
  }

  /** The nanoseconds in one {@code word} unit ({@code hours}, {@code min}, {@code d}), or null. */
  public static Long unitWord(String word) {
    return UNIT_WORDS.get(word.toLowerCase(Locale.ROOT));
  }

  /** {@code nanos} in the largest unit that divides it: {@code 500ms}, {@code 90s}, {@code 7d}. */
  public static String format(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    for (int i = 0; i < FORMAT_UNITS.length; i++) {
      if (nanos % FORMAT_UNITS[i] == 0) {
        return (nanos / FORMAT_UNITS[i]) + FORMAT_NAMES[i];
      }
    }
    throw new AssertionError("unreachable: every long is a whole number of nanoseconds");
  }
}
