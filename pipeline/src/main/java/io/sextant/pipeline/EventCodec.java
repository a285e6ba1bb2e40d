package io.sextant.pipeline;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.EventKind;
import io.sextant.model.Resource;
import io.sextant.model.Scope;
import io.sextant.model.SpanEvent;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.SpanLink;
import io.sextant.model.StatusCode;
import io.sextant.model.TraceId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Events as bytes, for the hop between processes (a Kafka message from a collector to a writer):
 * exact, every field and every attribute type kept, the tenant included. A message holds a batch;
 * its resources and scopes are written once each and referred to by index, since a request's events
 * share a few of them.
 *
 * <p>Format (version 1): the magic {@code 0x53 0x58} ("SX"), a version byte, then varints and
 * length-prefixed UTF-8 strings: the resource table, the scope table, the event count, and each
 * event's fields in record order. Enum values are written as their fixed codes below, never as
 * ordinals, so reordering an enum cannot change what old messages mean.
 *
 * <p>{@link #decode} treats its input as hostile (a message on a shared topic can be anything): a
 * message that is not one of ours, or is cut short, or claims more than it holds, is a {@link
 * Malformed} with one sentence, never another exception or an allocation of the size it claims.
 */
public final class EventCodec {
  static final byte MAGIC_0 = 0x53;
  static final byte MAGIC_1 = 0x58;
  static final byte VERSION = 1;

  private static final byte STRING = 1;
  private static final byte LONG = 2;
  private static final byte DOUBLE = 3;
  private static final byte BOOLEAN = 4;

  private static final int HAS_TRACE = 1;
  private static final int HAS_SPAN = 2;
  private static final int HAS_PARENT = 4;
  private static final int HAS_BODY = 8;

  /** A message that is not a batch of events in this format. */
  public static final class Malformed extends Exception {
    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  private EventCodec() {}

  /** {@code events} as one message. */
  public static byte[] encode(List<Event> events) {
    Out out = new Out(64 + events.size() * 128);
    out.raw(MAGIC_0);
    out.raw(MAGIC_1);
    out.raw(VERSION);
    Numbering<Resource> resources = new Numbering<>();
    Numbering<Scope> scopes = new Numbering<>();
    for (Event e : events) {
      resources.of(e.resource());
      scopes.of(e.scope());
    }
    out.varint(resources.distinct().size());
    for (Resource r : resources.distinct()) {
      out.attributes(r.attributes());
    }
    out.varint(scopes.distinct().size());
    for (Scope s : scopes.distinct()) {
      out.string(s.name());
      out.string(s.version());
      out.attributes(s.attributes());
    }
    out.varint(events.size());
    for (Event e : events) {
      out.raw(kindCode(e.kind()));
      out.varlong(e.timeUnixNano());
      int has =
          (e.traceId() != null ? HAS_TRACE : 0)
              | (e.spanId() != null ? HAS_SPAN : 0)
              | (e.parentSpanId() != null ? HAS_PARENT : 0)
              | (e.body() != null ? HAS_BODY : 0);
      out.raw((byte) has);
      if (e.traceId() != null) {
        out.fixed(e.traceId().high());
        out.fixed(e.traceId().low());
      }
      if (e.spanId() != null) {
        out.fixed(e.spanId().value());
      }
      if (e.parentSpanId() != null) {
        out.fixed(e.parentSpanId().value());
      }
      out.varint(resources.of(e.resource()));
      out.varint(scopes.of(e.scope()));
      out.string(e.name());
      out.raw(spanKindCode(e.spanKind()));
      out.varlong(e.durationNanos());
      out.raw(statusCode(e.status()));
      out.string(e.statusMessage());
      out.varlong(e.severityNumber());
      out.string(e.severityText());
      if (e.body() != null) {
        out.string(e.body());
      }
      out.attributes(e.attributes());
      out.varint(e.events().size());
      for (SpanEvent se : e.events()) {
        out.varlong(se.timeUnixNano());
        out.string(se.name());
        out.attributes(se.attributes());
      }
      out.varint(e.links().size());
      for (SpanLink l : e.links()) {
        out.fixed(l.traceId().high());
        out.fixed(l.traceId().low());
        out.fixed(l.spanId().value());
        out.string(l.traceState());
        out.attributes(l.attributes());
      }
      out.string(e.traceState());
      out.varlong(e.flags());
      out.string(e.tenant());
    }
    return out.bytes();
  }

  /** The events of a message made by {@link #encode}. */
  public static List<Event> decode(byte[] message) throws Malformed {
    In in = new In(message);
    if (message.length < 3 || message[0] != MAGIC_0 || message[1] != MAGIC_1) {
      throw new Malformed("the message is not a batch of Sextant events (no SX magic)");
    }
    in.at = 2;
    byte version = in.raw();
    if (version != VERSION) {
      throw new Malformed("the message is in version " + version + " of the event format, not 1");
    }
    try {
      Resource[] resources = new Resource[in.count()];
      for (int i = 0; i < resources.length; i++) {
        resources[i] = new Resource(in.attributes());
      }
      Scope[] scopes = new Scope[in.count()];
      for (int i = 0; i < scopes.length; i++) {
        scopes[i] = new Scope(in.string(), in.string(), in.attributes());
      }
      int n = in.count();
      List<Event> events = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        EventKind kind = kind(in.raw());
        long time = in.varlong();
        int has = in.raw();
        TraceId trace = (has & HAS_TRACE) != 0 ? new TraceId(in.fixed(), in.fixed()) : null;
        SpanId span = (has & HAS_SPAN) != 0 ? new SpanId(in.fixed()) : null;
        SpanId parent = (has & HAS_PARENT) != 0 ? new SpanId(in.fixed()) : null;
        Event.Builder b =
            switch (kind) {
              case SPAN -> {
                if (trace == null || span == null) {
                  throw new Malformed("a span in the message has no trace id or span id");
                }
                yield Event.span(trace, span);
              }
              case LOG -> Event.log().traceId(trace).spanId(span);
              case METRIC -> Event.metric().traceId(trace).spanId(span);
            };
        b.timeUnixNano(time).parentSpanId(parent);
        b.resource(in.pick(resources, "resource")).scope(in.pick(scopes, "scope"));
        b.name(in.string()).spanKind(spanKind(in.raw())).durationNanos(in.varlong());
        b.status(status(in.raw())).statusMessage(in.string());
        b.severityNumber((int) in.varlong()).severityText(in.string());
        b.body((has & HAS_BODY) != 0 ? in.string() : null);
        b.attributes(in.attributes());
        int ne = in.count();
        List<SpanEvent> spanEvents = new ArrayList<>(ne);
        for (int j = 0; j < ne; j++) {
          spanEvents.add(new SpanEvent(in.varlong(), in.string(), in.attributes()));
        }
        int nl = in.count();
        List<SpanLink> links = new ArrayList<>(nl);
        for (int j = 0; j < nl; j++) {
          links.add(
              new SpanLink(
                  new TraceId(in.fixed(), in.fixed()),
                  new SpanId(in.fixed()),
                  in.string(),
                  in.attributes()));
        }
        b.events(spanEvents).links(links).traceState(in.string()).flags((int) in.varlong());
        b.tenant(in.string());
        events.add(b.build());
      }
      if (in.at != message.length) {
        throw new Malformed(
            "the message has " + (message.length - in.at) + " bytes after its last event");
      }
      return events;
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new Malformed("the message holds an invalid event: " + e.getMessage());
    }
  }

  // Fixed codes: the wire format, not the enums' order.
  private static byte kindCode(EventKind k) {
    return switch (k) {
      case SPAN -> 1;
      case LOG -> 2;
      case METRIC -> 3;
    };
  }

  private static EventKind kind(byte code) throws Malformed {
    return switch (code) {
      case 1 -> EventKind.SPAN;
      case 2 -> EventKind.LOG;
      case 3 -> EventKind.METRIC;
      default -> throw new Malformed("unknown event kind " + code);
    };
  }

  private static byte spanKindCode(SpanKind k) {
    return switch (k) {
      case UNSPECIFIED -> 0;
      case INTERNAL -> 1;
      case SERVER -> 2;
      case CLIENT -> 3;
      case PRODUCER -> 4;
      case CONSUMER -> 5;
    };
  }

  private static SpanKind spanKind(byte code) throws Malformed {
    return switch (code) {
      case 0 -> SpanKind.UNSPECIFIED;
      case 1 -> SpanKind.INTERNAL;
      case 2 -> SpanKind.SERVER;
      case 3 -> SpanKind.CLIENT;
      case 4 -> SpanKind.PRODUCER;
      case 5 -> SpanKind.CONSUMER;
      default -> throw new Malformed("unknown span kind " + code);
    };
  }

  private static byte statusCode(StatusCode s) {
    return switch (s) {
      case UNSET -> 0;
      case OK -> 1;
      case ERROR -> 2;
    };
  }

  private static StatusCode status(byte code) throws Malformed {
    return switch (code) {
      case 0 -> StatusCode.UNSET;
      case 1 -> StatusCode.OK;
      case 2 -> StatusCode.ERROR;
      default -> throw new Malformed("unknown status " + code);
    };
  }

  /**
   * Numbers distinct values in the order first seen. By identity first: the events of one request
   * share their resource and scope objects, and hashing a resource's attributes for every event
   * cost more than the rest of the encoding (measured); equal values that are distinct objects
   * still get one number.
   */
  private static final class Numbering<T> {
    private final Map<T, Integer> byIdentity = new IdentityHashMap<>();
    private final Map<T, Integer> byValue = new LinkedHashMap<>();

    int of(T value) {
      return byIdentity.computeIfAbsent(
          value, v -> byValue.computeIfAbsent(v, x -> byValue.size()));
    }

    Collection<T> distinct() {
      return byValue.keySet();
    }
  }

  /** A growable byte buffer without {@link java.io.ByteArrayOutputStream}'s lock per byte. */
  private static final class Out {
    private byte[] buf;
    private int size;

    Out(int size) {
      buf = new byte[Math.max(16, size)];
    }

    private void room(int more) {
      if (size + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
      }
    }

    void raw(byte b) {
      room(1);
      buf[size++] = b;
    }

    void varint(int v) {
      varlong(v & 0xFFFFFFFFL);
    }

    /** Zig-zag, so small negative numbers stay small. */
    void varlong(long v) {
      room(10);
      long z = (v << 1) ^ (v >> 63);
      while ((z & ~0x7FL) != 0) {
        buf[size++] = (byte) ((z & 0x7F) | 0x80);
        z >>>= 7;
      }
      buf[size++] = (byte) z;
    }

    void fixed(long v) {
      room(8);
      for (int i = 56; i >= 0; i -= 8) {
        buf[size++] = (byte) (v >>> i);
      }
    }

    void string(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      varint(b.length);
      room(b.length);
      System.arraycopy(b, 0, buf, size, b.length);
      size += b.length;
    }

    void attributes(Attributes a) {
      Map<String, Object> m = a.asMap();
      varint(m.size());
      for (Map.Entry<String, Object> e : m.entrySet()) {
        string(e.getKey());
        switch (e.getValue()) {
          case String s -> {
            raw(STRING);
            string(s);
          }
          case Long l -> {
            raw(LONG);
            varlong(l);
          }
          case Double d -> {
            raw(DOUBLE);
            fixed(Double.doubleToRawLongBits(d));
          }
          case Boolean b -> {
            raw(BOOLEAN);
            raw((byte) (b ? 1 : 0));
          }
          default ->
              throw new IllegalStateException(
                  "an attribute value of type " + e.getValue().getClass().getName());
        }
      }
    }

    byte[] bytes() {
      return Arrays.copyOf(buf, size);
    }
  }

  private static final class In {
    private final byte[] b;
    private int at;

    In(byte[] b) {
      this.b = b;
    }

    byte raw() throws Malformed {
      if (at >= b.length) {
        throw new Malformed("the message ends in the middle of an event");
      }
      return b[at++];
    }

    long varlong() throws Malformed {
      long z = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte x = raw();
        z |= (long) (x & 0x7F) << shift;
        if ((x & 0x80) == 0) {
          return (z >>> 1) ^ -(z & 1);
        }
      }
      throw new Malformed("a number in the message is longer than 10 bytes");
    }

    /** A count or a length: not negative, and not more than the bytes left could hold. */
    int count() throws Malformed {
      long v = varlong();
      if (v < 0 || v > b.length - at) {
        throw new Malformed(
            "the message claims " + v + " items with " + (b.length - at) + " bytes left");
      }
      return (int) v;
    }

    long fixed() throws Malformed {
      if (b.length - at < 8) {
        throw new Malformed("the message ends in the middle of an id");
      }
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (b[at++] & 0xFF);
      }
      return v;
    }

    String string() throws Malformed {
      int n = count();
      String s = new String(b, at, n, StandardCharsets.UTF_8);
      at += n;
      return s;
    }

    <T> T pick(T[] table, String what) throws Malformed {
      long i = varlong();
      if (i < 0 || i >= table.length) {
        throw new Malformed("an event refers to " + what + " " + i + " of " + table.length);
      }
      return table[(int) i];
    }

    Attributes attributes() throws Malformed {
      int n = count();
      if (n == 0) {
        return Attributes.empty();
      }
      Map<String, Object> m = new LinkedHashMap<>(2 * n);
      for (int i = 0; i < n; i++) {
        String key = string();
        Object v =
            switch (raw()) {
              case STRING -> string();
              case LONG -> varlong();
              case DOUBLE -> Double.longBitsToDouble(fixed());
              case BOOLEAN -> raw() != 0;
              default -> throw new Malformed("an attribute of unknown type");
            };
        if (m.put(key, v) != null) {
          throw new Malformed("the attribute " + key + " appears twice");
        }
      }
      return Attributes.of(m);
    }
  }
}
