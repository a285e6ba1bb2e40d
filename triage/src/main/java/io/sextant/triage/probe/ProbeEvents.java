package io.sextant.triage.probe;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import io.sextant.model.TraceId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Probe results as stored events: log records of service {@code sextant-probes} named {@code
 * probe}, carrying the run's trace id (so a result links to its trace) and {@code probe.*}
 * attributes; queryable like any other event ({@code where name = probe and probe.passed = false}).
 */
public final class ProbeEvents {
  public static final String SERVICE = "sextant-probes";

  /** The name of a probe result. */
  public static final String RESULT = "probe";

  /**
   * The name of a mark on a failed run that keeps it out of the flake rate: {@code probe.why} is
   * {@code incident} (a triage named the fault behind it) or {@code starting} (the probe had not
   * passed yet since Sextant started). The run is the event's trace id.
   */
  public static final String EXPLAINED = "probe.explained";

  private static final Resource RESOURCE = new Resource(Attributes.of("service.name", SERVICE));

  private ProbeEvents() {}

  public static Event of(ProbeRun r, Probe p) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("probe.name", r.probe());
    a.put("probe.passed", r.passed());
    a.put("probe.duration_ms", r.durationMillis());
    a.put("probe.status_code", (long) r.status());
    if (r.reason() != null) {
      a.put("probe.reason", r.reason());
    }
    if (p != null) {
      a.put("probe.method", p.method());
      a.put("probe.url", p.url().toString());
      a.put("probe.tracer_bullet", p.tracerBullet());
      a.put("probe.request", p.requestKey());
    }
    a.put("probe.rolled_back", r.rolledBack());
    return Event.log()
        .timeUnixNano(r.startUnixNano())
        .traceId(TraceId.fromHex(r.traceId()))
        .resource(RESOURCE)
        .name(RESULT)
        .severityNumber(r.passed() ? 9 : Event.SEVERITY_ERROR)
        .severityText(r.passed() ? "INFO" : "ERROR")
        .body("probe " + r.probe() + (r.passed() ? " passed" : " failed: " + r.reason()))
        .attributes(Attributes.of(a))
        .build();
  }

  /** A mark on the failed run {@code traceId} of {@code probe} (see {@link #EXPLAINED}). */
  public static Event explained(String probe, String traceId, String why, long timeUnixNano) {
    return Event.log()
        .timeUnixNano(timeUnixNano)
        .traceId(TraceId.fromHex(traceId))
        .resource(RESOURCE)
        .name(EXPLAINED)
        .severityNumber(9)
        .severityText("INFO")
        .body("probe " + probe + ": failed run explained (" + why + ")")
        .attributes(Attributes.of(Map.of("probe.name", probe, "probe.why", why)))
        .build();
  }
}
