package io.sextant.bench.triage;

import java.util.List;

/**
 * One triage case of the grid.
 *
 * @param kind the row it is reported under: a fault kind's label, "two faults", "no fault" or
 *     "flaky probe"
 * @param truth the component ids at fault (empty for controls)
 * @param decoy a service with an unrelated deploy in the change log, or null
 * @param forceFlake whether the flaky probe is made to fail at least once (a flaky-probe control)
 */
record Case(
    int index,
    String kind,
    List<Fault> faults,
    List<String> truth,
    String decoy,
    boolean forceFlake,
    long seed) {
  boolean control() {
    return truth.isEmpty();
  }

  String describe() {
    return kind
        + " "
        + faults.stream()
            .map(f -> f.target() + (f.endpoint() == null ? "" : " " + f.endpoint()))
            .toList();
  }
}
