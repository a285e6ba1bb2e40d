package io.sextant.client.sdk;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.sextant.client.ContextKeys;

/**
 * Copies the request-context baggage entries ({@link ContextKeys#ALL}) onto every span as it
 * starts, so each span can be filtered by user, account, request type and tenant. Register it
 * before the exporting processor: {@code SdkTracerProvider.builder().addSpanProcessor(new
 * BaggageSpanProcessor())}.
 */
public final class BaggageSpanProcessor implements SpanProcessor {
  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    Baggage baggage = Baggage.fromContext(parentContext);
    for (String key : ContextKeys.ALL) {
      String value = baggage.getEntryValue(key);
      if (value != null) {
        span.setAttribute(key, value);
      }
    }
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {}

  @Override
  public boolean isEndRequired() {
    return false;
  }
}
