package io.sextant.triage.probe;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One probe: an HTTP request to a public function, the contract its answer must keep, and how it is
 * sent (docs/probes.md).
 *
 * @param readOnly the request changes nothing, so it is safe to repeat at will
 * @param tracerBullet sent with baggage {@code request_type=TRACE}: services run the whole path but
 *     roll back their writes
 * @param every how often the scheduler runs it; null for on-demand only (a probe kept for adaptive
 *     triage)
 * @param inSuite whether triage runs it first; the others are run only to split an ambiguous answer
 */
public record Probe(
    String name,
    String method,
    URI url,
    Map<String, String> headers,
    String body,
    Tester tester,
    Contract contract,
    boolean readOnly,
    boolean tracerBullet,
    Duration every,
    Duration timeout,
    boolean inSuite) {
  public Probe {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(url, "url");
    headers = Map.copyOf(headers);
    Objects.requireNonNull(contract, "contract");
    Objects.requireNonNull(timeout, "timeout");
  }

  /** The account a probe acts as, sent as baggage {@code user_id} and {@code account_id}. */
  public record Tester(String userId, String accountId) {}

  /**
   * What a good answer looks like.
   *
   * @param status the expected HTTP status
   * @param maxLatencyMillis the latency SLA (0: none)
   */
  public record Contract(int status, long maxLatencyMillis, List<JsonAssertion> json) {
    public Contract {
      json = List.copyOf(json);
    }
  }

  /**
   * A JSONPath assertion on the body: {@code exists}, {@code not-empty}, {@code equals} (value).
   */
  public record JsonAssertion(String path, String op, String value) {}
}
