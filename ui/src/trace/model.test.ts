import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../api';
import { span } from '../test/fixtures';
import { ancestors, buildTrace, visibleRows } from './model';

describe('buildTrace', () => {
  const events: TraceEvent[] = [
    span('root', undefined, 0, 100),
    span('a', 'root', 5, 30),
    span('b', 'root', 40, 55, { error: true, status: 'error' }),
    span('b1', 'b', 45, 20),
    span('b2', 'b', 70, 20),
    span('orphan', 'missing', 10, 5),
    { ...span('log1', undefined, 50, 0), kind: 'log', span_id: 'b', body: 'boom' },
  ];

  it('builds the tree in start order, with orphans as extra roots and logs on their span', () => {
    const m = buildTrace(events);
    expect(m.ordered.map((n) => n.id)).toEqual(['root', 'a', 'b', 'b1', 'b2', 'orphan']);
    expect(m.roots.map((r) => r.id)).toEqual(['root', 'orphan']);
    expect(m.byId.get('b')!.logs.map((l) => l.body)).toEqual(['boom']);
    expect(m.byId.get('b1')!.depth).toBe(2);
    expect(m.byId.get('root')!.descendants).toBe(4);
    expect(m.duration).toBe(100_000);
    expect(m.errors.map((e) => e.id)).toEqual(['b']);
  });

  it('marks the critical path backwards from the last child to finish', () => {
    const m = buildTrace(events);
    const critical = m.ordered.filter((n) => n.critical).map((n) => n.id);
    expect(critical).toEqual(['root', 'a', 'b', 'b1', 'b2']);
    const m2 = buildTrace([span('r', undefined, 0, 100), span('x', 'r', 0, 90), span('y', 'r', 10, 20)]);
    expect(m2.ordered.filter((n) => n.critical).map((n) => n.id)).toEqual(['r', 'x']);
  });

  it('hides what is under a collapsed span and reveals a span by its ancestors', () => {
    const m = buildTrace(events);
    expect(visibleRows(m, new Set(['b'])).map((n) => n.id)).toEqual(['root', 'a', 'b', 'orphan']);
    expect(visibleRows(m, new Set(['root'])).map((n) => n.id)).toEqual(['root', 'orphan']);
    expect(ancestors(m.byId.get('b2')!)).toEqual(['b', 'root']);
  });

  it('handles a 10,000-span chain without recursion and quickly', () => {
    const chain = Array.from({ length: 10_000 }, (_, i) => span(`s${i}`, i ? `s${i - 1}` : undefined, i, 10_000 - i));
    const t = performance.now();
    const m = buildTrace(chain);
    expect(performance.now() - t).toBeLessThan(2000);
    expect(m.maxDepth).toBe(9_999);
    expect(visibleRows(m, new Set(['s5'])).length).toBe(6);
  });
});
