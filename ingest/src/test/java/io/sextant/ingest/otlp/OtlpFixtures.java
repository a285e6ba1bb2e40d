package io.sextant.ingest.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Builds OTLP requests with the generated classes, so tests check against the real schema. */
final class OtlpFixtures {
  static final String TRACE_ID = "5b8efff798038103d269b633813fc60c";
  static final String SPAN_ID = "eee19b7ec3c1b174";
  static final String PARENT_ID = "eee19b7ec3c1b173";
  static final long START = 1_700_000_000_000_000_000L;

  private OtlpFixtures() {}

  static ByteString id(String hex) {
    return ByteString.copyFrom(HexFormat.of().parseHex(hex));
  }

  /** A span id whose last byte is {@code n}, so that spans in one request differ. */
  static String spanId(int n) {
    return String.format("00000000000000%02x", n);
  }

  static KeyValue kv(String key, AnyValue value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  static KeyValue kv(String key, String value) {
    return kv(key, string(value));
  }

  static AnyValue string(String s) {
    return AnyValue.newBuilder().setStringValue(s).build();
  }

  static AnyValue integer(long n) {
    return AnyValue.newBuilder().setIntValue(n).build();
  }

  static AnyValue bool(boolean b) {
    return AnyValue.newBuilder().setBoolValue(b).build();
  }

  static AnyValue number(double d) {
    return AnyValue.newBuilder().setDoubleValue(d).build();
  }

  static AnyValue array(AnyValue... values) {
    ArrayValue.Builder a = ArrayValue.newBuilder();
    for (AnyValue v : values) {
      a.addValues(v);
    }
    return AnyValue.newBuilder().setArrayValue(a).build();
  }

  static AnyValue map(KeyValue... values) {
    KeyValueList.Builder m = KeyValueList.newBuilder();
    for (KeyValue v : values) {
      m.addValues(v);
    }
    return AnyValue.newBuilder().setKvlistValue(m).build();
  }

  /** A minimal valid span: ids, name, one second long. */
  static Span.Builder span(String spanIdHex, String name) {
    return Span.newBuilder()
        .setTraceId(id(TRACE_ID))
        .setSpanId(id(spanIdHex))
        .setName(name)
        .setStartTimeUnixNano(START)
        .setEndTimeUnixNano(START + 1_000_000_000L);
  }

  static Resource resource(String serviceName) {
    return Resource.newBuilder().addAttributes(kv("service.name", serviceName)).build();
  }

  static ExportTraceServiceRequest traces(Span.Builder... spans) {
    ScopeSpans.Builder scope =
        ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName("lib"));
    for (Span.Builder s : spans) {
      scope.addSpans(s);
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder().setResource(resource("checkout")).addScopeSpans(scope))
        .build();
  }

  static ExportLogsServiceRequest logs(LogRecord.Builder... records) {
    ScopeLogs.Builder scope =
        ScopeLogs.newBuilder().setScope(InstrumentationScope.newBuilder().setName("lib"));
    for (LogRecord.Builder r : records) {
      scope.addLogRecords(r);
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder().setResource(resource("checkout")).addScopeLogs(scope))
        .build();
  }

  /**
   * Replaces the one occurrence of {@code placeholder} (ASCII) in a serialized message with bytes
   * of the same length, e.g. invalid UTF-8 that the generated builders refuse to produce.
   */
  static byte[] patch(byte[] message, String placeholder, byte[] replacement) {
    byte[] needle = placeholder.getBytes(StandardCharsets.US_ASCII);
    assertThat(replacement).hasSameSizeAs(needle);
    int found = -1;
    for (int i = 0; i + needle.length <= message.length; i++) {
      boolean match = true;
      for (int j = 0; j < needle.length && match; j++) {
        match = message[i + j] == needle[j];
      }
      if (match) {
        assertThat(found).as("placeholder occurs once").isEqualTo(-1);
        found = i;
      }
    }
    assertThat(found).as("placeholder found").isNotNegative();
    byte[] out = message.clone();
    System.arraycopy(replacement, 0, out, found, replacement.length);
    return out;
  }

  /** A UTF-8-encoded surrogate: three bytes that {@code new String} would quietly replace. */
  static final byte[] ENCODED_SURROGATE = {(byte) 0xED, (byte) 0xA0, (byte) 0x80};
}
