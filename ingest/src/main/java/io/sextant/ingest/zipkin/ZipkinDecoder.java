package io.sextant.ingest.zipkin;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.sextant.ingest.DecodeResult;
import io.sextant.ingest.IngestLimits;
import io.sextant.ingest.MalformedRequestException;
import io.sextant.ingest.Rejections;
import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import io.sextant.model.SpanEvent;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.StatusCode;
import io.sextant.model.TraceId;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import zipkin2.Annotation;
import zipkin2.Endpoint;
import zipkin2.Span;
import zipkin2.codec.SpanBytesDecoder;

/**
 * Decodes Zipkin API v2 JSON span lists ({@code POST /api/v2/spans}) into events, with Zipkin's own
 * codec, one span at a time: a malformed span (an id that is not 16 or 32 lower-case hex digits, or
 * all zeros; a value of the wrong type) is rejected alone and counted, the others are stored.
 *
 * <p>Mapping: the local service becomes the resource ({@code service.name}, one instance per
 * service in the request); endpoints and flags become attributes ({@code zipkin.local_endpoint.ip},
 * {@code peer.service}, {@code server.*} for the remote side of CLIENT and PRODUCER spans and of
 * spans without a kind, {@code client.*} for SERVER and CONSUMER, {@code zipkin.debug}, {@code
 * zipkin.shared}), then the tags, which win over those on the same key. The tag {@code error} also
 * sets status ERROR. Zipkin's codec lowercases span and service names.
 */
public final class ZipkinDecoder {
  private static final String LOCAL_IP = "zipkin.local_endpoint.ip";
  private static final String PEER_SERVICE = "peer.service";
  private static final String ERROR_TAG = "error";
  private static final String LIST_SUFFIX = " reading List<Span> from json";

  private final IngestLimits limits;

  public ZipkinDecoder(IngestLimits limits) {
    this.limits = limits.validate();
  }

