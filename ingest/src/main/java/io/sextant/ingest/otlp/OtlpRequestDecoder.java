package io.sextant.ingest.otlp;

import static com.google.protobuf.WireFormat.WIRETYPE_FIXED32;
import static com.google.protobuf.WireFormat.WIRETYPE_FIXED64;
import static com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED;
import static com.google.protobuf.WireFormat.WIRETYPE_VARINT;

import io.sextant.ingest.DecodeResult;
import io.sextant.ingest.IngestLimits;
import io.sextant.ingest.Rejections;
import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import io.sextant.model.Scope;
import io.sextant.model.SpanId;
import io.sextant.model.TraceId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes one OTLP export request straight from the protobuf wire format into events. One instance
 * per request.
 *
 * <p>Why by hand over {@link com.google.protobuf.CodedInputStream} and not the generated {@code
 * parseFrom}: generated proto3 parsing refuses the whole request when one string is not valid
 * UTF-8, but a bad span must cost only that span; and decoding into the model directly avoids
 * building a second object tree per request (the target is 50k+ spans/s on 2 cores). See
 * docs/adr/0006-otlp-decoding.md.
 *
 * <p>Traces and logs share the envelope: request{1 resource_x}, ResourceX{1 resource, 2 scope_x},
 * ScopeX{1 scope, 2 item}. This class walks it, reads attributes and values, and keeps the first
 * problem of the item being decoded; subclasses decode the items. Problems are phrases completing
 * "span 3 has …". Unknown fields, and known fields with an unexpected wire type, are skipped as the
 * generated parser would.
 */
abstract class OtlpRequestDecoder {
  static final int VARINT = WIRETYPE_VARINT;
  static final int I64 = WIRETYPE_FIXED64;
  static final int LEN = WIRETYPE_LENGTH_DELIMITED;
  static final int I32 = WIRETYPE_FIXED32;

  private static final int REQUEST_RESOURCE_GROUP = 1 << 3 | LEN;
  private static final int GROUP_RESOURCE = 1 << 3 | LEN;
  private static final int GROUP_SCOPE_GROUP = 2 << 3 | LEN;
  private static final int SCOPE_GROUP_SCOPE = 1 << 3 | LEN;
  private static final int SCOPE_GROUP_ITEM = 2 << 3 | LEN;
  private static final int RESOURCE_ATTRIBUTE = 1 << 3 | LEN;
  private static final int SCOPE_NAME = 1 << 3 | LEN;
  private static final int SCOPE_VERSION = 2 << 3 | LEN;
  private static final int SCOPE_ATTRIBUTE = 3 << 3 | LEN;

  private final IngestLimits limits;
  private final boolean hexIds;
  private final String singular;
  private final Rejections rejections;
  private final List<Event> events = new ArrayList<>();
  private final AnyValueReader values = new AnyValueReader();

  /** Scratch maps, reused because {@link Attributes#of(java.util.Map)} copies. */
  final LinkedHashMap<String, Object> itemAttributes = new LinkedHashMap<>();

  final LinkedHashMap<String, Object> nestedAttributes = new LinkedHashMap<>();

  private String problem;

  /**
   * @param hexIds the request came as OTLP JSON, so id problems are worded in hex digits
   */
  OtlpRequestDecoder(IngestLimits limits, boolean hexIds, String singular, String plural) {
    this.limits = limits;
    this.hexIds = hexIds;
    this.singular = singular;
    this.rejections = new Rejections(singular, plural, limits.maxItemsPerRequest());
  }

  /**
   * Decodes the item message the reader is inside: the event, or null after recording a problem
   * with {@link #fail}. Whatever it leaves unread of the item is skipped.
   */
  abstract Event item(ProtoReader in, Resource resource, Scope scope) throws IOException;

  /** Decodes the request; structural damage throws, item problems are counted in the result. */
  final DecodeResult decode(byte[] body) throws IOException {
    ProtoReader request = new ProtoReader(body);
    int resourceNumber = 0;
    while (request.next()) {
      if (request.tag() == REQUEST_RESOURCE_GROUP) {
        resourceGroup(request.split(), ++resourceNumber);
      } else {
        request.skipField();
      }
    }
    return rejections.result(events);
  }

