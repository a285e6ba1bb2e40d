package io.sextant.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RejectionsTest {

  private static Rejections seen(int items, int limit) {
    Rejections r = new Rejections("span", "spans", limit);
    for (int i = 0; i < items; i++) {
      r.nextItem();
    }
    return r;
  }

  @Test
  void result_nothingRejected_hasEmptyMessage() {
    assertThat(seen(3, 10).result(List.of())).isEqualTo(new DecodeResult(List.of(), 0, ""));
  }

  @Test
  void result_oneRejected_namesIt() {
    Rejections r = seen(3, 10);
    r.reject("span 2 has no trace id");

    assertThat(r.result(List.of()).rejectionMessage())
        .isEqualTo("1 span rejected: span 2 has no trace id");
  }

  @Test
  void result_severalRejected_countsThemAndNamesTheFirst() {
    Rejections r = seen(3, 10);
    r.reject("span 1 has no trace id");
    r.reject("span 3 has no span id");

    DecodeResult result = r.result(List.of());

    assertThat(result.rejected()).isEqualTo(2);
    assertThat(result.rejectionMessage())
        .isEqualTo("2 spans rejected; first: span 1 has no trace id");
  }

  @Test
  void beyondLimit_isTrueOnlyPastTheLimit() {
    Rejections r = new Rejections("span", "spans", 2);

    assertThat(r.beyondLimit(r.nextItem())).isFalse();
    assertThat(r.beyondLimit(r.nextItem())).isFalse();
    assertThat(r.beyondLimit(r.nextItem())).isTrue();
    assertThat(r.result(List.of()).rejected()).isEqualTo(1);
  }
}
