package io.sextant.client.sdk;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.ReadWriteLogRecord;
import io.sextant.client.ContextKeys;

/**
 * Copies the request-context baggage entries onto every log record emitted in that context.
 * Register it before the exporting processor.
 */
public final class BaggageLogRecordProcessor implements LogRecordProcessor {
  @Override
  public void onEmit(Context context, ReadWriteLogRecord logRecord) {
    Baggage baggage = Baggage.fromContext(context);
    for (String key : ContextKeys.ALL) {
      String value = baggage.getEntryValue(key);
      if (value != null) {
        logRecord.setAttribute(AttributeKey.stringKey(key), value);
      }
    }
  }
}
