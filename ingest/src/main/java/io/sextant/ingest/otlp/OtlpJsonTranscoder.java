package io.sextant.ingest.otlp;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.sextant.ingest.MalformedRequestException;
import io.sextant.model.Hex;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Turns an OTLP/HTTP JSON body into the protobuf encoding of the same request, so that one decoder
 * maps both encodings. The OTLP JSON mapping differs from the standard protobuf JSON mapping in one
 * way that matters here: trace and span ids are hex, not base64. Those are rewritten on a JSON tree
 * before {@link JsonFormat} (which handles camelCase and snake_case names, enums as numbers or
 * names, 64-bit integers as strings or numbers) reads it (docs/adr/0006-otlp-decoding.md).
 */
final class OtlpJsonTranscoder {
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  /**
   * What a malformed id becomes: the single byte 0x01, a wrong length for every id, so that the
   * protobuf decoder rejects just that item. Not zero: an all-zero log record id means "none".
   */
  private static final String NOT_HEX = "AQ==";

  private static final int MAX_REASON_LENGTH = 160;

  private OtlpJsonTranscoder() {}

  static byte[] traces(byte[] json) throws MalformedRequestException {
    JsonObject request = parse(json);
    for (JsonObject resourceSpans : objects(request, "resourceSpans", "resource_spans")) {
      for (JsonObject scopeSpans : objects(resourceSpans, "scopeSpans", "scope_spans")) {
        for (JsonObject span : objects(scopeSpans, "spans", "spans")) {
          hexToBase64(span, "traceId", "trace_id");
          hexToBase64(span, "spanId", "span_id");
          hexToBase64(span, "parentSpanId", "parent_span_id");
          for (JsonObject link : objects(span, "links", "links")) {
            hexToBase64(link, "traceId", "trace_id");
            hexToBase64(link, "spanId", "span_id");
          }
        }
      }
    }
    return merge(request, ExportTraceServiceRequest.newBuilder());
  }

  static byte[] logs(byte[] json) throws MalformedRequestException {
    JsonObject request = parse(json);
    for (JsonObject resourceLogs : objects(request, "resourceLogs", "resource_logs")) {
      for (JsonObject scopeLogs : objects(resourceLogs, "scopeLogs", "scope_logs")) {
        for (JsonObject log : objects(scopeLogs, "logRecords", "log_records")) {
          hexToBase64(log, "traceId", "trace_id");
          hexToBase64(log, "spanId", "span_id");
        }
      }
    }
    return merge(request, ExportLogsServiceRequest.newBuilder());
  }

  /**
   * Metrics: exemplars carry hex ids too, but they are not stored (docs/query.md), so they are
   * dropped here rather than rewritten.
   */
  static byte[] metrics(byte[] json) throws MalformedRequestException {
    JsonObject request = parse(json);
    for (JsonObject resourceMetrics : objects(request, "resourceMetrics", "resource_metrics")) {
      for (JsonObject scopeMetrics : objects(resourceMetrics, "scopeMetrics", "scope_metrics")) {
        for (JsonObject metric : objects(scopeMetrics, "metrics", "metrics")) {
          for (String type :
              new String[] {
                "gauge", "sum", "histogram", "exponentialHistogram", "exponential_histogram"
              }) {
            JsonElement data = metric.get(type);
            if (data != null && data.isJsonObject()) {
              for (JsonObject point :
                  objects(data.getAsJsonObject(), "dataPoints", "data_points")) {
                point.remove("exemplars");
              }
            }
          }
        }
      }
    }
    return merge(request, ExportMetricsServiceRequest.newBuilder());
  }

  private static JsonObject parse(byte[] json) throws MalformedRequestException {
    String text;
    try {
      // JSON is UTF-8 (RFC 8259); decoding strictly keeps JSON as strict as protobuf, where
      // invalid UTF-8 is never silently replaced. Here it cannot be pinned to one item.
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(json)).toString();
    } catch (CharacterCodingException e) {
      throw malformed("it is not valid UTF-8");
    }
    if (text.isBlank()) {
      throw malformed("the body is empty");
    }
    JsonElement root;
    try {
      JsonReader reader = new JsonReader(new StringReader(text));
      reader.setStrictness(Strictness.STRICT);
      root = JsonParser.parseReader(reader);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw malformed("there is more after the top-level value");
      }
    } catch (JsonParseException | IOException e) {
      throw malformed(
          reason(innermost(e))); // gson prefixes its wrappers' messages with class names
    }
    if (!root.isJsonObject()) {
      throw malformed("the top level is not a JSON object");
    }
    return root.getAsJsonObject();
  }

  private static byte[] merge(JsonObject request, Message.Builder builder)
      throws MalformedRequestException {
    try {
      PARSER.merge(request.toString(), builder);
    } catch (IOException | RuntimeException e) {
      // JsonFormat reports a wrong shape ("Expected an array for resource_spans…") as
      // InvalidProtocolBufferException; the runtime exceptions are input problems it did not wrap.
      throw malformed(reason(e)); // JsonFormat's own message names the field, its cause does not
    }
    return builder.build().toByteArray();
  }

  /**
   * The objects in the array named {@code camel} or {@code snake}; other shapes are skipped here.
   */
  private static List<JsonObject> objects(JsonObject parent, String camel, String snake) {
    List<JsonObject> out = new ArrayList<>();
    for (String name : camel.equals(snake) ? new String[] {camel} : new String[] {camel, snake}) {
      JsonElement array = parent.get(name);
      if (array != null && array.isJsonArray()) {
        for (JsonElement e : array.getAsJsonArray()) {
          if (e.isJsonObject()) {
            out.add(e.getAsJsonObject());
          }
        }
      }
    }
    return out;
  }

  private static void hexToBase64(JsonObject o, String camel, String snake) {
    hexToBase64(o, camel);
    hexToBase64(o, snake);
  }

  private static void hexToBase64(JsonObject o, String name) {
    JsonElement id = o.get(name);
    if (id == null || id.isJsonNull()) {
      return;
    }
    byte[] bytes =
        id.isJsonPrimitive() && id.getAsJsonPrimitive().isString()
            ? Hex.bytes(id.getAsString())
            : null;
    o.addProperty(name, bytes == null ? NOT_HEX : Base64.getEncoder().encodeToString(bytes));
  }

  private static MalformedRequestException malformed(String reason) {
    return new MalformedRequestException("request body is not valid OTLP JSON: " + reason);
  }

  private static Throwable innermost(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause().getMessage() != null) {
      root = root.getCause();
    }
    return root;
  }

  /**
   * The message's first line, without gson's JSON path (as long as the nesting) and its advice to
   * parse leniently, which is meant for developers, not for clients.
   */
  private static String reason(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    message = message.lines().findFirst().orElse("");
    int path = message.indexOf(" path $");
    if (path >= 0) {
      message = message.substring(0, path);
    }
    message = message.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept ", "");
    if (message.length() > MAX_REASON_LENGTH) {
      message = message.substring(0, MAX_REASON_LENGTH) + "...";
    }
    return message;
  }
}
