package io.sextant.triage.probe;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

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

  /**
   * What the probe sends, as a short hash of its method, URL, headers, body and tester: two
   * versions of a probe with the same name and key make the same request, so what one learned (its
   * footprint, flake rate) holds for the other. Stored on every result as {@code probe.request}.
   */
  public String requestKey() {
    StringBuilder b = new StringBuilder();
    b.append(method).append('\n').append(url).append('\n');
    new TreeMap<>(headers).forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
    b.append('\n').append(body == null ? "" : body).append('\n');
    if (tester != null) {
      b.append(tester.userId()).append('/').append(tester.accountId());
    }
    b.append('\n').append(tracerBullet);
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest(b.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
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
