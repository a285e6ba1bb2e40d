package io.sextant.triage.session;

import java.util.List;

/**
 * Runs probes for a triage session: against the real system (the server's {@code Triage}) or a
 * simulated one (bench/triage).
 */
public interface ProbeDriver {
  /**
   * Runs every probe of the suite {@code repeats} times now, and reads the failing runs' traces.
   */
  ProbeEvidence suite(List<String> probes, int repeats);

  /** Runs one more probe once, to tell suspects apart. */
  ProbeEvidence extra(String probe);
}
