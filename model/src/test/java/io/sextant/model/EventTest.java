package io.sextant.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EventTest {
  static final TraceId TRACE = TraceId.fromHex("4bf92f3577b34da6a3ce929d0e0e4736");
  static final SpanId SPAN = SpanId.fromHex("00f067aa0ba902b7");

  @Test
  void missingPartsGetTheirEmptyValues_andTheServiceIsUnknownWithoutAResource() {
    Event e = Event.span(TRACE, SPAN).build();
    assertThat(e.kind()).isEqualTo(EventKind.SPAN);
    assertThat(e.name()).isEmpty();
    assertThat(e.spanKind()).isEqualTo(SpanKind.UNSPECIFIED);
    assertThat(e.status()).isEqualTo(StatusCode.UNSET);
    assertThat(e.attributes().isEmpty()).isTrue();
    assertThat(e.events()).isEmpty();
    assertThat(e.serviceName()).isEqualTo(Resource.UNKNOWN_SERVICE);
    Resource shop = new Resource(Attributes.of(Resource.SERVICE_NAME, "shop"));
    assertThat(e.toBuilder().resource(shop).build().serviceName()).isEqualTo("shop");
  }

  @Test
  void aSpanNeedsItsIds_andNoEventLastsLessThanNothing() {
    assertThatThrownBy(() -> Event.span(TRACE, null).build())
        .hasMessageContaining("a span needs a trace id and a span id");
    assertThatThrownBy(() -> Event.span(TRACE, SPAN).durationNanos(-1).build())
        .hasMessageContaining("duration is negative");
    assertThat(Event.log().body("no trace").build().traceId()).isNull();
  }

  @Test
  void anErrorIsASpanWithStatusErrorOrALogOfSeverityErrorOrWorse() {
    assertThat(Event.span(TRACE, SPAN).status(StatusCode.ERROR).build().isError()).isTrue();
    assertThat(Event.span(TRACE, SPAN).status(StatusCode.OK).build().isError()).isFalse();
    assertThat(Event.log().severityNumber(Event.SEVERITY_ERROR).build().isError()).isTrue();
    assertThat(Event.log().severityNumber(Event.SEVERITY_ERROR - 1).build().isError()).isFalse();
  }
}
