package io.sextant.client;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.logs.LogRecordBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.context.Context;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Structured log records through OpenTelemetry: a message plus key/value attributes, emitted in the
 * current context so each record carries the trace id, span id and (with {@code
 * io.sextant.client.sdk.BaggageLogRecordProcessor}) the request context. Not a text log: {@code
 * log.info("order placed", "order_id", id, "total_cents", 1299)}.
 */
public final class StructuredLog {
  private final Logger logger;

  private StructuredLog(Logger logger) {
    this.logger = logger;
  }

  public static StructuredLog of(OpenTelemetry otel, String scope) {
    return new StructuredLog(otel.getLogsBridge().get(scope));
  }

  public void info(String message, Object... keyValues) {
    emit(Severity.INFO, message, null, keyValues);
  }

  public void warn(String message, Object... keyValues) {
    emit(Severity.WARN, message, null, keyValues);
  }

  public void error(String message, Throwable error, Object... keyValues) {
    emit(Severity.ERROR, message, error, keyValues);
  }

  private void emit(Severity severity, String message, Throwable error, Object... kv) {
    if (kv.length % 2 != 0) {
      throw new IllegalArgumentException("keyValues must come in pairs: key, value, ...");
    }
    LogRecordBuilder b =
        logger
            .logRecordBuilder()
            .setContext(Context.current())
            .setSeverity(severity)
            .setSeverityText(severity.name())
            .setBody(message);
    for (int i = 0; i < kv.length; i += 2) {
      String key = String.valueOf(kv[i]);
      Object v = kv[i + 1];
      if (v instanceof Long || v instanceof Integer || v instanceof Short) {
        b.setAttribute(AttributeKey.longKey(key), ((Number) v).longValue());
      } else if (v instanceof Double || v instanceof Float) {
        b.setAttribute(AttributeKey.doubleKey(key), ((Number) v).doubleValue());
      } else if (v instanceof Boolean bool) {
        b.setAttribute(AttributeKey.booleanKey(key), bool);
      } else if (v != null) {
        b.setAttribute(AttributeKey.stringKey(key), v.toString());
      }
    }
    if (error != null) {
      b.setAttribute(AttributeKey.stringKey("exception.type"), error.getClass().getName());
      if (error.getMessage() != null) {
        b.setAttribute(AttributeKey.stringKey("exception.message"), error.getMessage());
      }
      StringWriter trace = new StringWriter();
      error.printStackTrace(new PrintWriter(trace));
      b.setAttribute(AttributeKey.stringKey("exception.stacktrace"), trace.toString());
    }
    b.emit();
  }
}