  private void resourceGroup(ProtoReader group, int number) throws IOException {
    // Two passes, because the resource must be known before its items while the wire format lets
    // it come anywhere, even repeated (concatenated messages merge). Encoders write it first.
    problem = null;
    nestedAttributes.clear();
    ProtoReader first = group.again();
    while (first.next()) {
      if (first.tag() == GROUP_RESOURCE) {
        int limit = first.enter();
        while (first.next()) {
          if (first.tag() == RESOURCE_ATTRIBUTE) {
            keyValue(first, nestedAttributes, "");
          } else {
            first.skipField();
          }
        }
        first.exit(limit);
      } else {
        first.skipField();
      }
    }
    checkCount(nestedAttributes, "");
    Resource resource = null;
    String rejectAll = null;
    if (problem == null) {
      resource =
          nestedAttributes.isEmpty()
              ? Resource.EMPTY
              : new Resource(Attributes.of(nestedAttributes));
    } else {
      rejectAll = rejectAllReason("resource " + number);
    }
    int scopeNumber = 0;
    while (group.next()) {
      if (group.tag() == GROUP_SCOPE_GROUP) {
        scopeGroup(group.split(), resource, rejectAll, number, ++scopeNumber);
      } else {
        group.skipField();
      }
    }
  }

  private void scopeGroup(
      ProtoReader group, Resource resource, String rejectAll, int resourceNumber, int number)
      throws IOException {
    Scope scope = null;
    String rejectAllItems = rejectAll;
    if (rejectAll == null) {
      scope = scope(group.again());
      if (scope == null) {
        rejectAllItems = rejectAllReason("scope " + number + " of resource " + resourceNumber);
      }
    }
    while (group.next()) {
      if (group.tag() != SCOPE_GROUP_ITEM) {
        group.skipField();
        continue;
      }
      int item = rejections.nextItem();
      if (rejections.beyondLimit(item)) {
        group.skipField();
      } else if (rejectAllItems != null) {
        group.skipField();
        rejections.reject(rejectAllItems);
      } else {
        problem = null;
        int limit = group.enter();
        Event event = item(group, resource, scope);
        group.exit(limit);
        if (problem == null) {
          events.add(event);
        } else {
          rejections.reject(singular + " " + item + " has " + problem);
        }
      }
    }
  }

  private String rejectAllReason(String owner) {
    return owner + " has " + problem + ", so its " + rejections.plural() + " were rejected";
  }

  /** The scope of a scope group (first pass, see resourceGroup), or null after a problem. */
  private Scope scope(ProtoReader group) throws IOException {
    problem = null;
    nestedAttributes.clear();
    String name = "";
    String version = "";
    while (group.next()) {
      if (group.tag() != SCOPE_GROUP_SCOPE) {
        group.skipField();
        continue;
      }
      int limit = group.enter();
      while (group.next()) {
        switch (group.tag()) {
          case SCOPE_NAME -> name = string(group, "its name");
          case SCOPE_VERSION -> version = string(group, "its version");
          case SCOPE_ATTRIBUTE -> keyValue(group, nestedAttributes, "");
          default -> group.skipField();
        }
      }
      group.exit(limit);
    }
    checkCount(nestedAttributes, "");
    if (problem != null) {
      return null;
    }
    if (name.isEmpty() && version.isEmpty() && nestedAttributes.isEmpty()) {
      return Scope.EMPTY;
    }
    return new Scope(name, version, Attributes.of(nestedAttributes));
  }

  /** Records a problem of the item (or resource, or scope) being decoded; the first one counts. */
  final void fail(String phrase) {
    if (problem == null) {
      problem = phrase;
    }
  }

  final boolean failed() {
    return problem != null;
  }

  /** A string field; invalid UTF-8 fails the item and reads as "". */
  final String string(ProtoReader in, String where) throws IOException {
    String s = in.string();
    if (s == null) {
      fail("invalid UTF-8 in " + where);
      return "";
    }
    return s;
  }

