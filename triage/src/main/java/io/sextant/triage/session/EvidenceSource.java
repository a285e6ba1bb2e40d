package io.sextant.triage.session;

import io.sextant.triage.rank.TriageInput;

/**
 * Everything a triage reads beside its own probe runs (footprints, baselines, production traces,
 * health checks, changes), gathered once per session by the caller.
 */
public interface EvidenceSource {
  /** The ranking's input: {@code probes} beside the evidence gathered for this session. */
  TriageInput input(ProbeEvidence probes);
}
