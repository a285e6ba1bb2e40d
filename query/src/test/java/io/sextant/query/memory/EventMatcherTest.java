package io.sextant.query.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import io.sextant.model.SpanId;
import io.sextant.model.SpanKind;
import io.sextant.model.StatusCode;
import io.sextant.model.TraceId;
import io.sextant.query.Catalog;
import io.sextant.query.Filter;
import io.sextant.query.QueryException;
import io.sextant.query.text.QueryText;
import io.sextant.store.spi.AttributeKey;
import io.sextant.store.spi.AttributeKey.Origin;
import io.sextant.store.spi.FieldType;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventMatcherTest {
  static Filter where(String text) {
    return QueryText.parse("where " + text, 0).where();
  }

  static Event span(Object... attributes) {
    return Event.span(new TraceId(1, 2), new SpanId(3))
        .resource(new Resource(Attributes.of("service.name", "gateway", "region", "eu")))
        .name("GET /api/checkout")
        .spanKind(SpanKind.SERVER)
        .timeUnixNano(1_000)
        .durationNanos(900_000_000L)
        .status(StatusCode.ERROR)
        .attributes(Attributes.of(attributes))
        .build();
  }

  static final Catalog NUMBERS =
      Catalog.of(
          List.of(
              new AttributeKey("http.status", Origin.RECORD, FieldType.NUMBER),
              new AttributeKey("region", Origin.RESOURCE, FieldType.STRING)));

  @Test
  void matches_asTheMemoryEngineCountsIt_typesConvertedByTheCatalog() {
    EventMatcher m =
        EventMatcher.of(where("service.name = gateway and http.status >= 500"), NUMBERS);
    assertThat(m.matches(span("http.status", 503L))).isTrue();
    assertThat(m.matches(span("http.status", 404L))).isFalse();
    // A number sent as text is read as the catalog's type, as SQL casts it.
    assertThat(m.matches(span("http.status", "503"))).isTrue();
    // An event lacking the field never matches a comparison on it.
    assertThat(m.matches(span())).isFalse();
    EventMatcher slow = EventMatcher.of(where("status != error and duration < 800ms"), NUMBERS);
    assertThat(slow.matches(span())).isFalse();
    assertThat(EventMatcher.of(where("region = eu"), NUMBERS).matches(span())).isTrue();
  }

  @Test
  void of_refusesAsAQuestionWould() {
    assertThatThrownBy(() -> EventMatcher.of(where("http.statu = 500"), NUMBERS))
        .isInstanceOf(QueryException.class)
        .hasMessageContaining("unknown column 'http.statu'");
    Catalog strings =
        Catalog.of(List.of(new AttributeKey("http.status", Origin.RECORD, FieldType.STRING)));
    assertThatThrownBy(() -> EventMatcher.of(where("http.status >= 500"), strings))
        .isInstanceOf(QueryException.class)
        .hasMessageContaining("compares numbers or times");
  }

  @Test
  void bindsAlike_isFalse_forAnAttributeOfANewTypeOrPlace_andEqualityFollowsTheBinding() {
    EventMatcher m = EventMatcher.of(where("http.status >= 500 and region = eu"), NUMBERS);
    assertThat(m.attributes()).extracting(f -> f.name()).containsExactly("http.status", "region");
    assertThat(m.bindsAlike(span("http.status", 500L))).isTrue();
    assertThat(m.bindsAlike(span("http.status", 500.5))).as("a double is a number too").isTrue();
    assertThat(m.bindsAlike(span("http.status", "500"))).as("a string widens it").isFalse();
    assertThat(m.bindsAlike(span("region", "us"))).as("region seen on resources only").isFalse();
    assertThat(m.bindsAlike(span("other", true))).isTrue();
    // Core fields never depend on the catalog.
    EventMatcher core = EventMatcher.of(where("duration > 1s and status = error"), NUMBERS);
    assertThat(core.attributes()).isEmpty();
    assertThat(core.bindsAlike(span("http.status", "x"))).isTrue();

    Catalog wider =
        Catalog.of(
            List.of(
                new AttributeKey("http.status", Origin.RECORD, FieldType.NUMBER),
                new AttributeKey("region", Origin.RESOURCE, FieldType.STRING),
                new AttributeKey("region", Origin.RECORD, FieldType.STRING),
                new AttributeKey("unrelated", Origin.RECORD, FieldType.BOOL)));
    Filter f = where("http.status >= 500 and region = eu");
    assertThat(EventMatcher.of(f, NUMBERS)).isEqualTo(m).hasSameHashCodeAs(m);
    assertThat(EventMatcher.of(f, wider)).isNotEqualTo(m);
    assertThat(EventMatcher.of(where("http.status >= 500"), wider))
        .as("an unrelated key does not change the binding")
        .isEqualTo(EventMatcher.of(where("http.status >= 500"), NUMBERS));
  }
}
