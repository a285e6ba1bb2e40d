package io.sextant.ingest.otlp;

import io.sextant.ingest.IngestLimits;
import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import io.sextant.model.Scope;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;

/** Decodes an ExportLogsServiceRequest; see {@link OtlpRequestDecoder} for why by hand. */
final class LogRequestDecoder extends OtlpRequestDecoder {
  // opentelemetry/proto/logs/v1/logs.proto: LogRecord
  private static final int TIME = 1 << 3 | I64;
  private static final int SEVERITY_NUMBER = 2 << 3 | VARINT;
  private static final int SEVERITY_TEXT = 3 << 3 | LEN;
  private static final int BODY = 5 << 3 | LEN;
  private static final int ATTRIBUTE = 6 << 3 | LEN;
  private static final int FLAGS = 8 << 3 | I32;
  private static final int TRACE_ID = 9 << 3 | LEN;
  private static final int SPAN_ID = 10 << 3 | LEN;
  private static final int OBSERVED_TIME = 11 << 3 | I64;
  private static final int EVENT_NAME = 12 << 3 | LEN;

  private final Clock clock;
  private long now = -1; // read once per request, when a record carries no time at all

  LogRequestDecoder(IngestLimits limits, boolean hexIds, Clock clock) {
    super(limits, hexIds, "log record", "log records");
    this.clock = clock;
  }

  @Override
  Event item(ProtoReader in, Resource resource, Scope scope) throws IOException {
    long time = 0;
    long observedTime = 0;
    int severityNumber = 0;
    String severityText = "";
    String body = null;
    int flags = 0;
    byte[] traceId = null;
    byte[] spanId = null;
    String eventName = "";
    itemAttributes.clear();
    while (in.next()) {
      switch (in.tag()) {
        case TIME -> time = in.fixed64();
        case SEVERITY_NUMBER -> severityNumber = in.int32();
        case SEVERITY_TEXT -> severityText = string(in, "its severity text");
        case BODY -> body = anyValueText(in, "its body");
        case ATTRIBUTE -> keyValue(in, itemAttributes, "");
        case FLAGS -> flags = in.fixed32();
        case TRACE_ID -> traceId = in.bytes();
        case SPAN_ID -> spanId = in.bytes();
        case OBSERVED_TIME -> observedTime = in.fixed64();
        case EVENT_NAME -> eventName = string(in, "its event name");
        default -> in.skipField();
      }
    }
    long effectiveTime = time != 0 ? time : observedTime != 0 ? observedTime : now();
    if (effectiveTime < 0) {
      fail("a time after the year 2262"); // fixed64 nanoseconds past 2^63
    }
    if (severityNumber < 0 || severityNumber > 24) {
      fail("severity_number " + severityNumber + ", outside the OTLP range 0 to 24");
    }
    Event.Builder log =
        Event.log().traceId(traceId(traceId, "", true)).spanId(spanId(spanId, "", "span id", true));
    checkCount(itemAttributes, "");
    if (failed()) {
      return null;
    }
    return build(
        log.timeUnixNano(effectiveTime)
            .resource(resource)
            .scope(scope)
            .name(eventName)
            .severityNumber(severityNumber)
            .severityText(severityText)
            .body(body)
            .attributes(Attributes.of(itemAttributes))
            .flags(flags));
  }

  private long now() {
    if (now < 0) {
      Instant instant = clock.instant();
      now = instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
    return now;
  }
}
