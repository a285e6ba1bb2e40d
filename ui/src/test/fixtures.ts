import type { TraceEvent } from '../api';

const T0 = 1795439682680655016n;

/** A span event as GET /api/v1/traces/{id} returns it, times in microseconds from a fixed start. */
export function span(id: string, parent: string | undefined, startUs: number, durUs: number, extra: Partial<TraceEvent> = {}): TraceEvent {
  return {
    kind: 'span',
    time_unix_nano: (T0 + BigInt(startUs * 1000)).toString(),
    trace_id: 't',
    span_id: id,
    parent_span_id: parent,
    'service.name': extra['service.name'] ?? 'svc',
    name: id,
    duration_nanos: durUs * 1000,
    status: 'unset',
    error: false,
    attributes: {},
    resource: {},
    ...extra,
  };
}

