package io.sextant.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The strict reader accepts the format specification's own example and refuses near misses. */
class PrometheusTextTest {
  /** The example of the Prometheus text exposition format's specification. */
  static final String SPEC_EXAMPLE =
      """
      # HELP http_requests_total The total number of HTTP requests.
      # TYPE http_requests_total counter
      http_requests_total{method="post",code="200"} 1027 1395066363000
      http_requests_total{method="post",code="400"}    3 1395066363000

      # Escaping in label values:
      msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9

      # Minimalistic line:
      metric_without_timestamp_and_labels 12.47

      # A weird metric from before the epoch:
      something_weird{problem="division by zero"} +Inf -3982045

      # A histogram, which has a pretty complex representation in the text format:
      # HELP http_request_duration_seconds A histogram of the request duration.
      # TYPE http_request_duration_seconds histogram
      http_request_duration_seconds_bucket{le="0.05"} 24054
      http_request_duration_seconds_bucket{le="0.1"} 33444
      http_request_duration_seconds_bucket{le="0.2"} 100392
      http_request_duration_seconds_bucket{le="0.5"} 129389
      http_request_duration_seconds_bucket{le="1"} 133988
      http_request_duration_seconds_bucket{le="+Inf"} 144320
      http_request_duration_seconds_sum 53423
      http_request_duration_seconds_count 144320

      # Finally a summary, which has a complex representation, too:
      # HELP rpc_duration_seconds A summary of the RPC duration in seconds.
      # TYPE rpc_duration_seconds summary
      rpc_duration_seconds{quantile="0.01"} 3102
      rpc_duration_seconds{quantile="0.05"} 3272
      rpc_duration_seconds{quantile="0.5"} 4773
      rpc_duration_seconds{quantile="0.9"} 9001
      rpc_duration_seconds{quantile="0.99"} 76656
      rpc_duration_seconds_sum 1.7560473e+07
      rpc_duration_seconds_count 2693
      """;

  @Test
  void specExample_parses() {
    var families = PrometheusText.parse(SPEC_EXAMPLE);
    assertThat(families.get("http_requests_total").type()).isEqualTo("counter");
    assertThat(families.get("http_requests_total").samples()).hasSize(2);
    assertThat(
            families.get("msdos_file_access_time_seconds").samples().get(0).labels().get("error"))
        .isEqualTo("Cannot find file:\n\"FILE.TXT\"");
    assertThat(families.get("http_request_duration_seconds").samples()).hasSize(8);
    assertThat(families.get("rpc_duration_seconds").samples()).hasSize(7);
  }

  @Test
  void nearMisses_areRefused() {
    for (String bad :
        new String[] {
          "x{a=1} 2",
          "x{a=\"1\"} two",
          "9x 1",
          "# TYPE x counter\n# TYPE x counter\nx 1",
          "x 1\n# TYPE x counter",
          "# TYPE x gauge\nx 1\n# TYPE y gauge\ny 1\nx 2",
          "# TYPE h histogram\nh_bucket{le=\"1\"} 5\nh_bucket{le=\"+Inf\"} 4\nh_count 4",
          "# TYPE h histogram\nh_bucket{le=\"1\"} 5\nh_count 5",
          "x{a=\"bad\\q\"} 1"
        }) {
      assertThatThrownBy(() -> PrometheusText.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
