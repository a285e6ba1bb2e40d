package io.sextant.ingest.otlp;

import io.sextant.ingest.IngestLimits;
import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import io.sextant.model.Scope;
import io.sextant.model.SpanEvent;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.SpanLink;
import io.sextant.model.StatusCode;
import io.sextant.model.TraceId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Decodes an ExportTraceServiceRequest; see {@link OtlpRequestDecoder} for why by hand. */
final class TraceRequestDecoder extends OtlpRequestDecoder {
  // opentelemetry/proto/trace/v1/trace.proto: Span
  private static final int TRACE_ID = 1 << 3 | LEN;
  private static final int SPAN_ID = 2 << 3 | LEN;
  private static final int TRACE_STATE = 3 << 3 | LEN;
  private static final int PARENT_SPAN_ID = 4 << 3 | LEN;
  private static final int NAME = 5 << 3 | LEN;
  private static final int KIND = 6 << 3 | VARINT;
  private static final int START_TIME = 7 << 3 | I64;
  private static final int END_TIME = 8 << 3 | I64;
  private static final int ATTRIBUTE = 9 << 3 | LEN;
  private static final int EVENT = 11 << 3 | LEN;
  private static final int LINK = 13 << 3 | LEN;
  private static final int STATUS = 15 << 3 | LEN;
  private static final int FLAGS = 16 << 3 | I32;
  // Status
  private static final int STATUS_MESSAGE = 2 << 3 | LEN;
  private static final int STATUS_CODE = 3 << 3 | VARINT;
  // Span.Event
  private static final int EVENT_TIME = 1 << 3 | I64;
  private static final int EVENT_NAME = 2 << 3 | LEN;
  private static final int EVENT_ATTRIBUTE = 3 << 3 | LEN;
  // Span.Link
  private static final int LINK_TRACE_ID = 1 << 3 | LEN;
  private static final int LINK_SPAN_ID = 2 << 3 | LEN;
  private static final int LINK_TRACE_STATE = 3 << 3 | LEN;
  private static final int LINK_ATTRIBUTE = 4 << 3 | LEN;

  private static final String EVENT_OWNER = "an event with ";
  private static final String LINK_OWNER = "a link with ";

  TraceRequestDecoder(IngestLimits limits, boolean hexIds) {
    super(limits, hexIds, "span", "spans");
  }

  @Override
  Event item(ProtoReader in, Resource resource, Scope scope) throws IOException {
    byte[] traceId = null;
    byte[] spanId = null;
    byte[] parentSpanId = null;
    String traceState = "";
    String name = "";
    int kind = 0;
    long start = 0;
    long end = 0;
    int flags = 0;
    int statusCode = 0;
    String statusMessage = "";
    List<SpanEvent> events = null;
    List<SpanLink> links = null;
    itemAttributes.clear();
    while (in.next()) {
      switch (in.tag()) {
        case TRACE_ID -> traceId = in.bytes();
        case SPAN_ID -> spanId = in.bytes();
        case TRACE_STATE -> traceState = string(in, "its trace state");
        case PARENT_SPAN_ID -> parentSpanId = in.bytes();
        case NAME -> name = string(in, "its name");
        case KIND -> kind = in.int32();
        case START_TIME -> start = in.fixed64();
        case END_TIME -> end = in.fixed64();
        case ATTRIBUTE -> keyValue(in, itemAttributes, "");
        case EVENT -> {
          SpanEvent event = event(in);
          if (event != null) {
            (events == null ? events = new ArrayList<>() : events).add(event);
          }
        }
        case LINK -> {
          SpanLink link = link(in);
          if (link != null) {
            (links == null ? links = new ArrayList<>() : links).add(link);
          }
        }
        case STATUS -> {
          int limit = in.enter();
          while (in.next()) {
            switch (in.tag()) {
              case STATUS_MESSAGE -> statusMessage = string(in, "its status message");
              case STATUS_CODE -> statusCode = in.int32();
              default -> in.skipField();
            }
          }
          in.exit(limit);
        }
        case FLAGS -> flags = in.fixed32();
        default -> in.skipField();
      }
    }
    TraceId trace = traceId(traceId, "", false);
    SpanId span = spanId(spanId, "", "span id", false);
    SpanId parent = spanId(parentSpanId, "", "parent span id", true);
    if (start < 0 || end < 0) {
      fail("a time after the year 2262"); // fixed64 nanoseconds past 2^63
    } else if (start == 0) {
      // Stored in 1970 it would be invisible to every question and deleted by retention at once:
      // acknowledged, then lost. Refused instead, so the sender sees it.
      fail("no start time (start_time_unix_nano is 0)");
    } else if (end < start) {
      fail("an end time before its start time");
    }
    checkCount(itemAttributes, "");
    if (failed()) {
      return null;
    }
    return build(
        Event.span(trace, span)
            .parentSpanId(parent)
            .timeUnixNano(start)
            .durationNanos(end - start)
            .resource(resource)
            .scope(scope)
            .name(name)
            .spanKind(SpanKind.fromOtlp(kind))
            .status(StatusCode.fromOtlp(statusCode))
            .statusMessage(statusMessage)
            .attributes(Attributes.of(itemAttributes))
            .events(events)
            .links(links)
            .traceState(traceState)
            .flags(flags));
  }

  private SpanEvent event(ProtoReader in) throws IOException {
    int limit = in.enter();
    long time = 0;
    String name = "";
    nestedAttributes.clear();
    while (in.next()) {
      switch (in.tag()) {
        case EVENT_TIME -> time = in.fixed64();
        case EVENT_NAME -> name = string(in, "the name of an event");
        case EVENT_ATTRIBUTE -> keyValue(in, nestedAttributes, EVENT_OWNER);
        default -> in.skipField();
      }
    }
    in.exit(limit);
    checkCount(nestedAttributes, EVENT_OWNER);
    return failed() ? null : new SpanEvent(time, name, Attributes.of(nestedAttributes));
  }

  private SpanLink link(ProtoReader in) throws IOException {
    int limit = in.enter();
    byte[] traceId = null;
    byte[] spanId = null;
    String traceState = "";
    nestedAttributes.clear();
    while (in.next()) {
      switch (in.tag()) {
        case LINK_TRACE_ID -> traceId = in.bytes();
        case LINK_SPAN_ID -> spanId = in.bytes();
        case LINK_TRACE_STATE -> traceState = string(in, "the trace state of a link");
        case LINK_ATTRIBUTE -> keyValue(in, nestedAttributes, LINK_OWNER);
        default -> in.skipField();
      }
    }
    in.exit(limit);
    TraceId trace = traceId(traceId, LINK_OWNER, false);
    SpanId span = spanId(spanId, LINK_OWNER, "span id", false);
    checkCount(nestedAttributes, LINK_OWNER);
    return failed() ? null : new SpanLink(trace, span, traceState, Attributes.of(nestedAttributes));
  }
}
