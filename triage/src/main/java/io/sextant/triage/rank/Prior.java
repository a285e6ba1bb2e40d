package io.sextant.triage.rank;

import java.util.ArrayList;
import java.util.List;

/**
 * What raised a component's prior before any probe ran (triage-methods §5.2d): a change (× 5), a
 * health check reporting it down (× 10) or degraded (× 3).
 *
 * @param changed the component changed recently (a deploy): such faults often break one endpoint
 *     and not the others, so a probe that touches it and passes says less (see {@link
 *     Settings#betaChanged})
 */
public record Prior(double multiplier, List<String> reasons, boolean changed) {
  public static final Prior NONE = new Prior(1, List.of(), false);

  public Prior {
    if (!(multiplier > 0)) {
      throw new IllegalArgumentException("a prior multiplier must be positive");
    }
    reasons = List.copyOf(reasons);
  }

  public Prior times(double m, String reason) {
    List<String> r = new ArrayList<>(reasons);
    r.add(reason);
    return new Prior(multiplier * m, r, changed);
  }

  /** The same, marked as changed recently. */
  public Prior change(double m, String reason) {
    Prior p = times(m, reason);
    return new Prior(p.multiplier, p.reasons, true);
  }
}
