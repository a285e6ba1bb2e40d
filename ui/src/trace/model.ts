import type { TraceEvent } from '../api';

export interface SpanNode {
  id: string;
  event: TraceEvent;
  parent: SpanNode | null;
  children: SpanNode[];
  depth: number;
  /** Nanoseconds from the trace's first event. */
  start: number;
  end: number;
  error: boolean;
  critical: boolean;
  /** How many spans sit below this one. */
  descendants: number;
  logs: TraceEvent[];
}

export interface TraceModel {
  roots: SpanNode[];
  byId: Map<string, SpanNode>;
  /** Every span, depth first in start order. */
  ordered: SpanNode[];
  /** Absolute start of the trace, Unix nanoseconds as a string. */
  startNanos: string;
  duration: number;
  services: string[];
  errors: SpanNode[];
  /** Logs whose span is not in the trace (or that have none). */
  looseLogs: TraceEvent[];
  maxDepth: number;
}

/** Builds the span tree of a trace; spans whose parent is missing become roots. */
export function buildTrace(events: TraceEvent[]): TraceModel {
  const spans = events.filter((e) => e.kind === 'span' && e.span_id);
  const times = events.map((e) => BigInt(e.time_unix_nano));
  const base = times.length ? times.reduce((a, b) => (b < a ? b : a)) : 0n;
  const byId = new Map<string, SpanNode>();
  for (const e of spans) {
    const start = Number(BigInt(e.time_unix_nano) - base);
    const node: SpanNode = {
      id: e.span_id!,
      event: e,
      parent: null,
      children: [],
      depth: 0,
      start,
      end: start + (e.duration_nanos ?? 0),
      error: e.error || e.status === 'error',
      critical: false,
      descendants: 0,
      logs: [],
    };
    if (!byId.has(node.id)) byId.set(node.id, node);
  }
  const roots: SpanNode[] = [];
  for (const n of byId.values()) {
    const p = n.event.parent_span_id ? byId.get(n.event.parent_span_id) : undefined;
    if (p && p !== n) {
      n.parent = p;
      p.children.push(n);
    } else roots.push(n);
  }
  const looseLogs: TraceEvent[] = [];
  for (const e of events) {
    if (e.kind !== 'log') continue;
    const owner = e.span_id ? byId.get(e.span_id) : undefined;
    if (owner) owner.logs.push(e);
    else looseLogs.push(e);
  }
  const byStart = (a: SpanNode, b: SpanNode) => a.start - b.start || a.end - b.end;
  roots.sort(byStart);

  // Depth-first order without recursion: a 10,000-span chain must not overflow the stack.
  const ordered: SpanNode[] = [];
  const stack: SpanNode[] = [...roots].reverse();
  let maxDepth = 0;
  while (stack.length) {
    const n = stack.pop()!;
    n.depth = n.parent ? n.parent.depth + 1 : 0;
    maxDepth = Math.max(maxDepth, n.depth);
    ordered.push(n);
    n.children.sort(byStart);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
  }
  for (let i = ordered.length - 1; i >= 0; i--) {
    const n = ordered[i];
    if (n.parent) n.parent.descendants += n.descendants + 1;
  }
  let end = 0;
  for (const n of ordered) end = Math.max(end, n.end);
  for (const t of times) end = Math.max(end, Number(t - base));
  markCriticalPath(roots);
  return {
    roots,
    byId,
    ordered,
    startNanos: base.toString(),
    duration: end,
    services: [...new Set(spans.map((s) => s['service.name']))].sort(),
    errors: ordered.filter((n) => n.error),
    looseLogs,
    maxDepth,
  };
}

/**
 * Marks the critical path: from the root that ends last, repeatedly the child that ends last before
 * the point reached so far, walking backwards in time (the approach of Jaeger's critical path).
 */
export function markCriticalPath(roots: SpanNode[]): void {
  if (!roots.length) return;
  const root = roots.reduce((a, b) => (b.end - b.start > a.end - a.start ? b : a));
  const stack = [root];
  while (stack.length) {
    const s = stack.pop()!;
    s.critical = true;
    let t = s.end;
    const kids = [...s.children].sort((a, b) => b.end - a.end);
    for (const c of kids) {
      if (c.start >= t) continue;
      stack.push(c);
      t = c.start;
      if (t <= s.start) break;
    }
  }
}

/** The rows shown: depth-first, skipping what is below a collapsed span. */
export function visibleRows(model: TraceModel, collapsed: ReadonlySet<string>): SpanNode[] {
  if (collapsed.size === 0) return model.ordered;
  const out: SpanNode[] = [];
  const o = model.ordered;
  for (let i = 0; i < o.length; ) {
    const n = o[i];
    out.push(n);
    i += collapsed.has(n.id) ? n.descendants + 1 : 1;
  }
  return out;
}

/** Ids to un-collapse so that `node` shows. */
export function ancestors(node: SpanNode): string[] {
  const out: string[] = [];
  for (let p = node.parent; p; p = p.parent) out.push(p.id);
  return out;
}