  /**
   * Reads one KeyValue into {@code into}; duplicate keys: the last wins. A pair without a value is
   * skipped, as OTLP asks. {@code owner} prefixes problems, e.g. "an event with ".
   */
  final void keyValue(ProtoReader in, Map<String, Object> into, String owner) throws IOException {
    int limit = in.enter();
    String key = "";
    Object value = null;
    while (in.next()) {
      switch (in.tag()) {
        case AnyValueReader.KEY_VALUE_KEY -> {
          key = in.string();
          if (key == null) {
            fail(owner + "invalid UTF-8 in an attribute key");
            key = "";
          }
        }
        case AnyValueReader.KEY_VALUE_VALUE -> value = values.read(in);
        default -> in.skipField();
      }
    }
    in.exit(limit);
    if (value == null) {
      return;
    }
    String p = limits.attributeKeyProblem(key);
    if (p == null && value == AnyValueReader.INVALID_UTF8) {
      p = "invalid UTF-8 in attribute " + IngestLimits.quote(key);
    } else if (p == null && value == AnyValueReader.TOO_DEEP) {
      p = "attribute " + IngestLimits.quote(key) + " " + tooDeep();
    } else if (p == null && value instanceof String s) {
      p = limits.attributeValueProblem(key, s);
    }
    if (p == null) {
      into.put(key, value);
    } else {
      fail(owner + p);
    }
  }

  /** Fails the item when {@code attributes} has more entries than allowed. */
  final void checkCount(Map<String, Object> attributes, String owner) {
    String p = limits.attributeCountProblem(attributes.size());
    if (p != null) {
      fail(owner + p);
    }
  }

  /**
   * An AnyValue as text, for log bodies: strings as they are, everything else as JSON text, bytes
   * as base64; null when no value is set.
   */
  final String anyValueText(ProtoReader in, String what) throws IOException {
    Object value = values.read(in);
    if (value == AnyValueReader.INVALID_UTF8) {
      fail("invalid UTF-8 in " + what);
      return null;
    }
    if (value == AnyValueReader.TOO_DEEP) {
      fail(what + " " + tooDeep());
      return null;
    }
    return value == null ? null : value.toString();
  }

  private static String tooDeep() {
    return "that nests arrays or maps more than " + AnyValueReader.MAX_DEPTH + " levels deep";
  }

  /**
   * A trace id field's value, or null. Absent (empty) and all-zero ids are null when {@code
   * optional} (all zeros is W3C's "no trace"); otherwise they, and a wrong length, fail the item.
   */
  final TraceId traceId(byte[] id, String owner, boolean optional) {
    if (id == null || id.length == 0 || (optional && allZero(id))) {
      if (!optional) {
        fail(owner + "no trace id");
      }
      return null;
    }
    if (id.length != 16 || allZero(id)) {
      fail(owner + "an invalid trace id: " + idProblem(id, 16));
      return null;
    }
    return TraceId.fromBytes(id);
  }

  /** A span id field's value, or null; as {@link #traceId}. */
  final SpanId spanId(byte[] id, String owner, String what, boolean optional) {
    if (id == null || id.length == 0 || (optional && allZero(id))) {
      if (!optional) {
        fail(owner + "no " + what);
      }
      return null;
    }
    if (id.length != 8 || allZero(id)) {
      fail(owner + "an invalid " + what + ": " + idProblem(id, 8));
      return null;
    }
    return SpanId.fromBytes(id);
  }

  private String idProblem(byte[] id, int expected) {
    if (id.length == expected) {
      return "all zeros";
    }
    return hexIds
        ? "it is not " + 2 * expected + " hex digits"
        : id.length + " bytes instead of " + expected;
  }

  private static boolean allZero(byte[] id) {
    for (byte b : id) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  /** Builds the event; a rule of the model that the checks above missed fails the item. */
  final Event build(Event.Builder builder) {
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      fail("a value the event model refuses (" + e.getMessage() + ")");
      return null;
    }
  }
}
