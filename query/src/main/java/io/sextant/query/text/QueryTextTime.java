package io.sextant.query.text;

import io.sextant.query.DurationText;
import io.sextant.query.QueryException;
import io.sextant.query.text.QueryTextToken.Kind;
import io.sextant.store.spi.TimeRange;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * The time clauses of a text query ({@code last 1h}, {@code since 2h ago until 1h ago}, {@code
 * since 2024-05-01T10:00:00Z}) and the range they make, relative to the {@code now} passed in.
 */
final class QueryTextTime {
  static final long DEFAULT_RANGE_NANOS = 3_600_000_000_000L;
  private static final Pattern NUMBER = Pattern.compile("\\d+(?:\\.\\d+)?");
  private static final String A_TIME = "a time like 2024-05-01T10:00:00Z, 2h ago or now";

  private final QueryTextTokens in;
  private final long now;
  private QueryTextToken lastAt;
  private QueryTextToken sinceAt;
  private QueryTextToken untilAt;
  private long lastNanos;
  private long sinceNanos;
  private long untilNanos;

  QueryTextTime(QueryTextTokens in, long nowUnixNano) {
    this.in = in;
    this.now = nowUnixNano;
  }

  /**
   * Reads the rest of a {@code last}, {@code since} or {@code until} clause whose {@code head} has
   * been consumed; returns what may follow it.
   */
  String clause(QueryTextToken head) {
    switch (head.lower()) {
      case "last" -> {
        lastAt = once(lastAt, head);
        conflict(sinceAt, head);
        lastNanos = duration("a duration like 15m, 1h or 7d after 'last'");
      }
      case "since" -> {
        sinceAt = once(sinceAt, head);
        conflict(lastAt, head);
        sinceNanos = instant(head);
      }
      default -> {
        untilAt = once(untilAt, head);
        untilNanos = instant(head);
        return "'|'";
      }
    }
    QueryTextToken until = in.peek();
    if (in.acceptWord("until")) {
      return clause(until);
    }
    return "'until' or '|'";
  }

  private static QueryTextToken once(QueryTextToken before, QueryTextToken head) {
    if (before != null) {
      throw QueryTextParser.twice(head.lower(), before.position(), head, "keep one");
    }
    return head;
  }

  private static void conflict(QueryTextToken other, QueryTextToken head) {
    if (other != null) {
      throw new QueryException(
          "'"
              + head.lower()
              + "' at position "
              + head.position()
              + " conflicts with '"
              + other.lower()
              + "' at position "
              + other.position()
              + "; use either last or since",
          head.position());
    }
  }

  /** The range the clauses read so far describe; the last hour up to now when there were none. */
  TimeRange range() {
    long to = untilAt != null ? untilNanos : now;
    long from;
    try {
      from =
          sinceAt != null
              ? sinceNanos
              : Math.subtractExact(to, lastAt != null ? lastNanos : DEFAULT_RANGE_NANOS);
    } catch (ArithmeticException e) {
      throw new QueryException(
          "the time range at position " + lastAt.position() + " reaches too far back",
          lastAt.position());
    }
    if (from >= to) {
      QueryTextToken at = sinceAt != null ? sinceAt : untilAt;
      throw new QueryException(
          "the time range is empty: it starts at "
              + QueryTextFormatter.instant(from)
              + " and ends at "
              + QueryTextFormatter.instant(to)
              + "; since must be before until (and before now)",
          at.position());
    }
    return new TimeRange(from, to);
  }

  /**
   * A positive duration: {@code 15m}, {@code 1h30m}, {@code 2 hours}, {@code hour}.
   *
   * @param what what the error says was expected
   */
  long duration(String what) {
    QueryTextToken t = in.peek();
    Long nanos = durationOrNull();
    if (nanos == null) {
      throw in.expected(what, t);
    }
    if (nanos <= 0) {
      throw new QueryException(
          "the duration at position " + t.position() + " must be more than zero", t.position());
    }
    return nanos;
  }

  private Long durationOrNull() {
    QueryTextToken t = in.peek();
    if (!t.is(Kind.WORD)) {
      return null;
    }
    try {
      Long nanos = DurationText.parse(t.text());
      if (nanos != null) {
        in.advance();
        return nanos;
      }
      Long unit =
          in.peekAfter().is(Kind.WORD) ? DurationText.unitWord(in.peekAfter().text()) : null;
      if (NUMBER.matcher(t.text()).matches() && unit != null) {
        in.advance();
        in.advance();
        return new BigDecimal(t.text())
            .multiply(BigDecimal.valueOf(unit))
            .setScale(0, RoundingMode.HALF_UP)
            .longValueExact();
      }
    } catch (ArithmeticException e) {
      throw new QueryException(
          "the duration at position " + t.position() + " is too long", t.position());
    }
    Long unit = DurationText.unitWord(t.text());
    if (unit != null && t.text().length() >= 3) {
      in.advance();
      return unit;
    }
    return null;
  }

  /** An instant after {@code since} or {@code until}: ISO-8601, {@code <duration> ago}, now. */
  private long instant(QueryTextToken keyword) {
    QueryTextToken t = in.peek();
    if (t.isWord("now")) {
      in.advance();
      return now;
    }
    if (t.is(Kind.WORD) || t.is(Kind.STRING)) {
      Instant i = iso(t.text());
      if (i != null) {
        in.advance();
        try {
          return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
        } catch (ArithmeticException e) {
          throw new QueryException(
              "the time at position " + t.position() + " is out of range", t.position());
        }
      }
    }
    Long ago = durationOrNull();
    if (ago == null) {
      throw in.expected(A_TIME + " after '" + keyword.lower() + "'", t);
    }
    in.expectWord("ago", "after the duration");
    return now - ago;
  }

  /**
   * {@code text} as an instant: {@code 2024-05-01T10:00:00Z}, with an offset ({@code +02:00}),
   * without one (UTC), a date alone (midnight UTC), or with a space for the {@code T}; else null.
   */
  private static Instant iso(String text) {
    String t = text.trim().replaceFirst(" ", "T");
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      // try the next form
    }
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException e) {
      // try the next form
    }
    try {
      return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      // try the next form
    }
    try {
      return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
