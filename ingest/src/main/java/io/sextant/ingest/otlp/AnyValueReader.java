package io.sextant.ingest.otlp;

import static com.google.protobuf.WireFormat.WIRETYPE_FIXED64;
import static com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED;
import static com.google.protobuf.WireFormat.WIRETYPE_VARINT;

import io.sextant.store.spi.JsonText;
import java.io.IOException;
import java.util.Base64;

/**
 * Reads OTLP AnyValues as attribute values. The model keeps values flat (String, Long, Double,
 * Boolean) so that every value stays filterable; arrays and key-value lists become compact JSON
 * text, rendered straight from the wire, and bytes become base64 (docs/adr/0003-event-model.md).
 * One instance per request: it reuses one buffer.
 */
final class AnyValueReader {
  // opentelemetry/proto/common/v1/common.proto
  static final int KEY_VALUE_KEY = 1 << 3 | WIRETYPE_LENGTH_DELIMITED;
  static final int KEY_VALUE_VALUE = 2 << 3 | WIRETYPE_LENGTH_DELIMITED;
  private static final int ANY_STRING = 1 << 3 | WIRETYPE_LENGTH_DELIMITED;
  private static final int ANY_BOOL = 2 << 3 | WIRETYPE_VARINT;
  private static final int ANY_INT = 3 << 3 | WIRETYPE_VARINT;
  private static final int ANY_DOUBLE = 4 << 3 | WIRETYPE_FIXED64;
  private static final int ANY_ARRAY = 5 << 3 | WIRETYPE_LENGTH_DELIMITED;
  private static final int ANY_KVLIST = 6 << 3 | WIRETYPE_LENGTH_DELIMITED;
  private static final int ANY_BYTES = 7 << 3 | WIRETYPE_LENGTH_DELIMITED;
  // ArrayValue.values and KeyValueList.values
  private static final int LIST_VALUE = 1 << 3 | WIRETYPE_LENGTH_DELIMITED;

  /**
   * Nesting of arrays and maps inside one value. The generated parser would refuse the whole
   * request near 50 levels (its message recursion limit is 100); we refuse the item earlier and
   * bound our own recursion.
   */
  static final int MAX_DEPTH = 32;

  /** A string somewhere in the value is not valid UTF-8. */
  static final Object INVALID_UTF8 = new Object();

  /** The value nests deeper than {@link #MAX_DEPTH}. */
  static final Object TOO_DEEP = new Object();

  private final StringBuilder json = new StringBuilder();
  private Object renderFailure;

  /**
   * The AnyValue at the current field: String, Long, Double or Boolean; arrays and maps as compact
   * JSON text and bytes as base64, so that every value stays filterable; null when none is set;
   * {@link #INVALID_UTF8} or {@link #TOO_DEEP} when it cannot be read.
   */
  Object read(ProtoReader in) throws IOException {
    int limit = in.enter();
    Object value = null;
    while (in.next()) {
      switch (in.tag()) {
        case ANY_STRING -> {
          String s = in.string();
          value = s == null ? INVALID_UTF8 : s;
        }
        case ANY_BOOL -> value = in.bool();
        case ANY_INT -> value = in.int64();
        case ANY_DOUBLE -> value = in.float64();
        case ANY_ARRAY, ANY_KVLIST -> {
          json.setLength(0);
          renderFailure = null;
          renderList(in, in.tag() == ANY_KVLIST, 1);
          value = renderFailure != null ? renderFailure : json.toString();
        }
        case ANY_BYTES -> value = Base64.getEncoder().encodeToString(in.bytes());
        default -> in.skipField();
      }
    }
    in.exit(limit);
    return value;
  }

  /** Renders the ArrayValue or KeyValueList at the current field into {@link #json}. */
  private void renderList(ProtoReader in, boolean keyed, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      renderFailed(TOO_DEEP);
      in.skipField();
      return;
    }
    int limit = in.enter();
    json.append(keyed ? '{' : '[');
    boolean first = true;
    while (in.next()) {
      if (in.tag() != LIST_VALUE) {
        in.skipField();
        continue;
      }
      if (!first) {
        json.append(',');
      }
      first = false;
      if (keyed) {
        renderKeyValue(in, depth);
      } else {
        renderAnyValue(in, depth);
      }
    }
    json.append(keyed ? '}' : ']');
    in.exit(limit);
  }

  private void renderKeyValue(ProtoReader in, int depth) throws IOException {
    int limit = in.enter();
    int start = json.length();
    String key = "";
    boolean hasValue = false;
    while (in.next()) {
      switch (in.tag()) {
        case KEY_VALUE_KEY -> {
          key = in.string();
          if (key == null) {
            renderFailed(INVALID_UTF8);
            key = "";
          }
        }
        case KEY_VALUE_VALUE -> {
          json.setLength(start);
          renderAnyValue(in, depth);
          hasValue = true;
        }
        default -> in.skipField();
      }
    }
    in.exit(limit);
    if (!hasValue) {
      json.append("null");
    }
    // The key goes in front afterwards: on the wire it may follow the value.
    StringBuilder name = new StringBuilder(key.length() + 3);
    JsonText.appendString(name, key);
    json.insert(start, name.append(':'));
  }

  private void renderAnyValue(ProtoReader in, int depth) throws IOException {
    int limit = in.enter();
    int start = json.length();
    boolean hasValue = false;
    while (in.next()) {
      int tag = in.tag();
      boolean isValue =
          tag == ANY_STRING
              || tag == ANY_BOOL
              || tag == ANY_INT
              || tag == ANY_DOUBLE
              || tag == ANY_ARRAY
              || tag == ANY_KVLIST
              || tag == ANY_BYTES;
      if (isValue) {
        json.setLength(start); // a oneof: the last value on the wire wins
        hasValue = true;
      }
      switch (tag) {
        case ANY_STRING -> {
          String s = in.string();
          if (s == null) {
            renderFailed(INVALID_UTF8);
            s = "";
          }
          JsonText.appendString(json, s);
        }
        case ANY_BOOL -> json.append(in.bool());
        case ANY_INT -> json.append(in.int64());
        case ANY_DOUBLE -> JsonText.appendNumber(json, in.float64());
        case ANY_ARRAY -> renderList(in, false, depth + 1);
        case ANY_KVLIST -> renderList(in, true, depth + 1);
        case ANY_BYTES ->
            JsonText.appendString(json, Base64.getEncoder().encodeToString(in.bytes()));
        default -> in.skipField();
      }
    }
    in.exit(limit);
    if (!hasValue) {
      json.append("null");
    }
  }

  private void renderFailed(Object failure) {
    if (renderFailure == null) {
      renderFailure = failure;
    }
  }
}
