package io.sextant.triage.trace;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an error message says about where the fault is: in the code that reported it, in a
 * dependency it could not reach, or in a resource of its own that ran out. Read from the messages
 * of the common JVM, JDBC and HTTP client libraries (HikariCP, DBCP, the JDK's sockets and
 * HttpClient, Netty); a message that says nothing recognisable is {@link #OWN}.
 */
enum FailureKind {
  /** The reporting code failed by itself (an exception, a bad deploy, a 500 it made). */
  OWN,
  /** A dependency could not be reached: refused, reset, unknown host, no connection to be had. */
  UNREACHABLE,
  /** A resource of the reporter ran out: its connection pool, its threads. */
  EXHAUSTED,
  /**
   * A dependency was reached but did not answer in time: it accepted the call (its host and its
   * process answer the network) and is busy, stopped, or waiting on something of its own.
   */
  TIMED_OUT;

  private static final List<String> UNREACHABLE_WORDS =
      List.of(
          "connection refused",
          "connect timed out",
          "connection timed out",
          "no route to host",
          "unknownhost",
          "unknown host",
          "connection reset",
          "broken pipe",
          "connection is broken",
          "connection is closed",
          "communications link failure",
          "could not connect",
          "unable to connect",
          "failed to connect",
          "connectexception",
          "closedchannelexception");
  private static final List<String> EXHAUSTED_WORDS =
      List.of(
          "pool exhausted",
          "pool is exhausted",
          "timeout waiting for idle object",
          "rejectedexecution",
          "too many open files",
          "unable to create new native thread");

  /**
   * After {@link #UNREACHABLE_WORDS}: "connect timed out" (a {@code SocketTimeoutException} too)
   * never connected. {@code timeoutexception} covers the JDK's, Netty's and OkHttp's read, socket
   * and HTTP timeout exceptions.
   */
  private static final List<String> TIMED_OUT_WORDS =
      List.of(
          "read timed out",
          "request timed out",
          "timeoutexception",
          "deadline exceeded",
          "deadline_exceeded");

  /** HikariCP: "Connection is not available, request timed out … (total=6, active=6, idle=0…". */
  private static final Pattern HIKARI = Pattern.compile("total=(\\d+), active=(\\d+)");

  /** The kind of failure {@code message} (a status message, an exception's text) describes. */
  public static FailureKind of(String message) {
    if (message == null || message.isEmpty()) {
      return OWN;
    }
    String m = message.toLowerCase(Locale.ROOT);
    Matcher h = HIKARI.matcher(m);
    if (m.contains("connection is not available") && h.find()) {
      int total = Integer.parseInt(h.group(1));
      int active = Integer.parseInt(h.group(2));
      // Every pooled connection is borrowed: the pool ran out. None exists: none can be made.
      if (total > 0 && active >= total) {
        return EXHAUSTED;
      }
      if (total == 0) {
        return UNREACHABLE;
      }
    }
    for (String w : EXHAUSTED_WORDS) {
      if (m.contains(w)) {
        return EXHAUSTED;
      }
    }
    for (String w : UNREACHABLE_WORDS) {
      if (m.contains(w)) {
        return UNREACHABLE;
      }
    }
    for (String w : TIMED_OUT_WORDS) {
      if (m.contains(w)) {
        return TIMED_OUT;
      }
    }
    return OWN;
  }
}
