package io.sextant.triage.rank;

import java.util.List;

/**
 * What raised a component's prior before any probe ran (triage-methods §5.2d): a change (× 5), a
 * health check reporting it down (× 10) or degraded (× 3).
 */
public record Prior(double multiplier, List<String> reasons) {
  public static final Prior NONE = new Prior(1, List.of());

  public Prior {
    if (!(multiplier > 0)) {
      throw new IllegalArgumentException("a prior multiplier must be positive");
    }
    reasons = List.copyOf(reasons);
  }

  public Prior times(double m, String reason) {
    List<String> r = new java.util.ArrayList<>(reasons);
    r.add(reason);
    return new Prior(multiplier * m, r);
  }
}
