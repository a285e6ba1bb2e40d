package io.sextant.topology;

/**
 * Rate, errors and duration of the calls into a node or along an edge, over a window.
 *
 * @param calls how many calls
 * @param perSecond calls divided by the window's seconds
 * @param errors how many of them failed
 * @param p50Nanos median duration, exact when one group of spans made it (see {@link #merge})
 * @param p99Nanos 99th percentile duration
 */
public record Red(long calls, double perSecond, long errors, double p50Nanos, double p99Nanos) {
  public static final Red NONE = new Red(0, 0, 0, 0, 0);

  /** Failed calls as a percentage of all calls, 0 when there were none. */
  public double errorPercent() {
    return calls == 0 ? 0 : 100.0 * errors / calls;
  }

  /**
   * Both together. Counts add exactly; percentiles cannot be merged from percentiles, so the median
   * is the call-weighted mean of the medians and the p99 the larger p99 — an approximation used
   * only where several groups of spans land on one node or edge.
   */
  Red merge(Red o) {
    if (calls == 0) {
      return o;
    }
    if (o.calls == 0) {
      return this;
    }
    long n = calls + o.calls;
    return new Red(
        n,
        perSecond + o.perSecond,
        errors + o.errors,
        (p50Nanos * calls + o.p50Nanos * o.calls) / n,
        Math.max(p99Nanos, o.p99Nanos));
  }
}