  /**
   * Decodes a JSON array of v2 spans, span by span: a span that is malformed (bad or all-zero ids,
   * a wrong type) is rejected alone and the others are kept, as OTLP's partial success. A body that
   * is not UTF-8 or not a JSON array is refused whole. Thread-safe.
   */
  public DecodeResult decodeJsonV2(byte[] json) throws MalformedRequestException {
    JsonArray list;
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(json, 0, withoutPadding(json)))
              .toString();
      JsonElement root = JsonParser.parseString(text);
      if (!root.isJsonArray()) {
        throw new MalformedRequestException(
            "request body is not a valid Zipkin v2 JSON span list: it is not a JSON array of"
                + " span objects");
      }
      list = root.getAsJsonArray();
    } catch (CharacterCodingException e) {
      throw new MalformedRequestException(
          "request body is not a valid Zipkin v2 JSON span list: it is not valid UTF-8");
    } catch (JsonParseException e) {
      throw new MalformedRequestException(
          "request body is not a valid Zipkin v2 JSON span list: " + jsonReason(e));
    }
    Rejections rejections = new Rejections("span", "spans", limits.maxItemsPerRequest());
    List<Event> events = new ArrayList<>(Math.min(list.size(), limits.maxItemsPerRequest()));
    Map<String, Resource> resources = new HashMap<>();
    LinkedHashMap<String, Object> attributes = new LinkedHashMap<>();
    for (JsonElement element : list) {
      int number = rejections.nextItem();
      if (rejections.beyondLimit(number)) {
        continue;
      }
      String malformed = malformed(element);
      Span span = null;
      if (malformed == null) {
        try {
          span =
              SpanBytesDecoder.JSON_V2.decodeOne(
                  element.toString().getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) { // the codec wraps its failures in IllegalArgumentException
          malformed = reason(e);
        }
      }
      if (malformed != null) {
        rejections.reject("span " + number + " is malformed: " + malformed);
        continue;
      }
      attributes.clear();
      // Zipkin allows a span without timestamp, as a fragment that another report completes;
      // events are not merged, so such a fragment cannot be placed in time.
      String problem = span.timestamp() == null ? "no timestamp" : attributes(span, attributes);
      Event event = null;
      if (problem == null) {
        Resource resource = resources.computeIfAbsent(span.localServiceName(), this::resource);
        try {
          event = event(span, resource, attributes);
        } catch (IllegalArgumentException | ArithmeticException e) {
          problem = "a value Sextant cannot store (" + e.getMessage() + ")";
        }
      }
      if (problem != null) {
        rejections.reject("span " + number + " has " + problem);
      } else {
        events.add(event);
      }
    }
    return rejections.result(events);
  }

  /**
   * The length of {@code json} without the NUL bytes after its end: Zipkin's own encoder (zipkin2
   * 3.6.0) oversizes some escaped strings (U+0080 then U+2028) and its reporters send the padding.
   */
  private static int withoutPadding(byte[] json) {
    int end = json.length;
    while (end > 0 && json[end - 1] == 0) {
      end--;
    }
    return end;
  }

  /** Why a list element is not a span with well-formed ids, or null. */
  private static String malformed(JsonElement element) {
    if (!element.isJsonObject()) {
      return "not a JSON object";
    }
    JsonObject o = element.getAsJsonObject();
    String problem = id(o, "traceId", true, true);
    if (problem == null) {
      problem = id(o, "id", false, true);
    }
    if (problem == null) {
      problem = id(o, "parentId", false, false);
    }
    return problem;
  }

  private static String id(JsonObject o, String field, boolean trace, boolean required) {
    JsonElement e = o.get(field);
    if (e == null || e.isJsonNull()) {
      return required ? "no " + field : null;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      return field + " is not a string";
    }
    String v = e.getAsString();
    boolean length = trace ? v.length() == 16 || v.length() == 32 : v.length() == 16;
    if (!length || !v.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return field
          + " \""
          + (v.length() > 40 ? v.substring(0, 40) + "…" : v)
          + "\" is not "
          + (trace ? "16 or 32" : "16")
          + " lower-case hex digits";
    }
    if (v.chars().allMatch(c -> c == '0')) {
      return field + " is all zeros";
    }
    return null;
  }

  private static String jsonReason(JsonParseException e) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    int cut = m.indexOf("\nSee ");
    return (cut > 0 ? m.substring(0, cut) : m).replace("com.google.gson.stream.", "");
  }

  private Resource resource(String serviceName) {
    return serviceName == null
        ? Resource.EMPTY
        : new Resource(Attributes.of(Resource.SERVICE_NAME, serviceName));
  }

  /** Fills {@code into} with the span's attributes; returns the first limit they break, or null. */
  private String attributes(Span span, Map<String, Object> into) {
    Endpoint local = span.localEndpoint();
    if (local != null && ip(local) != null) {
      into.put(LOCAL_IP, ip(local));
    }
    Endpoint remote = span.remoteEndpoint();
    if (remote != null) {
      if (remote.serviceName() != null) {
        into.put(PEER_SERVICE, remote.serviceName());
      }
      boolean remoteIsClient = span.kind() == Span.Kind.SERVER || span.kind() == Span.Kind.CONSUMER;
      if (ip(remote) != null) {
        into.put(remoteIsClient ? "client.address" : "server.address", ip(remote));
      }
      if (remote.port() != null) {
        into.put(remoteIsClient ? "client.port" : "server.port", (long) remote.port());
      }
    }
    into.putAll(span.tags());
    if (Boolean.TRUE.equals(span.debug())) {
      into.put("zipkin.debug", true);
    }
    if (Boolean.TRUE.equals(span.shared())) {
      into.put("zipkin.shared", true);
    }
    String problem = limits.attributeCountProblem(into.size());
    for (var e : into.entrySet()) {
      if (problem != null) {
        break;
      }
      problem = limits.attributeKeyProblem(e.getKey());
      if (problem == null && e.getValue() instanceof String s) {
        problem = limits.attributeValueProblem(e.getKey(), s);
      }
    }
    if (problem == null && span.localServiceName() != null) {
      problem = limits.attributeValueProblem(Resource.SERVICE_NAME, span.localServiceName());
    }
    return problem;
  }

  private static Event event(Span span, Resource resource, Map<String, Object> attributes) {
    String error = span.tags().get(ERROR_TAG);
    List<SpanEvent> annotations = new ArrayList<>(span.annotations().size());
    for (Annotation a : span.annotations()) {
      annotations.add(new SpanEvent(nanos(a.timestamp()), a.value(), Attributes.empty()));
    }
    SpanId id = SpanId.fromHex(span.id());
    SpanId parent = span.parentId() == null ? null : SpanId.fromHex(span.parentId());
    if (Boolean.TRUE.equals(span.shared()) && span.kind() == Span.Kind.SERVER) {
      // Brave's default: the server half of an RPC reuses the client's span id. Our spans are
      // keyed by (trace id, span id), so the server half gets its own id, derived from the
      // shared one so a retry maps to the same id, and becomes the client span's child (as
      // Jaeger's span-id deduper does).
      parent = id;
      id = serverHalfOf(id);
    }
    return Event.span(TraceId.fromHex(span.traceId()), id)
        .parentSpanId(parent)
        .timeUnixNano(nanos(span.timestampAsLong()))
        .durationNanos(nanos(span.durationAsLong()))
        .resource(resource)
        .name(span.name())
        .spanKind(kind(span.kind()))
        .status(error == null ? StatusCode.UNSET : StatusCode.ERROR)
        .statusMessage(error)
        .attributes(Attributes.of(attributes))
        .events(annotations)
        .build();
  }

  /** A stable, non-zero id for the server half of a shared span (splitmix64 of the shared id). */
  static SpanId serverHalfOf(SpanId shared) {
    long z = shared.value() + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return new SpanId(z == 0 ? 1 : z);
  }

  private static long nanos(long micros) {
    return Math.multiplyExact(micros, 1000L);
  }

  private static SpanKind kind(Span.Kind kind) {
    if (kind == null) {
      return SpanKind.INTERNAL;
    }
    return switch (kind) {
      case CLIENT -> SpanKind.CLIENT;
      case SERVER -> SpanKind.SERVER;
      case PRODUCER -> SpanKind.PRODUCER;
      case CONSUMER -> SpanKind.CONSUMER;
      default -> SpanKind.INTERNAL; // a kind added by a later Zipkin
    };
  }

  private static String ip(Endpoint endpoint) {
    return endpoint.ipv4() != null ? endpoint.ipv4() : endpoint.ipv6();
  }

  private static String reason(RuntimeException e) {
    String m = Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName());
    m = m.endsWith(LIST_SUFFIX) ? m.substring(0, m.length() - LIST_SUFFIX.length()) : m;
    // The codec says only "Malformed" when the body is not a JSON array of span objects.
    return m.equals("Malformed") ? "it is not a JSON array of span objects" : m;
  }
}
