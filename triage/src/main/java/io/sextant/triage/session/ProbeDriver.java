package io.sextant.triage.session;

import io.sextant.triage.rank.ProbeOutcome;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs probes for a triage session: against the real system (the server's {@code Triage}) or a
 * simulated one (bench/triage).
 */
public interface ProbeDriver {
  /**
   * Runs every probe of the suite {@code repeats} times now, and reads the failing runs' traces.
   */
  ProbeEvidence suite(List<String> probes, int repeats);

  /**
   * As {@link #suite(List, int)}, for a driver that can run a probe while it waits for the suite's
   * traces: once the runs have ended it asks {@code early} which probe the session will want first
   * from their outcomes alone (or null), and starts that run at once. The run is the answer to the
   * session's next {@link #extra} of that probe, or, when the session wants another, part of {@link
   * #late}. By default nothing runs early.
   */
  default ProbeEvidence suite(
      List<String> probes, int repeats, Function<Map<String, ProbeOutcome>, String> early) {
    return suite(probes, repeats);
  }

  /** Runs one more probe once, to tell suspects apart. */
  ProbeEvidence extra(String probe);

  /**
   * What the extra runs left to read when the session has chosen its last probe: their passing
   * runs' traces, which are not waited for while the next probe is chosen (each would cost a trace
   * wait for errors a retry hid, and a pass decides the choice by itself), and a run started early
   * that the session did not ask for. Nothing by default.
   */
  default ProbeEvidence late() {
    return ProbeEvidence.NONE;
  }
}
