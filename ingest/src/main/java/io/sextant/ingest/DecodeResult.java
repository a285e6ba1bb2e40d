package io.sextant.ingest;

import io.sextant.model.Event;
import java.util.List;
import java.util.Objects;

/**
 * What a decoder kept and what it refused. A request is accepted item by item: {@code rejected}
 * items were dropped and {@code rejectionMessage} names the first problem and the count, in one
 * sentence fit for an OTLP {@code partial_success.error_message} ({@code ""} when nothing was
 * rejected). Items are numbered from 1 in request order.
 */
public record DecodeResult(List<Event> events, int rejected, String rejectionMessage) {
  public DecodeResult {
    events = List.copyOf(events);
    Objects.requireNonNull(rejectionMessage, "rejectionMessage");
    if (rejected < 0) {
      throw new IllegalArgumentException("rejected is negative: " + rejected);
    }
    if ((rejected == 0) != rejectionMessage.isEmpty()) {
      throw new IllegalArgumentException("a rejection message goes with rejected items only");
    }
  }
}
